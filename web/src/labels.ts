import { formatLufs } from './format.js';
import type {
  AudioStatus,
  BulletinPriority,
  BulletinStatus,
  CampaignStatus,
  DiscrepancyCode,
  MissedCause,
  PlayoutOutcome,
  PlayoutSource,
  Role,
  ScheduleItemStatus,
} from './types.js';

/** Vietnamese names of the API's enumerations. */

export const ROLE_LABEL: Record<Role, string> = {
  admin: 'Quản trị hệ thống',
  monitor: 'Giám sát cấp tỉnh',
  operator: 'Nhân viên vận hành đài',
  approver: 'Lãnh đạo duyệt tin',
};

export const PRIORITY_LABEL: Record<BulletinPriority, string> = {
  normal: 'Thường',
  priority: 'Ưu tiên',
  emergency: 'Khẩn cấp',
};

export const BULLETIN_STATUS_LABEL: Record<BulletinStatus, string> = {
  draft: 'Chờ duyệt',
  approved: 'Đã duyệt',
  archived: 'Lưu trữ',
};

export const CAMPAIGN_STATUS_LABEL: Record<CampaignStatus, string> = {
  running: 'Đang diễn ra',
  upcoming: 'Sắp diễn ra',
  ended: 'Đã kết thúc',
};

export const AUDIO_STATUS_LABEL: Record<AudioStatus, string> = {
  queued: 'Đang chờ xử lý',
  processing: 'Đang xử lý',
  ready: 'Sẵn sàng',
  failed: 'Lỗi xử lý',
};

export const ITEM_STATUS_LABEL: Record<ScheduleItemStatus, string> = {
  planned: 'Đã lên lịch',
  dispatched: 'Đang phát',
  aired: 'Đã phát',
  partial: 'Phát một phần',
  failed: 'Phát lỗi',
  missed: 'Bị lỡ',
  cancelled: 'Đã huỷ',
};

export const OUTCOME_LABEL: Record<PlayoutOutcome, string> = {
  aired: 'Đã phát',
  partial: 'Phát một phần',
  failed: 'Phát lỗi',
  missed: 'Bị lỡ',
};

export const SOURCE_LABEL: Record<PlayoutSource, string> = {
  automation: 'Tự động',
  operator: 'Xác nhận thủ công',
  import: 'Nhập từ tệp',
  devices: 'Theo biên nhận cụm loa',
  live: 'Phát trực tiếp',
};

export const ITEM_SOURCE_LABEL: Record<'manual' | 'planner' | 'emergency', string> = {
  manual: 'Xếp tay',
  planner: 'Theo kế hoạch',
  emergency: 'Khẩn cấp',
};

export const COMMUNE_KIND_LABEL: Record<'xa' | 'phuong' | 'dac-khu', string> = {
  xa: 'Xã',
  phuong: 'Phường',
  'dac-khu': 'Đặc khu',
};

/** Voices of the text-to-speech engine, by region. */
export const VOICES = [
  { value: 'bac', label: 'Giọng Bắc' },
  { value: 'trung', label: 'Giọng Trung' },
  { value: 'nam', label: 'Giọng Nam' },
] as const;

/** The warning an operator sees when a recording stays below the loudness target. */
export function loudnessWarningText(integratedLufs: number, targetLufs: number): string {
  return `Bản ghi quá nhỏ: sau chuẩn hoá chỉ đạt ${formatLufs(integratedLufs)} (mục tiêu ${formatLufs(targetLufs)}). Nên thu âm lại.`;
}

/** The reconciliation's codes (the server's exports carry the same words). */
export const DISCREPANCY_LABEL: Record<DiscrepancyCode, string> = {
  'on-time': 'Đúng giờ',
  late: 'Phát muộn',
  early: 'Phát sớm',
  short: 'Phát thiếu',
  missed: 'Không phát',
  cancelled: 'Đã hủy',
  unscheduled: 'Phát ngoài lịch',
  pending: 'Chưa đến hạn',
};

export const MISSED_CAUSE_LABEL: Record<MissedCause, string> = {
  'play-error': 'Lỗi khi phát',
  'not-played': 'Bộ phát không phát',
  'devices-offline': 'Cụm loa mất kết nối (không gửi biên nhận)',
  'devices-missed': 'Cụm loa báo không phát',
  'no-devices': 'Không có cụm loa trong vùng phát',
  'no-record': 'Không có bản ghi nhật ký',
};
