import { errorText, get, post } from '../api.js';
import type { AppContext } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime, localInstant } from '../format.js';
import { auditActorText } from '../labels.js';
import type { AuditEvent } from '../types.js';
import type { Page } from '../router.js';
import { dateInput, dateRangeCheck } from '../ui/date-input.js';
import { actionButton, field, form, select } from '../ui/form.js';
import { toast } from '../ui/notice.js';
import { tableHead } from '../ui/table.js';

interface DependencyState {
  status: 'up' | 'down';
  [key: string]: unknown;
}

interface Health {
  status: 'ok' | 'error';
  db: DependencyState;
  redis: DependencyState;
  ffmpeg: DependencyState;
}

/** Every action the audit trail records, in Vietnamese (the API's list: none is left in English). */
const ACTION_LABEL: Record<AuditEvent['action'], string> = {
  'login.succeeded': 'Đăng nhập',
  'login.failed': 'Đăng nhập thất bại',
  'login.rate_limited': 'Đăng nhập bị chặn tạm thời (sai nhiều lần)',
  'user.created': 'Tạo người dùng',
  'user.updated': 'Sửa người dùng',
  'user.deleted': 'Xoá người dùng',
  'auth.api-key.created': 'Tạo khoá API',
  'topic.created': 'Tạo chủ đề',
  'topic.updated': 'Sửa chủ đề',
  'campaign.created': 'Tạo chiến dịch',
  'campaign.updated': 'Sửa chiến dịch',
  'audio.created': 'Thêm tệp âm thanh',
  'audio.deleted': 'Xoá tệp âm thanh',
  'bulletin.created': 'Tạo bản tin',
  'bulletin.updated': 'Sửa bản tin',
  'bulletin.approved': 'Duyệt bản tin',
  'bulletin.unapproved': 'Bản tin trở lại chờ duyệt',
  'bulletin.sent-back': 'Trả lại bản tin (kèm lý do)',
  'bulletin.archived': 'Lưu trữ bản tin',
  'bulletin.deleted': 'Xoá bản tin',
  'window.created': 'Thêm khung giờ phát',
  'window.updated': 'Sửa khung giờ phát',
  'window.deleted': 'Xoá khung giờ phát',
  'schedule.added': 'Thêm mục vào lịch',
  'schedule.planned': 'Áp dụng kế hoạch chiến dịch',
  'schedule.moved': 'Dời giờ mục trong lịch',
  'schedule.cancelled': 'Huỷ mục trong lịch',
  'schedule.emergency': 'Phát khẩn cấp',
  'emergency.sent': 'Gửi lệnh khẩn cấp tới cụm loa',
  'live.aired': 'Phát trực tiếp',
  'policy.updated': 'Sửa quy định phát sóng',
  'ics.token.rotated': 'Tạo liên kết lịch',
  'ics.token.revoked': 'Thu hồi liên kết lịch',
  'playout.recorded': 'Ghi nhật ký phát thanh',
  'playout.imported': 'Nhập nhật ký từ tệp',
  'playout.checkpoint.signed': 'Ký mốc kiểm chứng nhật ký',
  'reports.rollups.rebuilt': 'Tính lại số liệu báo cáo',
  'reports.signing-certificate.uploaded': 'Tải lên chứng thư số ký báo cáo',
  'reports.stats-push.configured': 'Cấu hình gửi số liệu thống kê',
  'reports.stats-push.removed': 'Bỏ cấu hình gửi số liệu thống kê',
  'device.created': 'Đăng ký cụm loa',
  'device.updated': 'Sửa cụm loa',
  'device.deleted': 'Xoá cụm loa',
  'device.enrolment_code.issued': 'Cấp mã đăng ký cụm loa',
  'device.enrolled': 'Cụm loa nhận chứng thực',
  'device.credentials.revoked': 'Thu hồi chứng thực cụm loa',
  'device.command.sent': 'Gửi lệnh tới cụm loa',
  'source.created': 'Thêm nguồn tiếp âm',
  'source.updated': 'Sửa nguồn tiếp âm',
  'source.deleted': 'Xoá nguồn tiếp âm',
};

const TARGET_LABEL: Record<string, string> = {
  user: 'Người dùng',
  api_key: 'Khoá API',
  topic: 'Chủ đề',
  campaign: 'Chiến dịch',
  audio: 'Tệp âm thanh',
  audio_asset: 'Tệp âm thanh',
  bulletin: 'Bản tin',
  window: 'Khung giờ phát',
  broadcast_window: 'Khung giờ phát',
  schedule_item: 'Mục trong lịch phát',
  commune_schedule: 'Lịch phát sóng',
  calendar: 'Liên kết lịch',
  emergency: 'Lệnh khẩn cấp',
  commune: 'Xã, phường',
  province: 'Tỉnh',
  device: 'Cụm loa',
  stream_source: 'Nguồn tiếp âm',
  playout_record: 'Nhật ký phát thanh',
  playout_import: 'Tệp nhập nhật ký',
  playout_checkpoint: 'Mốc kiểm chứng nhật ký',
  airtime_rollup: 'Số liệu báo cáo',
  signing_certificate: 'Chứng thư số',
  stats_push_target: 'Nơi nhận số liệu thống kê',
};

const DEPENDENCY_LABEL: Record<'db' | 'redis' | 'ffmpeg', string> = {
  db: 'Cơ sở dữ liệu',
  redis: 'Redis (hàng đợi)',
  ffmpeg: 'ffmpeg (xử lý âm thanh)',
};

async function health(): Promise<Health> {
  // 503 still carries the per-dependency states.
  try {
    return await get<Health>('/health');
  } catch (error) {
    const body = (error as { body?: unknown }).body as Health | undefined;
    if (body?.db) return body;
    throw error;
  }
}

/** Events shown at most: the latest first, the filter narrowing them. */
const AUDIT_LIMIT = 200;

function auditRow(event: AuditEvent): HTMLElement {
  return h(
    'tr',
    { 'data-testid': 'audit-row' },
    h('td', { class: 'nowrap' }, formatDateTime(event.at)),
    h('td', null, ACTION_LABEL[event.action]),
    h('td', null, auditActorText(event)),
    h(
      'td',
      { class: 'small' },
      [
        event.targetType ? (TARGET_LABEL[event.targetType] ?? event.targetType) : null,
        event.communeCode
          ? (event.communeName ?? `xã ${event.communeCode}`)
          : event.provinceCode
            ? (event.provinceName ?? `tỉnh ${event.provinceCode}`)
            : null,
      ]
        .filter(Boolean)
        .join(' · ') || '—',
    ),
    h('td', { class: 'small' }, event.ip ?? '—'),
  );
}

/**
 * Nhật ký thao tác: the latest actions, narrowed by action and by days (in Việt Nam), as an
 * admin looking into who did something asks.
 */
async function auditSection(): Promise<HTMLElement> {
  const action = select([
    { value: '', label: 'Mọi thao tác' },
    ...(Object.entries(ACTION_LABEL) as [AuditEvent['action'], string][])
      .sort(([, a], [, b]) => a.localeCompare(b, 'vi'))
      .map(([value, label]) => ({ value, label })),
  ]);
  const from = dateInput();
  const to = dateInput();
  // The audit trail takes any length of days; only the order of the two is checked.
  const range = dateRangeCheck(from, to, Number.POSITIVE_INFINITY);
  const summary = h('p', { class: 'muted', 'data-testid': 'audit-summary' });
  const rows = h('tbody');
  const show = async (): Promise<void> => {
    const query = new URLSearchParams({ limit: String(AUDIT_LIMIT) });
    if (action.value) query.set('action', action.value);
    if (from.value) query.set('from', localInstant(from.value, '00:00:00'));
    if (to.value) query.set('to', localInstant(to.value, '23:59:59'));
    const events = await get<AuditEvent[]>(`/audit?${query.toString()}`);
    rows.replaceChildren(...events.map(auditRow));
    summary.textContent =
      events.length === 0
        ? 'Không có thao tác nào khớp bộ lọc.'
        : events.length < AUDIT_LIMIT
          ? `${events.length} thao tác, mới nhất trước.`
          : `${AUDIT_LIMIT} thao tác mới nhất khớp bộ lọc; thu hẹp khoảng ngày để xem các thao tác cũ hơn.`;
  };
  const filter = form(
    { class: 'filters', 'aria-label': 'Lọc nhật ký thao tác' },
    [field('Thao tác', action), field('Từ ngày', from), field('Đến ngày', to), range.element],
    'Lọc',
    async () => {
      if (range.check()) await show();
    },
  );
  await show();
  return h(
    'section',
    { class: 'card' },
    h('h2', null, 'Nhật ký thao tác'),
    filter.form,
    summary,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        tableHead(['Thời điểm', 'Thao tác', 'Người thực hiện', 'Đối tượng', 'Địa chỉ IP']),
        rows,
      ),
    ),
  );
}

/** Hệ thống: the service's health, the queue dashboard and the audit trail (admins). */
export async function systemPage(_context: AppContext): Promise<Page> {
  const [state, audit] = await Promise.all([health(), auditSection()]);
  const openQueues = actionButton(
    'Mở bảng theo dõi hàng đợi',
    async () => {
      // The dashboard's pages cannot send the bearer token: the API gives this browser a cookie
      // for the dashboard's path only, then the dashboard opens in a new tab.
      await post('/admin/queue-session');
      window.open('/api/v1/admin/queues', '_blank', 'noopener');
    },
    (error) => toast(errorText(error), 'error'),
    { class: 'primary' },
  );
  return {
    title: 'Hệ thống',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Hệ thống'),
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Tình trạng dịch vụ'),
        h(
          'ul',
          { class: 'health-list' },
          (['db', 'redis', 'ffmpeg'] as const).map((key) =>
            h(
              'li',
              null,
              h(
                'span',
                { class: `badge ${state[key].status === 'up' ? 'status-aired' : 'status-failed'}` },
                state[key].status === 'up' ? 'Hoạt động' : 'Lỗi',
              ),
              ` ${DEPENDENCY_LABEL[key]}`,
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Hàng đợi xử lý'),
        h(
          'p',
          { class: 'muted' },
          'Theo dõi các việc xử lý âm thanh và phát sóng đang chờ, đang chạy hoặc bị lỗi.',
        ),
        openQueues,
      ),
      audit,
    ),
  };
}
