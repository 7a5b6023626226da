import type { PlayoutOutcome, PlayoutSource } from '../../playout/entities/playout-record.entity';
import type { DiscrepancyCode, MissedCause } from './reconciliation';

/** The codes as people read them (exports, the web page keeps its own copy in web/src/labels.ts). */
export const DISCREPANCY_LABELS: Record<DiscrepancyCode, string> = {
  'on-time': 'Đúng giờ',
  late: 'Phát muộn',
  early: 'Phát sớm',
  short: 'Phát thiếu',
  missed: 'Không phát',
  cancelled: 'Đã huỷ',
  unscheduled: 'Phát ngoài lịch',
  // Not yet due, or aired with its record still being written (the item is open on the log).
  pending: 'Chờ kết quả',
};

export const MISSED_CAUSE_LABELS: Record<MissedCause, string> = {
  'play-error': 'Lỗi khi phát',
  'not-played': 'Bộ phát không phát',
  'devices-offline': 'Cụm loa mất kết nối (không gửi biên nhận)',
  'devices-missed': 'Cụm loa báo không phát',
  'no-devices': 'Không có cụm loa trong vùng phát',
  'no-record': 'Không có bản ghi nhật ký',
};

/** A record's outcome and where it came from, as the web app's as-run log says them. */
export const OUTCOME_LABELS: Record<PlayoutOutcome, string> = {
  aired: 'Đã phát',
  partial: 'Phát một phần',
  failed: 'Phát lỗi',
  missed: 'Bị lỡ',
};

export const SOURCE_LABELS: Record<PlayoutSource, string> = {
  automation: 'Tự động',
  operator: 'Xác nhận thủ công',
  import: 'Nhập từ tệp',
  devices: 'Theo biên nhận cụm loa',
  live: 'Phát trực tiếp',
};
