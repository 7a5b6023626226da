import {
  formatDateTime,
  formatDayStart,
  formatDurationMs,
  formatNumber,
  formatStartTime,
  formatTime,
  formatTimeSeconds,
  localInstant,
} from './format.js';
import { OUTCOME_LABEL } from './labels.js';
import type {
  ChangedBulletin,
  CorrectionRefusal,
  ItemTimeMismatch,
  Overlap,
  RecordRefusal,
  RecordRule,
  TimeOutOfRange,
  UnknownTopics,
} from './types.js';

/**
 * The API answers errors in English with a stable `code`; users read them in Vietnamese. A code
 * missing here falls back to the status, then to the API's English message.
 */
export const ERROR_MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: 'Dữ liệu nhập chưa hợp lệ',
  BAD_REQUEST: 'Yêu cầu không hợp lệ',
  UNAUTHENTICATED: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
  INVALID_CREDENTIALS: 'Sai tên đăng nhập hoặc mật khẩu',
  LOGIN_RATE_LIMITED: 'Đăng nhập sai quá nhiều lần, vui lòng thử lại sau ít phút',
  PASSWORD_HASHER_BUSY: 'Máy chủ đang bận xử lý đăng nhập, vui lòng thử lại sau giây lát',
  LOGIN_LIMITER_UNAVAILABLE: 'Tạm thời chưa đăng nhập được, vui lòng thử lại sau',
  FORBIDDEN: 'Tài khoản của bạn không có quyền thực hiện thao tác này',
  ACCOUNT_DISABLED: 'Tài khoản này đã bị khoá, vui lòng liên hệ quản trị viên để mở khoá',
  CAMPAIGN_NATIONAL:
    'Chiến dịch toàn quốc chỉ quản trị viên sửa được; hãy sao chép thành chiến dịch riêng của tỉnh',
  NOT_FOUND: 'Không tìm thấy dữ liệu yêu cầu',
  COMMUNE_NOT_FOUND: 'Không tìm thấy xã, phường này',
  PROVINCE_NOT_FOUND: 'Không tìm thấy tỉnh, thành phố này',
  USER_NOT_FOUND: 'Không tìm thấy người dùng',
  TOPIC_NOT_FOUND: 'Không tìm thấy chủ đề',
  CAMPAIGN_NOT_FOUND: 'Không tìm thấy chiến dịch',
  AUDIO_NOT_FOUND: 'Không tìm thấy tệp âm thanh',
  BULLETIN_NOT_FOUND: 'Không tìm thấy bản tin',
  WINDOW_NOT_FOUND: 'Không tìm thấy khung giờ phát',
  SCHEDULE_ITEM_NOT_FOUND: 'Không tìm thấy mục trong lịch phát sóng',
  ICS_TOKEN_NOT_FOUND: 'Liên kết lịch không còn hiệu lực',
  CONFLICT: 'Thao tác xung đột với dữ liệu hiện có',
  USERNAME_TAKEN: 'Tên đăng nhập này đã có người dùng',
  USER_LAST_ADMIN:
    'Không thể hạ quyền, khoá hay xoá quản trị viên cuối cùng đang hoạt động: hãy thêm một quản trị viên khác trước',
  USER_SELF_DELETE: 'Bạn không thể tự xoá tài khoản của mình; hãy nhờ một quản trị viên khác',
  TOPIC_EXISTS: 'Mã chủ đề này đã tồn tại',
  CAMPAIGN_EXISTS: 'Mã chiến dịch này đã tồn tại',
  AUDIO_IN_USE: 'Tệp âm thanh đang được bản tin sử dụng',
  WINDOW_OVERLAP: 'Khung giờ phát trùng với một khung giờ khác',
  WINDOW_NAME_TAKEN: 'Xã đã có một khung giờ phát mang tên này; hãy đặt tên khác để phân biệt',
  LIVE_EMERGENCY_ON_AIR:
    'Đang phát bản tin khẩn cấp: chưa thể phát trực tiếp, hãy chờ bản tin kết thúc',
  LIVE_ALREADY_ON_AIR: 'Xã đang có một phiên phát trực tiếp khác',
  LIVE_NO_DEVICES: 'Không có cụm loa nào (đã kích hoạt) trong vùng đã chọn',
  LIVE_SESSION_NOT_FOUND: 'Phiên phát trực tiếp không còn phát tới cụm loa này',
  LIVE_UNAVAILABLE: 'Máy chủ này không chạy bộ phát: không thể phát trực tiếp',
  LIVE_TICKET_INVALID: 'Phiên phát trực tiếp đã hết hạn, hãy bấm bắt đầu lại',
  LIVE_BAD_FRAME: 'Dữ liệu âm thanh gửi lên không hợp lệ, phiên phát đã dừng',
  WINDOW_HAS_ITEMS: 'Khung giờ này còn bản tin trong lịch phát, hãy gỡ chúng trước',
  DEVICE_ZONE_HAS_ITEMS:
    'Lịch phát còn lượt phát chỉ cụm loa này phát tới vùng của chúng; hãy huỷ các lượt đó hoặc giao vùng cho cụm khác trước',
  SCHEDULE_OVERLAP: 'Trùng giờ với một bản tin khác trong lịch phát sóng',
  // The hours are the commune's own: the server's messageVi names them; this is only a fallback.
  POLICY_QUIET_HOURS: 'Quy định phát sóng: không được phát trong giờ yên tĩnh của xã',
  POLICY_SESSION_TOO_LONG: 'Quy định phát sóng: buổi phát dài quá thời lượng tối đa cho phép',
  POLICY_DAILY_LIMIT: 'Quy định phát sóng: tổng thời lượng phát trong ngày vượt mức tối đa',
  POLICY_UNATTENDED_RELAY:
    'Quy định phát sóng: không được tiếp âm tự động vào ban đêm (22:00–05:00)',
  POLICY_LOOSER_THAN_PROVINCE:
    'Quy định của xã chỉ được chặt hơn quy định của tỉnh, không được nới lỏng',
  SCHEDULE_OUTSIDE_WINDOW: 'Thời điểm này nằm ngoài các khung giờ phát của xã',
  SCHEDULE_IN_PAST: 'Không thể xếp lịch vào thời điểm đã qua',
  SCHEDULE_ITEM_CLOSED: 'Mục này đã phát hoặc đã huỷ, không thể thay đổi',
  BULLETIN_ARCHIVED: 'Bản tin đã lưu trữ, không dùng được nữa',
  BULLETIN_NOT_WAITING: 'Bản tin không còn chờ duyệt (đã duyệt hoặc đã trả lại)',
  REVIEW_REFUSED:
    'Không bản tin nào được duyệt hay trả lại: có bản tin không hợp lệ trong danh sách chọn',
  BULLETIN_CHANGED:
    'Bản tin đã được sửa sau khi bạn mở trang. Hãy tải lại trang, nghe và xem lại trước khi duyệt',
  BULLETIN_IN_USE:
    'Bản tin đã có trong lịch phát sóng hoặc nhật ký phát thanh nên không xoá được; hãy lưu trữ bản tin thay vì xoá',
  SOURCE_IN_USE:
    'Nguồn tiếp âm đang được dùng trong lịch phát sóng sắp tới nên không xoá được; hãy gỡ các mục tiếp âm đó trước',
  SOURCE_NOT_FOUND: 'Không tìm thấy nguồn tiếp âm',
  SOURCE_URL_REFUSED:
    'Địa chỉ luồng không được chấp nhận: chỉ dùng http/https tới máy chủ bên ngoài (không dùng địa chỉ nội bộ)',
  PLAYOUT_OVERLAP: 'Trùng thời gian với một lần phát đã ghi trong nhật ký',
  PLAYOUT_ALREADY_CORRECTED: 'Bản ghi này đã được đính chính',
  IDEMPOTENCY_CONFLICT: 'Yêu cầu này đã được gửi với nội dung khác',
  PLAYOUT_LOG_EMPTY: 'Nhật ký phát thanh của xã chưa có bản ghi nào để ký mốc kiểm chứng',
  PLAYOUT_CHAIN_BROKEN:
    'Chuỗi nhật ký phát thanh không còn nguyên vẹn nên không thể ký mốc kiểm chứng',
  PAYLOAD_TOO_LARGE: 'Tệp quá lớn',
  UNSUPPORTED_MEDIA: 'Định dạng tệp không được hỗ trợ',
  UNPROCESSABLE: 'Không thể xử lý yêu cầu',
  TOPIC_UNKNOWN: 'Có chủ đề không tồn tại',
  AUDIO_INVALID: 'Tệp không phải âm thanh hợp lệ hoặc bị hỏng',
  AUDIO_NOT_READY: 'Âm thanh chưa xử lý xong, vui lòng đợi',
  DEVICE_NOT_FOUND: 'Không tìm thấy cụm loa',
  DEVICE_NAME_TAKEN: 'Xã đã có một cụm loa mang tên này; hãy đặt tên khác để phân biệt',
  DEVICE_HAS_RECEIPTS:
    'Cụm loa đã gửi biên nhận phát có chữ ký nên không xoá được: cần giữ khoá của cụm để kiểm chứng các biên nhận đó. Khi thay thiết bị, hãy dùng “Cấp mã mới”',
  DEVICE_COMMAND_NOT_FOUND: 'Không tìm thấy lệnh đã gửi tới cụm loa',
  EMERGENCY_NOT_FOUND: 'Không tìm thấy lần phát khẩn cấp này',
  OFFICIAL_DRAFT_NOT_FOUND: 'Không tìm thấy bản dự thảo báo cáo',
  SIGNING_CERTIFICATE_NOT_FOUND:
    'Chưa có chứng thư số để ký báo cáo; quản trị viên cần tải lên tệp PKCS#12',
  OFFICIAL_TEXT_UNPRINTABLE:
    'Lời báo cáo có ký tự phông chữ của báo cáo (Liberation Serif) không in được; hãy xoá hoặc thay các ký tự đó',
  SIGNING_CERTIFICATE_INVALID:
    'Tệp chứng thư số không đọc được: sai mật khẩu, không phải PKCS#12 hoặc thiếu khóa bí mật',
  STATS_PUSH_NOT_CONFIGURED: 'Tỉnh chưa cấu hình địa chỉ nhận số liệu thống kê hằng ngày',
  ENROLMENT_CODE_UNKNOWN: 'Mã đăng ký cụm loa không đúng',
  DEVICE_KEY_INVALID:
    'Khóa công khai của cụm loa không an toàn (không phải khóa Ed25519 hợp lệ); cụm loa cần tạo cặp khóa mới',
  ENROLMENT_CODE_USED: 'Mã đăng ký cụm loa đã được dùng; hãy tạo mã mới',
  ENROLMENT_CODE_EXPIRED: 'Mã đăng ký cụm loa đã hết hạn; hãy tạo mã mới',
  ENROLMENT_RATE_LIMITED: 'Thử đăng ký cụm loa quá nhiều lần; vui lòng đợi rồi thử lại',
  BROKER_UNAVAILABLE: 'Không kết nối được máy chủ điều khiển cụm loa (MQTT); vui lòng thử lại sau',
  AUDIO_TOO_LONG:
    'Bản ghi dài hơn thời lượng tối đa cho phép; hãy cắt ngắn hoặc chia thành nhiều bản tin',
  MEDIA_QUOTA_EXCEEDED:
    'Dung lượng lưu trữ âm thanh của đơn vị đã đầy; hãy xoá bớt các tệp không còn dùng',
  MEDIA_WORK_LIMIT: 'Bản ghi quá lớn để xử lý; hãy chia thành nhiều bản ghi ngắn hơn',
  AUDIO_NOT_AVAILABLE: 'Âm thanh của bản tin không dùng được',
  BULLETIN_NOT_APPROVED: 'Bản tin chưa được duyệt',
  BULLETIN_NOT_EMERGENCY: 'Chỉ bản tin mức khẩn cấp mới được phát khẩn cấp',
  EMERGENCY_NO_DEVICES: 'Không có cụm loa nào trong vùng đã chọn',
  COMMUNE_NOT_IN_PROVINCE: 'Xã này không thuộc tỉnh đã chọn',
  PLAN_RANGE_INVALID:
    'Khoảng ngày đã chọn nằm ngoài thời gian của chiến dịch: hãy chọn chiến dịch đang diễn ra hoặc ngày khác',
  ZONE_UNKNOWN: 'Vùng phát không có cụm loa nào của xã',
  PLAYOUT_RECORD_INVALID: 'Bản ghi nhật ký phát thanh không hợp lệ',
  PLAYOUT_CORRECTS_UNKNOWN: 'Không tìm thấy bản ghi cần đính chính',
  PLAYOUT_IMPORT_INVALID: 'Tệp nhập nhật ký có dòng không hợp lệ',
  PLAYOUT_TIME_OUT_OF_RANGE:
    'Thời điểm phát không hợp lệ: nhật ký chỉ ghi những lần phát đã diễn ra, từ năm 2020 đến nay',
  PLAYOUT_ITEM_TIME_MISMATCH: 'Thời điểm phát không khớp với giờ đã xếp của mục trong lịch',
  RECEIPT_REFUSED:
    'Biên nhận phát của cụm loa bị từ chối (sai chữ ký, đứt chuỗi hoặc mục không gửi cho cụm)',
  AUDIO_CONTENT_NOT_READY: 'Âm thanh đang được xử lý, chưa nghe được',
  TTS_TEXT_TOO_LONG: 'Văn bản quá dài để chuyển thành giọng nói',
  TTS_UNAVAILABLE: 'Chưa tạo được giọng đọc: bộ chuyển văn bản thành giọng nói không sẵn sàng',
  TOO_MANY_REQUESTS: 'Thao tác quá nhiều lần, vui lòng thử lại sau ít phút',
  MALFORMED_JSON: 'Dữ liệu gửi lên không đúng định dạng JSON',
  JSON_TOO_DEEP: 'Dữ liệu gửi lên lồng nhau quá nhiều cấp',
  ROUTE_NOT_FOUND: 'Địa chỉ yêu cầu không tồn tại',
  METHOD_NOT_ALLOWED: 'Thao tác này không được hỗ trợ tại địa chỉ này',
  NOT_ACCEPTABLE: 'Máy chủ không trả được dữ liệu theo định dạng yêu cầu',
  RANGE_NOT_SATISFIABLE: 'Đoạn dữ liệu yêu cầu nằm ngoài tệp',
  INTERNAL_ERROR: 'Máy chủ gặp lỗi, vui lòng thử lại',
  SERVICE_UNAVAILABLE: 'Dịch vụ tạm thời không sẵn sàng',
  OVERLOADED: 'Máy chủ đang quá tải, vui lòng thử lại sau giây lát',
  // A CSV import's rows (`errors[].code` of PLAYOUT_IMPORT_INVALID), not answers of their own.
  CSV_EMPTY: 'Tệp trống',
  CSV_HEADER: 'Dòng tên cột không đúng',
  CSV_CELLS: 'Số ô của dòng khác số cột của dòng tên cột',
  CSV_ENCODING:
    'Tệp không phải văn bản UTF-8: hãy lưu lại tệp với bảng mã UTF-8 (trong Excel chọn “CSV UTF-8”)',
  CSV_SYNTAX:
    'Dấu ngoặc kép không đúng chỗ hoặc chưa đóng: ô có dấu " phải đặt cả ô trong ngoặc kép',
  CSV_TOO_MANY_CELLS: 'Dòng có quá nhiều ô',
  CSV_CELL_TOO_LONG: 'Có ô dài quá 4.000 ký tự',
};

const BY_STATUS: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ',
  401: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
  403: 'Tài khoản của bạn không có quyền thực hiện thao tác này',
  404: 'Không tìm thấy dữ liệu yêu cầu',
  409: 'Thao tác xung đột với dữ liệu hiện có',
  413: 'Tệp quá lớn',
  415: 'Định dạng tệp không được hỗ trợ',
  422: 'Không thể xử lý yêu cầu',
  429: 'Thao tác quá nhiều lần, vui lòng thử lại sau ít phút',
  500: 'Máy chủ gặp lỗi, vui lòng thử lại',
  503: 'Dịch vụ tạm thời không sẵn sàng',
};

/** Codes whose English detail says which field is wrong: worth showing beside the Vietnamese. */
const DETAILED = new Set([
  'VALIDATION_FAILED',
  'PLAYOUT_RECORD_INVALID',
  'PLAYOUT_TIME_OUT_OF_RANGE',
  'PLAYOUT_ITEM_TIME_MISMATCH',
]);

/** Why a CSV cell is wrong (`cells[].reason` of an import's row): the parser's or the constraint's. */
const CELL_REASONS: Record<string, string> = {
  'not-date-time':
    'không phải ngày giờ có thật (ghi như 06/10/2025 05:30 hoặc 2025-10-06 05:30:00)',
  'not-whole-number': 'không phải số nguyên',
  isIn: 'không phải giá trị được chấp nhận',
  isUuid: 'không phải mã hợp lệ',
  isInt: 'không phải số nguyên',
  min: 'nhỏ quá mức cho phép',
  max: 'lớn quá mức cho phép',
  minLength: 'không được để trống',
  maxLength: 'dài quá mức cho phép',
  matches: 'có mã chủ đề không hợp lệ',
  arrayMaxSize: 'có quá nhiều chủ đề',
};

interface CellProblem {
  column?: string;
  value?: string;
  reason?: string;
}

interface HeaderProblem {
  problem?: string;
  names?: string[];
  more?: number;
  columns?: string[];
  rows?: number;
  maxRows?: number;
}

const quoted = (names: readonly string[] = []): string =>
  names.map((name) => `“${name}”`).join(', ');

/** A CSV header's problem in Vietnamese; the names are the file's own or the import's columns. */
function headerText(header: HeaderProblem): string | null {
  switch (header.problem) {
    case 'unknown-columns':
      return (
        `Dòng tên cột có cột không đọc được: ${quoted(header.names)}` +
        (header.more ? ` và ${header.more} cột khác` : '') +
        (header.columns ? `; các cột đọc được là ${header.columns.join(', ')}` : '')
      );
    case 'repeated-columns':
      return `Dòng tên cột ghi hai lần cột ${quoted(header.names)}`;
    case 'missing-columns':
      return `Dòng tên cột thiếu cột bắt buộc ${quoted(header.names)}`;
    case 'no-rows':
      return 'Tệp chỉ có dòng tên cột, chưa có dòng nhật ký nào';
    case 'too-many-rows':
      return `Mỗi tệp nhập tối đa ${header.maxRows} dòng, tệp này có ${header.rows} dòng`;
    default:
      return null;
  }
}

/** A record named by its outcome as the log's table labels it (Bản ghi có kết quả “Bị lỡ”). */
function recordOf(outcome: RecordRefusal['outcome']): string {
  return outcome ? `Bản ghi có kết quả “${OUTCOME_LABEL[outcome]}”` : 'Bản ghi';
}

const MISSED = recordOf('missed');

type RecordRuleWording = (refusal: RecordRefusal) => string | null;

/**
 * Why the record checks refused a record (`rule` of PLAYOUT_RECORD_INVALID, a post's or an import
 * row's), from the values the rule names; null when a value it needs is absent. The field names
 * in brackets are the CSV's columns.
 */
const RECORD_RULES: Record<RecordRule, RecordRuleWording> = {
  'item-bulletin-mismatch': () =>
    'Mục trong lịch phát sóng phát một bản tin khác với bản tin đã ghi (bulletinId)',
  'no-bulletin-or-title': () =>
    'Bản ghi cần có bản tin (bulletinId hoặc scheduleItemId) hoặc tên chương trình (title)',
  'reason-required': ({ outcome, correctsSeq }) =>
    outcome !== 'failed' && outcome !== 'missed' && correctsSeq
      ? `Bản ghi đính chính bản ghi số ${correctsSeq} cần ghi lý do (reason)`
      : `${recordOf(outcome)} cần ghi lý do (reason)`,
  'missed-needs-start': () =>
    `${MISSED} mà không gắn với mục nào trong lịch phát sóng (scheduleItemId) thì cần có giờ bắt đầu (startedAt)`,
  'missed-not-at-planned-start': ({ plannedStart }) =>
    plannedStart
      ? `${MISSED} phải bắt đầu đúng giờ đã xếp của mục trong lịch phát sóng (${formatDayStart(plannedStart)})`
      : null,
  'missed-ends-at-start': () => `${MISSED} phải kết thúc ngay lúc bắt đầu (endedAt bằng startedAt)`,
  'missed-played': ({ playedMs }) =>
    playedMs === undefined
      ? null
      : `${MISSED} phải có thời lượng đã phát bằng 0 (playedMs đang là ${formatNumber(playedMs)})`,
  'times-required': ({ outcome }) =>
    `${recordOf(outcome)} cần có cả giờ bắt đầu (startedAt) và giờ kết thúc (endedAt)`,
  'ended-before-started': () => 'Giờ kết thúc (endedAt) sớm hơn giờ bắt đầu (startedAt)',
  'longer-than-a-day': ({ spanMs, maxMs }) =>
    spanMs === undefined || maxMs === undefined
      ? null
      : `Bản ghi dài ${formatDurationMs(spanMs)}, quá mức tối đa ${formatDurationMs(maxMs)}: ` +
        'hãy kiểm tra ngày của giờ bắt đầu và giờ kết thúc',
  'played-longer-than-span': ({ playedMs, spanMs }) =>
    playedMs === undefined || spanMs === undefined
      ? null
      : `Thời lượng đã phát (playedMs ${formatNumber(playedMs)} ms) dài hơn khoảng từ giờ bắt đầu ` +
        `đến giờ kết thúc (${formatNumber(spanMs)} ms)`,
  'nothing-played': ({ outcome }) =>
    `${recordOf(outcome)} phải có thời lượng đã phát (playedMs) lớn hơn 0`,
  'repeats-row': ({ repeats }) => {
    const row = repeats && rowName(repeats);
    return row ? `Trùng hoàn toàn với ${row}` : null;
  },
};

/** An import's row as the operator finds it: `dòng 3 của tệp`, `bản ghi thứ 21 của lô (records[20])`. */
function rowName(place: { line: number } | { index: number }): string | null {
  if ('line' in place) return `dòng ${place.line} của tệp`;
  if ('index' in place) return `bản ghi thứ ${place.index + 1} của lô (records[${place.index}])`;
  return null;
}

/** A record's time as the CSV's columns name it. */
const TIME_FIELD: Record<TimeOutOfRange['field'], string> = {
  startedAt: 'Giờ bắt đầu (startedAt)',
  endedAt: 'Giờ kết thúc (endedAt)',
};

/** A time the log does not take: in the future, or before its first day (a typo in the year). */
function outOfRangeText({ field, time, earliest, latest }: TimeOutOfRange): string | null {
  const named = TIME_FIELD[field] as string | undefined;
  if (!named || !time) return null;
  if (latest) {
    return (
      `${named} ${formatDateTime(time)} là thời điểm trong tương lai: nhật ký chỉ ghi những lần phát ` +
      `đã diễn ra, muộn nhất đến ${formatDateTime(latest)}`
    );
  }
  if (earliest) {
    return (
      `${named} ${formatDateTime(time)} sớm hơn ${formatDateTime(earliest)}, thời điểm sớm nhất ` +
      'nhật ký nhận: hãy kiểm tra năm đã ghi'
    );
  }
  return null;
}

/** A record of an item starting outside the time around the item's planned start and end. */
function itemTimeText(mismatch: ItemTimeMismatch): string | null {
  const { startedAt, plannedStart, plannedEnd, earliest, latest } = mismatch;
  const { earlyToleranceMs, lateToleranceMs } = mismatch;
  if (!startedAt || !plannedStart || !plannedEnd || !earliest || !latest) return null;
  if (earlyToleranceMs === undefined || lateToleranceMs === undefined) return null;
  return (
    `Giờ bắt đầu (startedAt) ${formatDayStart(startedAt)} không khớp với mục trong lịch phát sóng ` +
    `đã xếp lúc ${formatDayStart(plannedStart)}–${formatStartTime(plannedEnd)}: bản ghi của mục ` +
    `này phải bắt đầu từ ${formatDayStart(earliest)} đến ${formatDayStart(latest)} (sớm nhất ` +
    `${formatDurationMs(earlyToleranceMs)} trước giờ bắt đầu, muộn nhất ` +
    `${formatDurationMs(lateToleranceMs)} sau giờ kết thúc của mục)`
  );
}

/** The record in the way: its seq in the log, or the import's earlier row; its title and times. */
function overlapText(overlap: Overlap): string | null {
  const { overlapsSeq, overlapsRow, overlapsTitle, overlapsStartedAt, overlapsEndedAt } = overlap;
  if (!overlapsStartedAt || !overlapsEndedAt) return null;
  const row = overlapsRow ? rowName(overlapsRow) : null;
  const other = overlapsSeq
    ? `bản ghi số ${overlapsSeq} trong nhật ký`
    : (row ?? 'một bản ghi khác cùng gửi lên');
  const times = `${formatDayStart(overlapsStartedAt)}–${formatStartTime(overlapsEndedAt)}`;
  return `Trùng thời gian với ${other} (${overlapsTitle ? `“${overlapsTitle}”, ` : ''}${times})`;
}

interface NamedItem {
  title?: string | null;
  /** The local instant it starts (`2025-10-06T05:30:47.000+07:00`). */
  startsAt?: string;
  localTime?: string;
}

/** An item's day and start to the second where it has seconds (`localTime` stops at minutes). */
function startOf(item: NamedItem): string | undefined {
  return item.startsAt ? formatDayStart(item.startsAt) : item.localTime;
}

/** A window whose end falls on the next day: `23:30 + 60 phút` ends at 00:30 the next day. */
function midnightText({ startTime, durationMinutes }: Record<string, unknown>): string | null {
  if (typeof startTime !== 'string' || typeof durationMinutes !== 'number') return null;
  const start = Date.parse(localInstant('2025-01-01', startTime));
  if (Number.isNaN(start)) return null;
  const endTime = formatTime(start + durationMinutes * 60_000);
  return `Khung giờ phát phải kết thúc trong ngày: ${startTime} cộng ${formatNumber(durationMinutes)} phút là ${endTime} ngày hôm sau. Hãy bắt đầu sớm hơn hoặc rút ngắn thời lượng`;
}

interface NamedWindow {
  name?: string;
  startTime?: string;
  endTime?: string;
}

/**
 * Codes whose problem names what is in the way (an item, a window, a free time): the Vietnamese
 * text names it too, built here from the problem's fields and nowhere else.
 */
/** The official report's fields as its form labels them. */
const OFFICIAL_FIELDS: Record<string, string> = {
  parentBody: 'Cơ quan chủ quản',
  issuingBody: 'Cơ quan ban hành',
  documentNumber: 'Số, ký hiệu',
  place: 'Địa danh',
  subject: 'Trích yếu',
  paragraphs: 'Nội dung mở đầu',
  recipients: 'Nơi nhận',
  signerAuthority: 'Quyền hạn ký',
  signerTitle: 'Chức vụ người ký',
  signerName: 'Họ tên người ký',
  // The names the report prints from the campaign, its topics and the communes.
  campaignName: 'Tên chiến dịch',
  topicName: 'Tên chủ đề',
  communeName: 'Tên xã, phường',
};

interface UnprintableText {
  field: string;
  index?: number;
  /** The topic's or commune's code, for their names. */
  code?: string;
  characters: string[];
  codePoints: string[];
}

/** `“☎” (U+260E), “😀” (U+1F600) ở Nội dung mở đầu, đoạn 1`, for each field that has any. */
function unprintableText(problems: UnprintableText[]): string | null {
  if (!Array.isArray(problems) || problems.length === 0) return null;
  const places = problems.map((problem) => {
    const label = OFFICIAL_FIELDS[problem.field] ?? problem.field;
    let place =
      problem.index === undefined
        ? label
        : `${label}, ${problem.field === 'recipients' ? 'dòng' : 'đoạn'} ${problem.index + 1}`;
    if (problem.code !== undefined) place += ` (mã ${problem.code})`;
    const characters = problem.characters
      .map((character, at) => `“${character}” (${problem.codePoints[at] ?? ''})`)
      .join(', ');
    return `${characters} ở ${place}`;
  });
  return `Phông chữ của báo cáo (Liberation Serif) không in được ${places.join('; ')}. Hãy xoá hoặc thay các ký tự này rồi lưu lại`;
}

interface WindowOccurrence {
  name: string;
  startsAt: string;
  endsAt: string;
}

/**
 * Why an item does not fit its window, from what the refusal carries: it ends after the window
 * closes, starts before it opens, or is longer than it; or, outside every window, the day's windows.
 */
export function outsideWindowText(problem: Record<string, unknown>): string | null {
  const window = problem.window as WindowOccurrence | undefined;
  const { startsAt, endsAt, durationMs } = problem as {
    startsAt?: string;
    endsAt?: string;
    durationMs?: number;
  };
  if (window?.name && startsAt && endsAt && typeof durationMs === 'number') {
    const length = `Bản tin dài ${formatDurationMs(durationMs)}`;
    const span = `${formatStartTime(window.startsAt)}–${formatStartTime(window.endsAt)}`;
    const latest = problem.latestStartsAt as string | null | undefined;
    const earliest = problem.earliestStartsAt as string | null | undefined;
    if (!latest || !earliest) return `${length}, dài hơn cả khung ${window.name} (${span})`;
    if (Date.parse(startsAt) < Date.parse(window.startsAt)) {
      return `Khung ${window.name} mở lúc ${formatStartTime(window.startsAt)}: bản tin bắt đầu lúc ${formatStartTime(startsAt)} là trước giờ mở khung. Giờ bắt đầu sớm nhất: ${formatStartTime(earliest)}`;
    }
    return `${length}, nếu bắt đầu lúc ${formatStartTime(startsAt)} sẽ kết thúc sau giờ đóng khung ${window.name} (${formatStartTime(window.endsAt)}). Giờ bắt đầu muộn nhất: ${formatStartTime(latest)}`;
  }
  const windows = problem.windows as WindowOccurrence[] | undefined;
  if (!Array.isArray(windows)) return null;
  if (windows.length === 0) return 'Ngày này xã không có khung giờ phát nào';
  const names = windows
    .map(
      (each) => `${each.name} (${formatStartTime(each.startsAt)}–${formatStartTime(each.endsAt)})`,
    )
    .join(', ');
  return `Thời điểm này nằm ngoài các khung giờ phát của xã; các khung giờ trong ngày: ${names}`;
}

/**
 * “Bản tin “…” đã được sửa sau khi bạn mở trang. Hãy nghe và xem lại trước khi duyệt.”: the
 * bulletins edited since the approver's page showed them, and what to do before `action`.
 */
export function changedBulletinsText(
  changed: readonly ChangedBulletin[],
  action: 'duyệt' | 'trả lại' = 'duyệt',
): string | null {
  if (changed.length === 0) return null;
  const titles = changed.map((bulletin) => `“${bulletin.title}”`).join(', ');
  return (
    `${changed.length === 1 ? 'Bản tin' : 'Các bản tin'} ${titles} đã được sửa sau khi bạn mở ` +
    `trang. Hãy nghe và xem lại trước khi ${action}.`
  );
}

/** A refusal by the broadcast policy: the policy's own Vietnamese message, when it sends one. */
const policyText = (problem: Record<string, unknown>): string | null =>
  typeof problem.messageVi === 'string' && problem.messageVi ? problem.messageVi : null;

const NAMING: Record<string, (problem: Record<string, unknown>) => string | null> = {
  SCHEDULE_OUTSIDE_WINDOW: outsideWindowText,
  SCHEDULE_IN_PAST: ({ startsAt, now }) =>
    typeof startsAt === 'string' && typeof now === 'string'
      ? `Giờ bắt đầu ${formatDayStart(startsAt)} đã qua (bây giờ là ${formatTimeSeconds(now)})`
      : null,
  BULLETIN_CHANGED: (problem) =>
    Array.isArray(problem.changed)
      ? changedBulletinsText(problem.changed as ChangedBulletin[])
      : null,
  // What the commune's broadcast policy does not allow: a window or an item saved, a manual
  // record's or an import row's claim. The server's message names the times and the limit.
  POLICY_QUIET_HOURS: policyText,
  POLICY_SESSION_TOO_LONG: policyText,
  POLICY_DAILY_LIMIT: policyText,
  POLICY_UNATTENDED_RELAY: policyText,
  OFFICIAL_TEXT_UNPRINTABLE: (problem) => unprintableText(problem.unprintable as UnprintableText[]),
  SCHEDULE_OVERLAP: (problem) => {
    const other = problem.conflictingItem as NamedItem | undefined;
    const otherStart = other && startOf(other);
    if (!other || !otherStart) return null;
    const free = problem.nearestFreeSlot as (NamedItem & { windowName?: string }) | null;
    const freeStart = free && startOf(free);
    const name = other.title ? `“${other.title}”` : 'một mục khác';
    return (
      `Trùng giờ với ${name} lúc ${otherStart}` +
      (freeStart
        ? `. Giờ trống gần nhất trong khung ${free.windowName ?? ''}: ${freeStart}`
        : '. Khung giờ này không còn chỗ trống đủ dài')
    );
  },
  // Its rows are listed one by one (`errors`): the message counts them, in Vietnamese.
  PLAYOUT_IMPORT_INVALID: (problem) => {
    const count = problem.errorCount;
    if (typeof count !== 'number') return null;
    return `Tệp có ${count} dòng không hợp lệ nên chưa nhập bản ghi nào: sửa các dòng được liệt kê rồi nhập lại`;
  },
  // A post's or an import row's record, refused by a check: the check's rule, worded.
  PLAYOUT_RECORD_INVALID: (problem) => {
    const refusal = problem as RecordRefusal;
    // A rule this app does not know yet (a newer server) keeps the English detail.
    const wording = RECORD_RULES[refusal.rule] as RecordRuleWording | undefined;
    return wording ? wording(refusal) : null;
  },
  // A post's or an import row's record refused for a time, a topic, or the record in its way.
  PLAYOUT_TIME_OUT_OF_RANGE: (problem) => outOfRangeText(problem as TimeOutOfRange),
  PLAYOUT_ITEM_TIME_MISMATCH: (problem) => itemTimeText(problem as ItemTimeMismatch),
  TOPIC_UNKNOWN: (problem) => {
    const { topics } = problem as UnknownTopics;
    if (!Array.isArray(topics) || topics.length === 0) return null;
    return `Không có chủ đề nào mang mã ${quoted(topics)}`;
  },
  PLAYOUT_OVERLAP: (problem) => overlapText(problem as Overlap),
  PLAYOUT_CORRECTS_UNKNOWN: (problem) => {
    const { correctsSeq } = problem as CorrectionRefusal;
    return typeof correctsSeq === 'number'
      ? `Không tìm thấy bản ghi số ${correctsSeq} cần đính chính (correctsSeq)`
      : null;
  },
  PLAYOUT_ALREADY_CORRECTED: (problem) => {
    const { correctsSeq } = problem as CorrectionRefusal;
    return typeof correctsSeq === 'number'
      ? `Bản ghi số ${correctsSeq} đã được đính chính; muốn sửa tiếp thì đính chính bản ghi đính chính đó`
      : null;
  },
  // A CSV row's wrong cells: the column as the file names it, its text, and why.
  VALIDATION_FAILED: (problem) => {
    if (problem.rule === 'window-crosses-midnight') return midnightText(problem);
    const cells = problem.cells as CellProblem[] | undefined;
    if (!Array.isArray(cells) || cells.length === 0) return null;
    return cells
      .map(
        (cell) =>
          `Cột ${cell.column} “${cell.value}” ${CELL_REASONS[cell.reason ?? ''] ?? 'không hợp lệ'}`,
      )
      .join('; ');
  },
  CSV_HEADER: (problem) =>
    typeof problem.header === 'object' && problem.header !== null
      ? headerText(problem.header)
      : null,
  CSV_CELLS: (problem) =>
    typeof problem.cellCount === 'number' && typeof problem.columnCount === 'number'
      ? `Dòng có ${problem.cellCount} ô, dòng tên cột có ${problem.columnCount} cột`
      : null,
  WINDOW_OVERLAP: (problem) => {
    const other = problem.window as NamedWindow | undefined;
    if (!other?.name) return null;
    return `Khung giờ phát trùng với khung “${other.name}” (${other.startTime}–${other.endTime})`;
  },
  WINDOW_NAME_TAKEN: (problem) =>
    typeof problem.name === 'string'
      ? `Xã đã có khung giờ phát “${problem.name}”; hãy đặt tên khác để phân biệt (tên không phân biệt chữ hoa, chữ thường)`
      : null,
  DEVICE_NAME_TAKEN: (problem) =>
    typeof problem.name === 'string'
      ? `Xã đã có cụm loa “${problem.name}”; hãy đặt tên khác để phân biệt (tên không phân biệt chữ hoa, chữ thường)`
      : null,
  DEVICE_HAS_RECEIPTS: (problem) =>
    typeof problem.name === 'string' && typeof problem.receiptCount === 'number'
      ? `Cụm loa “${problem.name}” đã gửi ${formatNumber(problem.receiptCount)} biên nhận phát có chữ ký nên không xoá được: cần giữ khoá của cụm để kiểm chứng các biên nhận đó. Khi thay thiết bị, hãy dùng “Cấp mã mới”`
      : null,
  DEVICE_ZONE_HAS_ITEMS: (problem) => {
    const count = problem.itemCount;
    if (typeof count !== 'number' || typeof problem.name !== 'string') return null;
    return `Sau thay đổi này, ${count} lượt phát sắp tới không còn cụm loa nào phát tới vùng của chúng (cụm “${problem.name}”); hãy huỷ các lượt đó hoặc giao vùng cho cụm khác trước`;
  },
  WINDOW_HAS_ITEMS: (problem) => {
    const count = problem.itemCount;
    if (typeof count !== 'number') return null;
    return `Thay đổi này làm ${count} lượt phát nằm ngoài khung giờ; hãy chọn dời hoặc huỷ các lượt phát đó`;
  },
};

export function vietnameseError(
  status: number,
  code: string | undefined,
  message: string,
  problem?: unknown,
): string {
  const naming = code ? NAMING[code] : undefined;
  const named =
    naming && typeof problem === 'object' && problem !== null
      ? naming(problem as Record<string, unknown>)
      : null;
  if (named) return named;
  const known = code ? ERROR_MESSAGES[code] : undefined;
  if (known) return code && DETAILED.has(code) && message ? `${known} (${message})` : known;
  const general = BY_STATUS[status];
  if (general && status >= 500) return general;
  if (general) return message ? `${general} (${message})` : general;
  return message || `Lỗi ${status}`;
}

/**
 * What was wrong with a cluster's status message, as the fleet protocol's validator says it in
 * English (src/fleet/protocol/payloads.ts parseStatus), in Vietnamese: by the message's start.
 */
const STATUS_PROBLEMS: readonly (readonly [string, string])[] = [
  ['message over', 'tin nhắn quá lớn'],
  ['not JSON', 'nội dung không phải JSON'],
  ['status must be a JSON object', 'nội dung không phải một đối tượng JSON'],
  ['status must be one of', 'trường status phải là online, playing hoặc offline'],
  ['ts ', 'thời điểm gửi (ts) không đúng dạng thời điểm ISO 8601'],
  ['cachedUntil ', 'hạn bộ nhớ đệm (cachedUntil) không đúng dạng thời điểm ISO 8601'],
  ['volume ', 'âm lượng (volume) phải là số nguyên từ 0 đến 100'],
  ['power ', 'nguồn loa (power) phải là on hoặc off'],
  ['version ', 'phiên bản (version) phải là chuỗi không quá 64 ký tự'],
  ['clockSkewMs ', 'độ lệch đồng hồ (clockSkewMs) phải là số nguyên mili giây'],
  ['playing ', 'mục đang phát (playing) phải là null hoặc {scheduleItemId, startedAt}'],
];

export function statusProblemText(problem: string): string {
  const known = STATUS_PROBLEMS.find(([start]) => problem.startsWith(start));
  return known ? known[1] : `“${problem}”`;
}

export const NETWORK_ERROR = 'Không kết nối được tới máy chủ. Kiểm tra mạng rồi thử lại.';

/** Why the session ended, as the login page says it: the API's `reason` for refusing the token. */
export function sessionEndText(reason?: string): string {
  switch (reason) {
    case 'account-disabled':
      return 'Tài khoản của bạn đã bị khoá. Vui lòng liên hệ quản trị viên để mở khoá.';
    case 'account-deleted':
      return 'Tài khoản của bạn đã bị xoá khỏi hệ thống.';
    case 'credentials-changed':
      return 'Mật khẩu hoặc quyền của tài khoản vừa được thay đổi. Vui lòng đăng nhập lại.';
    default:
      return 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.';
  }
}
