import { api, errorText, get } from '../api.js';
import { AppContext, hasRole } from '../context.js';
import { h } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { field, form, input } from '../ui/form.js';
import { dateInput } from '../ui/date-input.js';
import { emptyState, toast } from '../ui/notice.js';
import { tableHead } from '../ui/table.js';

interface PushTarget {
  url: string;
  startsOn: string;
  secretSet: boolean;
  updatedAt: string;
}

interface PushDelivery {
  date: string;
  revision: number;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

interface PushState {
  target: PushTarget | null;
  deliveries: PushDelivery[];
}

const STATUS_TEXT: Record<PushDelivery['status'], [string, string]> = {
  pending: ['Đang gửi lại', 'status-planned'],
  delivered: ['Đã nhận', 'status-aired'],
  failed: ['Chưa gửi được', 'status-failed'],
};

function deliveriesTable(deliveries: readonly PushDelivery[]): HTMLElement {
  if (deliveries.length === 0) return emptyState('Chưa có ngày nào được gửi.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'aria-label': 'Các lần gửi số liệu' },
      tableHead([
        'Ngày số liệu',
        { label: 'Lần sửa', class: 'num' },
        'Trạng thái',
        { label: 'Số lần gửi', class: 'num' },
        'Kết quả lần cuối',
        'Lúc nhận',
      ]),
      h(
        'tbody',
        null,
        deliveries.map((delivery) => {
          const [text, style] = STATUS_TEXT[delivery.status];
          return h(
            'tr',
            { 'data-date': delivery.date },
            h('td', null, formatDate(delivery.date)),
            h('td', { class: 'num' }, String(delivery.revision)),
            h('td', null, h('span', { class: `badge ${style}` }, text)),
            h('td', { class: 'num' }, String(delivery.attempts)),
            h(
              'td',
              null,
              delivery.lastStatusCode !== null
                ? `HTTP ${delivery.lastStatusCode}`
                : (delivery.lastError ?? '—'),
            ),
            h('td', null, delivery.deliveredAt ? formatDateTime(delivery.deliveredAt) : '—'),
          );
        }),
      ),
    ),
  );
}

/**
 * "Gửi số liệu hằng ngày": where a province's statistics are pushed each day (admins set it; the
 * secret is never shown again) and how the last deliveries went (admins, the province's monitors).
 */
export function statsPushSection(
  context: AppContext,
  provinceCode: () => string,
): { element: HTMLElement; load(): Promise<void> } | null {
  if (!hasRole(context, 'admin', 'monitor')) return null;
  const admin = hasRole(context, 'admin');
  const summary = h('p', { class: 'muted' });
  const list = h('div');
  const url = input({ type: 'url', placeholder: 'https://…' });
  const secret = input({ type: 'password', autocomplete: 'new-password' });
  const startsOn = dateInput();

  const load = async (): Promise<void> => {
    let state: PushState;
    try {
      state = await get<PushState>(`/provinces/${provinceCode()}/stats-push`);
    } catch (error) {
      summary.textContent = errorText(error);
      list.replaceChildren();
      return;
    }
    summary.textContent = state.target
      ? `Đang gửi tới ${state.target.url}, từ ngày ${formatDate(state.target.startsOn)}.`
      : 'Chưa cấu hình: số liệu của tỉnh chưa được gửi đi.';
    url.value = state.target?.url ?? '';
    list.replaceChildren(deliveriesTable(state.deliveries));
  };

  const settings = admin
    ? form(
        { 'aria-label': 'Cấu hình gửi số liệu hằng ngày' },
        [
          field('Địa chỉ nhận (URL)', url),
          field(
            'Khoá bí mật',
            secret,
            'Ít nhất 16 ký tự; dùng để ký (HMAC-SHA256) mỗi lần gửi. Không hiển thị lại sau khi lưu.',
          ),
          field('Gửi từ ngày', startsOn, 'Để trống: từ ngày gần nhất đã kết thúc'),
        ],
        'Lưu cấu hình',
        async () => {
          await api('PUT', `/provinces/${provinceCode()}/stats-push`, {
            body: {
              url: url.value.trim(),
              secret: secret.value,
              ...(startsOn.value ? { startsOn: startsOn.value } : {}),
            },
          });
          secret.value = '';
          toast('Đã lưu cấu hình gửi số liệu');
          await load();
        },
      ).form
    : null;

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'stats-push-heading' },
    h('h2', { id: 'stats-push-heading' }, 'Gửi số liệu thống kê hằng ngày'),
    h(
      'p',
      null,
      'Mỗi ngày đã kết thúc, số liệu mở của tỉnh (bản tin theo kế hoạch, đã phát, phát khẩn cấp, thời lượng theo chủ đề, số cụm loa hoạt động) được gửi tới địa chỉ nhận, có chữ ký; ngày nào được sửa nhật ký sau đó sẽ được gửi lại thành lần sửa mới.',
    ),
    summary,
    settings,
    h('h3', null, 'Các lần gửi gần đây'),
    list,
  );
  return { element, load };
}
