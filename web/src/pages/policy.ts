import { get, put } from '../api.js';
import { AppContext } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { navigate, Page } from '../router.js';
import type {
  BroadcastPolicy,
  Commune,
  PolicyBreach,
  PolicyField,
  PolicyOrigin,
  PolicyView,
} from '../types.js';
import { field, form, input } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { timeInput } from '../ui/date-input.js';
import { tableHead } from '../ui/table.js';

const ORIGIN: Record<PolicyOrigin, string> = {
  default: 'Mặc định',
  province: 'Tỉnh',
  commune: 'Xã',
};

const RULE: Record<string, string> = {
  POLICY_QUIET_HOURS: 'Giờ yên tĩnh',
  POLICY_SESSION_TOO_LONG: 'Buổi phát quá dài',
  POLICY_DAILY_LIMIT: 'Vượt thời lượng trong ngày',
  POLICY_UNATTENDED_RELAY: 'Tiếp âm tự động ban đêm',
};

const FIELDS: { key: PolicyField; label: string }[] = [
  { key: 'quietHours', label: 'Giờ yên tĩnh (không phát)' },
  { key: 'maxSessionMinutes', label: 'Thời lượng tối đa một buổi phát' },
  { key: 'maxDailyMinutes', label: 'Tổng thời lượng phát tối đa một ngày' },
  { key: 'unattendedRelaysAtNight', label: 'Tiếp âm tự động ban đêm' },
];

function valueText(view: PolicyView, policy: BroadcastPolicy, key: PolicyField): string {
  switch (key) {
    case 'quietHours':
      return policy.quietHours ? `${policy.quietHours.from}–${policy.quietHours.to}` : 'Không có';
    case 'maxSessionMinutes':
      return `${policy.maxSessionMinutes} phút`;
    case 'maxDailyMinutes':
      return `${policy.maxDailyMinutes} phút`;
    case 'unattendedRelaysAtNight':
      return policy.unattendedRelaysAtNight
        ? `Cho phép (${view.nightHours.from}–${view.nightHours.to})`
        : `Không cho phép (${view.nightHours.from}–${view.nightHours.to})`;
  }
}

function valuesTable(view: PolicyView): HTMLElement {
  const inheritedLabel = view.scope === 'commune' ? 'Tỉnh quy định' : 'Mặc định';
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'aria-label': 'Quy định đang áp dụng' },
      tableHead(['Quy định', 'Đang áp dụng', 'Nguồn', inheritedLabel]),
      h(
        'tbody',
        null,
        FIELDS.map(({ key, label }) =>
          h(
            'tr',
            { 'data-field': key },
            h('td', null, label),
            h('td', null, h('strong', null, valueText(view, view.policy, key))),
            h('td', null, ORIGIN[view.sources[key]]),
            h('td', null, valueText(view, view.inherited, key)),
          ),
        ),
      ),
    ),
  );
}

function breachWhen(breach: PolicyBreach): string {
  if (breach.type === 'window') {
    return `Khung giờ ${breach.name ?? ''} (${breach.startTime ?? ''}, ${breach.durationMinutes ?? 0} phút)`;
  }
  return `Mục phát ${breach.startsAt ? formatDateTime(breach.startsAt) : ''}`;
}

function violationsList(view: PolicyView, communeName: Map<string, string>): HTMLElement {
  const title = h(
    'h2',
    { id: 'policy-violations-title' },
    view.violations.length === 0
      ? 'Không có khung giờ hay mục phát nào vi phạm'
      : `Đang vi phạm quy định (${view.violations.length})`,
  );
  if (view.violations.length === 0) {
    return h('section', { 'aria-labelledby': 'policy-violations-title' }, title);
  }
  return h(
    'section',
    { 'aria-labelledby': 'policy-violations-title', class: 'policy-violations' },
    title,
    h(
      'p',
      { class: 'hint' },
      'Các mục phát này sẽ không được phát (ghi nhật ký "thất bại") cho tới khi được sửa hoặc huỷ.',
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        tableHead([
          view.scope === 'province' ? 'Xã, phường' : null,
          'Khung giờ, mục phát',
          'Quy định',
          'Chi tiết',
        ]),
        h(
          'tbody',
          null,
          view.violations.map((breach) =>
            h(
              'tr',
              { 'data-breach': breach.id },
              view.scope === 'province'
                ? h('td', null, communeName.get(breach.communeCode) ?? breach.communeCode)
                : null,
              h('td', null, breachWhen(breach)),
              h('td', null, RULE[breach.rule] ?? breach.rule),
              h('td', null, breach.messageVi),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The edit form: a commune sends only what differs from its province (the rest is inherited). */
function policyForm(view: PolicyView, path: string, onSaved: () => void): HTMLElement {
  const current = view.policy;
  const hasQuiet = input({ type: 'checkbox', checked: current.quietHours !== null });
  const from = timeInput({ value: current.quietHours?.from ?? '21:30' });
  const to = timeInput({ value: current.quietHours?.to ?? '05:30' });
  const session = input({ type: 'number', min: 1, max: 1440, value: current.maxSessionMinutes });
  const daily = input({ type: 'number', min: 1, max: 1440, value: current.maxDailyMinutes });
  const relays = input({ type: 'checkbox', checked: current.unattendedRelaysAtNight });
  const { form: element } = form(
    { class: 'policy-form', 'aria-label': 'Sửa quy định phát sóng' },
    [
      field('Có giờ yên tĩnh', hasQuiet),
      field('Giờ yên tĩnh từ', from, 'Giờ địa phương; có thể qua nửa đêm, ví dụ 21:30–05:30'),
      field('đến', to),
      field('Thời lượng tối đa một buổi (phút)', session),
      field('Tổng thời lượng tối đa một ngày (phút)', daily),
      field(
        `Cho phép tiếp âm tự động ban đêm (${view.nightHours.from}–${view.nightHours.to})`,
        relays,
      ),
      view.scope === 'commune'
        ? h('p', { class: 'hint' }, 'Xã chỉ được đặt quy định chặt hơn quy định của tỉnh.')
        : null,
    ],
    'Lưu quy định',
    async () => {
      const wanted: BroadcastPolicy = {
        quietHours: hasQuiet.checked ? { from: from.value, to: to.value } : null,
        maxSessionMinutes: Number(session.value),
        maxDailyMinutes: Number(daily.value),
        unattendedRelaysAtNight: relays.checked,
      };
      const body: Partial<BroadcastPolicy> = {};
      for (const { key } of FIELDS) {
        const same = JSON.stringify(wanted[key]) === JSON.stringify(view.inherited[key]);
        if (view.scope === 'province' || !same) {
          (body as Record<string, unknown>)[key] = wanted[key];
        }
      }
      const saved = await put<PolicyView>(path, body);
      toast(
        saved.violations.length > 0
          ? `Đã lưu quy định; ${saved.violations.length} khung giờ, mục phát đang vi phạm`
          : 'Đã lưu quy định phát sóng',
      );
      onSaved();
    },
  );
  return element;
}

/**
 * Quy định phát sóng: the policy in force for the monitor's province or the user's commune,
 * where each value comes from, what on the program logs breaks it, and (monitors, approvers) the
 * form that sets it.
 */
export async function policyPage(context: AppContext): Promise<Page> {
  const commune = context.user.role === 'monitor' ? null : context.commune;
  const province = context.province;
  const path = commune
    ? `/communes/${commune.code}/policy`
    : province
      ? `/provinces/${province.code}/policy`
      : null;
  if (!path) {
    return {
      title: 'Quy định phát sóng',
      node: emptyState('Tài khoản chưa gắn với tỉnh hay xã nào.'),
    };
  }
  const [view, communes] = await Promise.all([
    get<PolicyView>(path),
    province && !commune ? get<Commune[]>(`/communes?province=${province.code}`) : [],
  ]);
  const communeName = new Map(communes.map((item) => [item.code, item.name]));
  const canEdit = context.user.role === 'monitor' || context.user.role === 'approver';
  const place = commune ? commune.name : (province?.fullName ?? '');
  const slot = h('div', { class: 'policy-edit' });
  if (canEdit) {
    slot.append(policyForm(view, path, () => navigate('/quy-dinh')));
  }
  return {
    title: 'Quy định phát sóng',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Quy định phát sóng'),
      h(
        'p',
        { class: 'lead' },
        commune
          ? `Quy định áp dụng cho ${place}: kế thừa của tỉnh, xã chỉ được đặt chặt hơn. Khẩn cấp không bị giới hạn.`
          : `Quy định của ${place} cho mọi xã, phường trong tỉnh. Khẩn cấp không bị giới hạn.`,
      ),
      view.updatedAt
        ? h('p', { class: 'hint' }, `Cập nhật ${formatDateTime(view.updatedAt)}`)
        : null,
      valuesTable(view),
      violationsList(view, communeName),
      slot,
    ),
  };
}
