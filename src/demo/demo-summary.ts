import { viNumber } from '../common/vi-number';
import type { RemovalSummary } from './demo-remover';
import type { DemoSummary } from './demo-seeder';

/** What `npm run demo` says it made, counts grouped as Vietnamese prose writes them ("1.240"). */
export function seededText(summary: DemoSummary): string {
  return `Đã tạo dữ liệu mẫu: ${viNumber(summary.windows)} khung giờ, ${viNumber(summary.bulletins)} bản tin đã duyệt, ${viNumber(summary.scheduleItems)} mục lịch phát trong 7 ngày tới (từ hôm nay), ${viNumber(summary.playoutRecords)} bản ghi nhật ký phát thanh (chiến dịch cds-2025) cho ${viNumber(summary.communes.length)} xã.`;
}

/** What `npm run demo:remove` says it removed. */
export function removedText(summary: RemovalSummary): string {
  return `Đã xoá dữ liệu mẫu: ${viNumber(summary.windows)} khung giờ, ${viNumber(summary.bulletins)} bản tin, ${viNumber(summary.audio)} tệp âm thanh, ${viNumber(summary.scheduleItems)} mục lịch phát, ${viNumber(summary.playoutRecords)} bản ghi nhật ký.`;
}
