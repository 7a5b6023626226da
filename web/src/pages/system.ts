import { errorText, get, post } from '../api.js';
import type { AppContext } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import type { Page } from '../router.js';
import { actionButton } from '../ui/form.js';
import { toast } from '../ui/notice.js';

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

interface AuditEvent {
  id: string;
  at: string;
  action: string;
  actorUsername: string | null;
  targetType: string | null;
  targetId: string | null;
  communeCode: string | null;
  ip: string | null;
}

const ACTION_LABEL: Record<string, string> = {
  'login.succeeded': 'Đăng nhập',
  'login.failed': 'Đăng nhập thất bại',
  'user.created': 'Tạo người dùng',
  'user.updated': 'Sửa người dùng',
  'user.deleted': 'Xoá người dùng',
  'topic.created': 'Tạo chủ đề',
  'topic.updated': 'Sửa chủ đề',
  'campaign.created': 'Tạo chiến dịch',
  'campaign.updated': 'Sửa chiến dịch',
  'audio.deleted': 'Xoá tệp âm thanh',
  'bulletin.approved': 'Duyệt bản tin',
  'bulletin.unapproved': 'Bản tin trở lại chờ duyệt',
  'bulletin.sent-back': 'Trả lại bản tin (kèm lý do)',
  'bulletin.archived': 'Lưu trữ bản tin',
  'bulletin.deleted': 'Xoá bản tin',
  'window.deleted': 'Xoá khung giờ phát',
  'window.updated': 'Sửa khung giờ phát',
  'schedule.cancelled': 'Huỷ mục trong lịch',
  'schedule.emergency': 'Phát khẩn cấp',
  'schedule.planned': 'Áp dụng kế hoạch chiến dịch',
  'ics.token.rotated': 'Tạo liên kết lịch',
  'ics.token.revoked': 'Thu hồi liên kết lịch',
  'playout.recorded': 'Ghi nhật ký phát thanh',
  'playout.imported': 'Nhập nhật ký từ tệp',
  'playout.checkpoint.signed': 'Ký mốc kiểm chứng nhật ký',
  'reports.rollups.rebuilt': 'Tính lại số liệu báo cáo',
};

const TARGET_LABEL: Record<string, string> = {
  user: 'Người dùng',
  topic: 'Chủ đề',
  campaign: 'Chiến dịch',
  audio: 'Tệp âm thanh',
  audio_asset: 'Tệp âm thanh',
  bulletin: 'Bản tin',
  window: 'Khung giờ phát',
  broadcast_window: 'Khung giờ phát',
  schedule_item: 'Mục trong lịch phát',
  commune_schedule: 'Lịch phát sóng',
  playout_record: 'Nhật ký phát thanh',
  playout_import: 'Tệp nhập nhật ký',
  playout_checkpoint: 'Mốc kiểm chứng nhật ký',
  airtime_rollup: 'Số liệu báo cáo',
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

/** Hệ thống: the service's health, the queue dashboard and the audit trail (admins). */
export async function systemPage(_context: AppContext): Promise<Page> {
  const [state, events] = await Promise.all([health(), get<AuditEvent[]>('/audit?limit=50')]);
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
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Nhật ký thao tác (50 mục gần nhất)'),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            null,
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Thời điểm', 'Thao tác', 'Người thực hiện', 'Đối tượng', 'Địa chỉ IP'].map(
                  (label) => h('th', { scope: 'col' }, label),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              events.map((event) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'nowrap' }, formatDateTime(event.at)),
                  h('td', null, ACTION_LABEL[event.action] ?? event.action),
                  h('td', null, event.actorUsername ?? '—'),
                  h(
                    'td',
                    { class: 'small' },
                    [
                      event.targetType
                        ? (TARGET_LABEL[event.targetType] ?? event.targetType)
                        : null,
                      event.communeCode ? `xã ${event.communeCode}` : null,
                    ]
                      .filter(Boolean)
                      .join(' · ') || '—',
                  ),
                  h('td', { class: 'small' }, event.ip ?? '—'),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  };
}
