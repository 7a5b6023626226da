import { get, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import { bulletinChoiceLabel } from '../bulletin-names.js';
import { anyOf, formatTime } from '../format.js';
import { bulletinState } from '../labels.js';
import { href } from '../router.js';
import { itemTargetsDevice } from '../targeting.js';
import type { ApprovalSummary, Bulletin, Device, Person, ScheduleItem } from '../types.js';
import { openDialog } from './dialog.js';
import { openEmergencyDelivery } from './emergency-delivery.js';
import { checkGroup, form } from './form.js';
import { toast } from './notice.js';

interface EmergencyResult extends ScheduleItem {
  interrupts: { id: string; startsAt: string }[];
  emergencyId: string;
  devices: { targeted: number; notEnrolled: number; online: number; published: number };
}

/** The commune's zones with how many clusters sit in each, by zone code. */
function zonesOf(devices: readonly Device[]): { zone: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const device of devices) {
    for (const zone of device.zones) counts.set(zone, (counts.get(zone) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([zone, count]) => ({ zone, count }));
}

/** Where it plays: every cluster of the commune, or the clusters of the zones ticked. */
function zoneChoice(devices: readonly Device[]): {
  element: HTMLElement | null;
  zones(): string[] | null;
} {
  const zones = zonesOf(devices);
  if (zones.length === 0) return { element: null, zones: () => null };
  const all = h('input', { type: 'radio', name: 'emergency-scope', value: 'all', checked: true });
  const some = h('input', { type: 'radio', name: 'emergency-scope', value: 'zones' });
  const group = checkGroup(
    'Vùng',
    zones.map(({ zone, count }) => ({ value: zone, label: `${zone} (${count} cụm loa)` })),
  );
  group.element.hidden = true;
  const toggle = (): void => {
    group.element.hidden = !some.checked;
  };
  all.addEventListener('change', toggle);
  some.addEventListener('change', toggle);
  return {
    element: h(
      'fieldset',
      { class: 'choice-list' },
      h('legend', null, 'Phát tới'),
      h('label', { class: 'choice' }, all, ` Mọi cụm loa của xã (${devices.length})`),
      h('label', { class: 'choice' }, some, ' Chỉ các vùng đã chọn'),
      group.element,
    ),
    zones: () => (some.checked ? group.values() : null),
  };
}

/** The clusters the emergency goes to: those of the zones ticked (null: all), by the server's rule. */
function targetedBy(devices: readonly Device[], zones: readonly string[] | null): Device[] {
  return devices.filter((device) => itemTargetsDevice(zones, device.zones));
}

/** `vùng thon-dong`, `các vùng cho, thon-dong`. */
function zoneNames(zones: readonly string[]): string {
  return zones.length === 1 ? `vùng ${zones[0]}` : `các vùng ${zones.join(', ')}`;
}

/** Whose clusters a line speaks of: the commune's, or those of the zones ticked. */
function whose(zones: readonly string[] | null): string {
  return zones === null ? 'của xã' : `của ${zoneNames(zones)}`;
}

/** Said when the zones ticked (none, or some) hold no cluster: the server would refuse them. */
function noClusterInZones(zones: readonly string[]): HTMLElement {
  return h(
    'p',
    { class: 'message message-error', 'data-testid': 'emergency-clusters' },
    zones.length === 0
      ? 'Chưa chọn vùng nào, nên chưa có cụm loa nào nhận bản tin.'
      : `Không có cụm loa nào thuộc ${zoneNames(zones)}: chọn vùng khác, hoặc phát tới mọi cụm loa của xã.`,
  );
}

/**
 * How many of the clusters it goes to (the commune's, or those of the zones ticked: `zones`, null
 * for all) would hear it now, counted as the emergency's record counts them: of the enrolled
 * clusters, those connected (the others get the command when they come back while the emergency
 * is still on air); apart from them, the registered clusters that never connected, which can
 * receive nothing unless started with their code in time. A cluster whose credentials were
 * revoked is sent nothing. None connected is said as a warning, and zones without a cluster too.
 */
function clustersNow(
  devices: readonly Device[],
  zones: readonly string[] | null,
): HTMLElement | null {
  if (devices.length === 0) return null;
  const targeted = targetedBy(devices, zones);
  if (zones !== null && targeted.length === 0) return noClusterInZones(zones);
  const of = whose(zones);
  const enrolled = targeted.filter((device) => device.enrolled);
  const neverEnrolled = targeted.filter((device) => device.enrolledAt === null).length;
  const online = enrolled.filter((device) => device.status === 'online').length;
  const apart =
    neverEnrolled > 0
      ? ` ${neverEnrolled} cụm loa chưa kết nối lần nào: chỉ nhận được lệnh nếu được khởi động với mã đăng ký trong lúc bản tin còn phát; nhật ký phát thanh không tính các cụm này.`
      : '';
  if (online === 0) {
    let none: string;
    if (enrolled.length > 0) {
      none = `Không cụm loa nào ${of} đang kết nối (0/${enrolled.length}): bản tin chỉ phát ra loa ở cụm nào kết nối lại khi bản tin còn đang phát.`;
    } else if (neverEnrolled > 0) {
      none = `Chưa cụm loa nào ${of} được kết nối.`;
    } else {
      none = `Không cụm loa nào ${of} còn được nhận lệnh: bản tin chỉ phát qua máy chủ của xã.`;
    }
    return h(
      'p',
      { class: 'message message-error', 'data-testid': 'emergency-clusters' },
      none,
      apart,
    );
  }
  return h(
    'p',
    { class: 'small', 'data-testid': 'emergency-clusters' },
    `${online}/${enrolled.length} cụm loa ${of} đang kết nối.`,
    online < enrolled.length
      ? ' Cụm loa mất kết nối nhận lệnh khi kết nối lại, nếu bản tin còn đang phát.'
      : '',
    apart,
  );
}

interface WaitingEmergencies {
  bulletins: Bulletin[];
  approvers: Person[];
}

/** The commune's emergency bulletins waiting for its approver, and who that is. */
async function waitingEmergencies(commune: string): Promise<WaitingEmergencies> {
  const [drafts, summary] = await Promise.all([
    get<Bulletin[]>(`/communes/${commune}/bulletins?status=draft`),
    get<ApprovalSummary>(`/communes/${commune}/approvals/summary`),
  ]);
  return {
    bulletins: drafts.filter(
      (bulletin) => bulletin.priority === 'emergency' && bulletinState(bulletin) === 'draft',
    ),
    approvers: summary.approvers,
  };
}

/**
 * With no approved emergency bulletin: those already waiting for the approver, named, so that the
 * operator asks for their approval rather than makes another; else the way to make one.
 */
function noEmergencyBulletin(waiting: WaitingEmergencies, close: () => void): HTMLElement {
  if (waiting.bulletins.length === 0) {
    return h(
      'div',
      null,
      h(
        'p',
        null,
        'Chưa có bản tin khẩn cấp nào đã duyệt. Tạo bản tin với mức ưu tiên “Khẩn cấp” và trình duyệt trước.',
      ),
      h(
        'a',
        { href: href('/ban-tin/moi'), class: 'button primary', onClick: close },
        'Tạo bản tin',
      ),
    );
  }
  const { approvers } = waiting;
  const by =
    approvers.length > 0
      ? `${anyOf(approvers)} duyệt`
      : 'duyệt (xã chưa có tài khoản người duyệt: hãy nhờ quản trị viên tạo)';
  const titles = waiting.bulletins.map((bulletin) => `“${bulletin.title}”`).join(', ');
  return h(
    'div',
    { 'data-testid': 'emergency-waiting' },
    h(
      'p',
      null,
      `Chưa có bản tin khẩn cấp nào đã duyệt. ${waiting.bulletins.length} bản tin khẩn cấp đang chờ ${by}: ${titles}. ` +
        'Hãy đề nghị duyệt ngay, không cần tạo bản tin mới.',
    ),
    h(
      'a',
      { href: href('/ban-tin', { status: 'draft' }), class: 'button secondary', onClick: close },
      'Xem bản tin chờ duyệt',
    ),
  );
}

/**
 * Phát khẩn cấp: plays an approved emergency bulletin at once, interrupting the program. Two
 * deliberate steps: choose the bulletin, then tick the confirmation before the red button works.
 */
export async function openEmergency(context: AppContext): Promise<void> {
  const commune = communeCode(context);
  let bulletins: Bulletin[];
  let devices: Device[];
  let waiting: WaitingEmergencies | null = null;
  try {
    const [approved, registered] = await Promise.all([
      get<Bulletin[]>(`/communes/${commune}/bulletins?status=approved&includeLibrary=true`),
      get<Device[]>(`/communes/${commune}/devices`),
    ]);
    bulletins = approved.filter(
      (bulletin) => bulletin.priority === 'emergency' && bulletin.audioStatus === 'ready',
    );
    devices = registered;
    if (bulletins.length === 0) waiting = await waitingEmergencies(commune);
  } catch (error) {
    toast(error instanceof Error ? error.message : String(error), 'error');
    return;
  }
  await openDialog(
    'Phát khẩn cấp',
    (close) => {
      if (waiting) return noEmergencyBulletin(waiting, close);
      const choices = bulletins.map((bulletin, index) =>
        h(
          'label',
          { class: 'choice' },
          h('input', {
            type: 'radio',
            name: 'emergency-bulletin',
            value: bulletin.id,
            checked: index === 0,
          }),
          ` ${bulletinChoiceLabel(bulletin, bulletins)}`,
        ),
      );
      const where = zoneChoice(devices);
      // The count follows the zones ticked, as the operator ticks and unticks them.
      const count = h('div', null, clustersNow(devices, where.zones()));
      where.element?.addEventListener('change', () => {
        const line = clustersNow(devices, where.zones());
        count.replaceChildren(...(line ? [line] : []));
      });
      const confirm = h('input', { type: 'checkbox', id: 'emergency-confirm' });
      const handle = form(
        { class: 'emergency-form' },
        [
          h('fieldset', { class: 'choice-list' }, h('legend', null, 'Bản tin khẩn cấp'), choices),
          where.element,
          count,
          h(
            'p',
            { class: 'warning' },
            'Bản tin sẽ phát ngay trên loa, ngắt chương trình đang phát. Các bản tin đã xếp lịch sau đó sẽ bị lùi lại.',
          ),
          h(
            'label',
            { class: 'check', for: 'emergency-confirm' },
            confirm,
            ' Tôi xác nhận cần phát khẩn cấp ngay bây giờ',
          ),
        ],
        'PHÁT NGAY',
        async (message) => {
          if (!confirm.checked) return message.show('Hãy đánh dấu ô xác nhận trước khi phát.');
          const chosen = choices
            .map((label) => label.querySelector('input'))
            .find((radio) => radio?.checked)?.value;
          if (!chosen) return message.show('Chọn bản tin cần phát.');
          const zones = where.zones();
          if (zones !== null && zones.length === 0) {
            return message.show('Chọn ít nhất một vùng, hoặc phát tới mọi cụm loa của xã.');
          }
          const result = await post<EmergencyResult>(`/communes/${commune}/schedule/emergency`, {
            bulletinId: chosen,
            ...(zones ? { zones } : {}),
          });
          toast(
            `Đã phát lệnh khẩn cấp lúc ${formatTime(result.startsAt)}${result.interrupts?.length ? `; ${result.interrupts.length} mục trong lịch bị ngắt hoặc lùi lại` : ''}.`,
          );
          close();
          // The page shown (the program log, most often) is drawn again with the emergency on it.
          window.dispatchEvent(new HashChangeEvent('hashchange'));
          if (result.devices.targeted > 0) void openEmergencyDelivery(result.emergencyId);
        },
        [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Huỷ')],
      );
      handle.form.querySelector('button[type=submit]')?.classList.replace('primary', 'danger');
      return handle.form;
    },
    true,
  );
}
