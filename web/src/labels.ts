import { formatDateTime, formatLufs, formatNumber, personName } from './format.js';
import type {
  AuditEvent,
  AudioStatus,
  Bulletin,
  BulletinPriority,
  BulletinStatus,
  CampaignStatus,
  ChainState,
  DiscrepancyCode,
  MissedCause,
  PlayoutOutcome,
  PlayoutSource,
  RejectedReceipt,
  Role,
  ScheduleItemStatus,
  SendBackHistory,
  ShortfallCause,
  ShortfallGroup,
  SourceCheck,
  Topic,
} from './types.js';

/** What names a topic: the topic list the app context holds (AppContext.topics). */
export interface TopicNames {
  topics: readonly Topic[];
}

/** A topic's name, or its code when the list does not have it. */
export function topicName(context: TopicNames, code: string): string {
  return context.topics.find((topic) => topic.code === code)?.name ?? code;
}

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

/**
 * A bulletin's state as its operator reads it: a draft the approver sent back waits for the
 * operator's change, not for the approver (it has left the approver's inbox).
 */
export type BulletinState = BulletinStatus | 'sent-back';

export function bulletinState(bulletin: {
  status: BulletinStatus;
  // The API sends null when it was not sent back (its generated type says the object only).
  sentBack: Bulletin['sentBack'] | null;
}): BulletinState {
  return bulletin.status === 'draft' && bulletin.sentBack ? 'sent-back' : bulletin.status;
}

export const BULLETIN_STATE_LABEL: Record<BulletinState, string> = {
  draft: 'Chờ duyệt',
  'sent-back': 'Bị trả lại',
  approved: 'Đã duyệt',
  archived: 'Lưu trữ',
};

/**
 * A draft submitted again after being sent back, for the approver to check that the reason was
 * answered: "Đã trả lại 2 lần — lần gần nhất lúc 03/10/2025 14:05 bởi Lê Văn Duyệt: “…”".
 */
export function sendBackText(history: SendBackHistory): string {
  const { latest } = history;
  const when = history.count > 1 ? 'lần gần nhất lúc' : 'lúc';
  const reason = latest.reason ? `: “${latest.reason}”` : '';
  return `Đã trả lại ${history.count} lần — ${when} ${formatDateTime(latest.at)} bởi ${personName(latest.by)}${reason}`;
}

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

/**
 * Why a cluster's receipt is not counted as airtime: its play could not have happened as it says,
 * or it is signed with the key of another enrolment than its item's (docs/device-protocol.md §5,
 * checks 6 and 7).
 */
export const RECEIPT_REJECTION_LABEL: Record<RejectedReceipt['problem'], string> = {
  future: 'Giờ phát ghi trong biên nhận muộn hơn lúc máy chủ nhận: đồng hồ của cụm loa chạy nhanh',
  'off-time':
    'Giờ bắt đầu phát cách quá xa giờ đã xếp của mục phát: đồng hồ của cụm loa có thể bị sai',
  'too-long': 'Thời lượng đã phát dài hơn thời lượng của mục phát',
  cancelled: 'Mục phát đã bị huỷ trước giờ cụm loa báo phát',
  'key-ended':
    'Ký bằng khoá cũ của cụm loa, đã hết hiệu lực (cấp mã mới hoặc thu hồi) trước giờ phát của mục: khoá cũ không xác nhận được mục phát sau đó',
  'key-newer':
    'Ký bằng khoá đăng ký sau khi mục phát đã kết thúc, không phải khoá cụm loa dùng khi được gửi mục',
  'other-zones':
    'Mục phát dành cho vùng phát mà cụm loa không thuộc vào lúc phát: cụm loa có thể đã phát theo danh sách cũ, trước khi vùng phát của nó được sửa',
};

export const SOURCE_LABEL: Record<PlayoutSource, string> = {
  automation: 'Tự động',
  operator: 'Xác nhận thủ công',
  import: 'Nhập từ tệp',
  devices: 'Theo biên nhận cụm loa',
  live: 'Phát trực tiếp',
};

export const ITEM_SOURCE_LABEL: Record<'manual' | 'planner' | 'emergency' | 'live', string> = {
  manual: 'Xếp tay',
  planner: 'Theo kế hoạch',
  emergency: 'Khẩn cấp',
  live: 'Phát trực tiếp',
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

/**
 * What a check of a stream source found, as its monitor reads it: "Kết nối được — MP3, 44,1 kHz,
 * stereo; độ lớn 10 giây đầu −18,3 LUFS" (decimal commas, a real minus, as the web writes numbers).
 */
export function sourceCheckText(check: SourceCheck): string {
  if (!check.reachable) return `Không kết nối được: ${check.error ?? 'không rõ lỗi'}`;
  const format = [
    check.codec ? check.codec.toUpperCase() : null,
    check.sampleRate ? `${formatNumber(check.sampleRate / 1000)} kHz` : null,
    check.channels === 1 ? 'mono' : check.channels === 2 ? 'stereo' : null,
  ]
    .filter(Boolean)
    .join(', ');
  const loudness =
    check.loudnessLufs === null
      ? `chưa đo được độ lớn${check.error ? ` (${check.error})` : ''}`
      : `độ lớn 10 giây đầu ${formatLufs(check.loudnessLufs)}`;
  return `Kết nối được — ${format || 'không rõ định dạng'}; ${loudness}`;
}

/** The reconciliation's codes (the server's exports carry the same words). */
export const DISCREPANCY_LABEL: Record<DiscrepancyCode, string> = {
  'on-time': 'Đúng giờ',
  late: 'Phát muộn',
  early: 'Phát sớm',
  short: 'Phát thiếu',
  missed: 'Không phát',
  cancelled: 'Đã huỷ',
  unscheduled: 'Phát ngoài lịch',
  pending: 'Chờ kết quả',
};

/** What a code's short label cannot say on its own (the badge's tooltip, a note under it). */
export const DISCREPANCY_DESCRIPTION: Partial<Record<DiscrepancyCode, string>> = {
  pending: 'Chưa đến giờ phát, hoặc đang chờ biên nhận của cụm loa',
};

export const MISSED_CAUSE_LABEL: Record<MissedCause, string> = {
  'play-error': 'Lỗi khi phát',
  'not-played': 'Bộ phát không phát',
  'devices-offline': 'Cụm loa mất kết nối (không gửi biên nhận)',
  'devices-missed': 'Cụm loa báo không phát',
  'no-devices': 'Không có cụm loa trong vùng phát',
  'no-record': 'Không có bản ghi nhật ký',
};

/**
 * One colour per topic, the same on every page (calendar blocks, chips, progress bars): a topic's
 * place in the topic list picks it, so the four campaign topics, listed first, never share one.
 * Each pair is a fill and a text colour with at least 4.5:1 contrast.
 */
const TOPIC_PALETTE: readonly { fill: string; text: string }[] = [
  { fill: '#1d5fa8', text: '#ffffff' },
  { fill: '#b45309', text: '#ffffff' },
  { fill: '#15803d', text: '#ffffff' },
  { fill: '#7e22ce', text: '#ffffff' },
  { fill: '#0e7490', text: '#ffffff' },
  { fill: '#be185d', text: '#ffffff' },
  { fill: '#4d7c0f', text: '#ffffff' },
  { fill: '#9f1239', text: '#ffffff' },
];

/** A topic's colour; a topic outside the list and an item with no topic are grey. */
export function topicColour(
  topics: readonly { code: string }[],
  code: string | null | undefined,
): { fill: string; text: string } {
  const index = code ? topics.findIndex((topic) => topic.code === code) : -1;
  return index === -1
    ? { fill: '#64748b', text: '#ffffff' }
    : TOPIC_PALETTE[index % TOPIC_PALETTE.length];
}

/**
 * What the dashboard's integrity card says of a province's chains none of which is broken. A
 * commune without any record has nothing to check (`checkedAt` null, `ok` true): it is neither
 * "checked" nor "unchecked", so an empty province says it has no log rather than that its logs
 * all match.
 */
export function chainSummaryText(
  chains: readonly Pick<ChainState, 'checkedAt' | 'uncheckedRecords'>[],
): { checked: number; text: string } {
  const checked = chains.filter((chain) => chain.checkedAt !== null).length;
  // Communes with records that no check has covered yet.
  const neverChecked = chains.filter(
    (chain) => chain.checkedAt === null && chain.uncheckedRecords > 0,
  ).length;
  if (checked === 0) {
    return {
      checked,
      text:
        neverChecked === 0
          ? 'Chưa có nhật ký phát thanh nào để kiểm tra.'
          : `Chưa kiểm tra: nhật ký phát thanh của ${formatNumber(neverChecked)} xã chưa được đối chiếu chuỗi băm lần nào.`,
    };
  }
  const rest =
    neverChecked > 0 ? ` ${formatNumber(neverChecked)} xã khác có nhật ký chưa kiểm tra.` : '';
  return {
    checked,
    text: `Nhật ký phát thanh của ${formatNumber(checked)} xã đã kiểm tra đều khớp chuỗi băm: không có bản ghi nào bị sửa hay xoá.${rest}`,
  };
}

/** The planner's true cause, in Vietnamese. */
export function causeText(group: ShortfallGroup): string {
  const texts: Record<ShortfallCause, string> = {
    'no-bulletin':
      group.topic === null
        ? 'chưa có bản tin nào đã duyệt, âm thanh sẵn sàng, mang một chủ đề của chiến dịch'
        : 'chưa có bản tin nào đã duyệt, âm thanh sẵn sàng, mang chủ đề này',
    past: 'các khung giờ phát của những ngày này đã qua, không xếp lịch được nữa',
    'no-window': 'những ngày này không có khung giờ phát nào',
    'no-window-time':
      'các khung giờ phát đã kín: thời gian còn trống ngắn hơn bản tin ngắn nhất có thể xếp',
    'one-per-occurrence': `mỗi bản tin chỉ được phát một lần trong mỗi khung giờ, và ${group.bulletins === 1 ? 'bản tin duy nhất' : `cả ${group.bulletins} bản tin`} hiện có đã được xếp vào mọi khung giờ còn chỗ`,
    'daily-play-limit': `mỗi bản tin được phát tối đa ${group.maxPlaysPerBulletinPerDay} lần một ngày, và ${group.bulletins === 1 ? 'bản tin duy nhất' : `cả ${group.bulletins} bản tin`} hiện có đã phát đủ ${group.maxPlaysPerBulletinPerDay} lần`,
    'policy-daily-limit': 'đã đạt tổng thời lượng phát tối đa trong ngày theo quy định phát sóng',
  };
  return texts[group.cause];
}

/**
 * Who did what the audit trail lists: a person's username, or a cluster that enrolled itself
 * (`device:<id>`), by the name it had then.
 */
export function auditActorText(event: Pick<AuditEvent, 'actorUsername' | 'detail'>): string {
  const actor = event.actorUsername;
  if (!actor) return '—';
  if (!actor.startsWith('device:')) return actor;
  const name = event.detail?.name;
  return typeof name === 'string' && name ? `Cụm loa “${name}”` : 'Cụm loa';
}
