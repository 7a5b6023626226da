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
  pending: 'Chưa đến hạn',
};

export const MISSED_CAUSE_LABELS: Record<MissedCause, string> = {
  'play-error': 'Lỗi khi phát',
  'not-played': 'Bộ phát không phát',
  'devices-offline': 'Cụm loa mất kết nối (không gửi biên nhận)',
  'devices-missed': 'Cụm loa báo không phát',
  'no-devices': 'Không có cụm loa trong vùng phát',
  'no-record': 'Không có bản ghi nhật ký',
};
