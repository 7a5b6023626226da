import { ApiError, errorText, get, post } from '../api.js';
import { AppContext, communeCode, topicName } from '../context.js';
import { h } from '../dom.js';
import {
  formatDate,
  formatDateLong,
  formatSeconds,
  formatDurationMs,
  formatTime,
  formatTimeSeconds,
  localDateOf,
  planWeekEnd,
  today,
} from '../format.js';
import { CAMPAIGN_STATUS_LABEL } from '../labels.js';
import { shortfallGroupText, shortfallText } from '../shortfall-text.js';
import { href, Page, RouteMatch } from '../router.js';
import type {
  BroadcastWindow,
  Campaign,
  PlannedItem,
  PlanResult,
  ShortfallFix,
  AddBulletinsFix,
  ShortfallGroup,
} from '../types.js';
import { confirmDialog } from '../ui/dialog.js';
import { field, form, select } from '../ui/form.js';
import { emptyState, MessageBox, toast } from '../ui/notice.js';
import { refusedItemsNote } from '../ui/policy-breach.js';
import { byStatus } from './campaigns.js';
import { communeZones, zoneChoice } from '../ui/zones.js';
import { topicChip } from '../ui/topic-chip.js';
import { dateInput } from '../ui/date-input.js';

const POLICY_RULE_TEXT: Record<string, string> = {
  POLICY_QUIET_HOURS: 'rơi vào giờ yên tĩnh',
  POLICY_SESSION_TOO_LONG: 'quá thời lượng tối đa một buổi',
  POLICY_DAILY_LIMIT: 'đã đạt tổng thời lượng tối đa trong ngày',
};

/** The window time the plan left unused for the broadcast policy, in Vietnamese. */
function policyLimitsNote(
  plan: PlanResult,
  windows: ReadonlyMap<string, BroadcastWindow>,
): HTMLElement | null {
  const limits = plan.policyLimits ?? [];
  if (limits.length === 0) return null;
  return h(
    'div',
    { class: 'policy-limits' },
    h('h3', null, `Thời gian không dùng do quy định phát sóng (${limits.length})`),
    h(
      'ul',
      null,
      limits.map((limit) =>
        h(
          'li',
          { 'data-testid': 'policy-limit' },
          limit.rule === 'POLICY_DAILY_LIMIT'
            ? `${formatDate(limit.date)}: ${POLICY_RULE_TEXT[limit.rule]}`
            : `${formatDate(limit.date)}, khung giờ ${windows.get(limit.windowId)?.name ?? ''}: ${formatTime(limit.startsAt)}–${formatTime(limit.endsAt)} ${POLICY_RULE_TEXT[limit.rule] ?? limit.rule}`,
        ),
      ),
    ),
  );
}

/**
 * "Thêm 12 bản tin mang một chủ đề của chiến dịch (mỗi bản tin dài khoảng 13 giây, phát được 1
 * lần trong các khung giờ còn lại)": the count and what it rests on, so the operator sees why that many.
 */
export function addBulletinsText(context: AppContext, fix: AddBulletinsFix): string {
  const count = `${fix.atLeast ? 'ít nhất ' : ''}${fix.count}`;
  const what = fix.topic
    ? `Thêm ${count} bản tin ${topicName(context, fix.topic)}`
    : `Thêm ${count} bản tin mang một chủ đề của chiến dịch`;
  const length =
    fix.bulletinSeconds === null ? '' : ` dài khoảng ${formatSeconds(fix.bulletinSeconds)},`;
  return `${what} (mỗi bản tin${length} phát được ${fix.playsEach} lần trong các khung giờ còn lại)`;
}

/** The concrete fix as a link to the page that does it; null when nothing can be done. */
export function fixLink(context: AppContext, fix: ShortfallFix): HTMLElement | null {
  switch (fix.action) {
    case 'add-bulletins':
      return h(
        'a',
        {
          href: href('/ban-tin/moi', fix.topic ? { topic: fix.topic } : {}),
          class: 'button secondary small fix',
        },
        addBulletinsText(context, fix),
      );
    case 'extend-window':
      return h(
        'a',
        { href: href('/khung-gio'), class: 'button secondary small fix' },
        `Mở thêm ${fix.minutes} phút khung ${fix.windowName}`,
      );
    case 'add-window':
      return h(
        'a',
        { href: href('/khung-gio'), class: 'button secondary small fix' },
        'Thêm khung giờ phát cho những ngày này',
      );
    case 'raise-daily-limit':
      return h(
        'a',
        { href: href('/quy-dinh'), class: 'button secondary small fix' },
        'Xem “Quy định phát sóng”',
      );
    case 'none':
      return null;
  }
}

function shortfallGroupsList(context: AppContext, groups: readonly ShortfallGroup[]): HTMLElement {
  return h(
    'div',
    { class: 'shortfalls' },
    h('h3', null, `Chưa đạt chỉ tiêu (${groups.length})`),
    h(
      'ul',
      null,
      groups.map((group) =>
        h(
          'li',
          { 'data-testid': 'shortfall-group', 'data-cause': group.cause },
          group.topic ? topicChip(context, group.topic) : null,
          group.topic ? ' ' : null,
          h(
            'span',
            { class: 'shortfall-text', 'data-testid': 'shortfall' },
            shortfallGroupText(context, group),
          ),
          ' ',
          fixLink(context, group.fix),
        ),
      ),
    ),
  );
}

function planTable(
  items: readonly PlannedItem[],
  windows: ReadonlyMap<string, BroadcastWindow>,
  context: AppContext,
): HTMLElement {
  if (items.length === 0) return emptyState('Kế hoạch không thêm bản tin nào.');
  const byDay = new Map<string, PlannedItem[]>();
  for (const item of [...items].sort((a, b) => a.startsAt.localeCompare(b.startsAt))) {
    const date = localDateOf(item.startsAt);
    byDay.set(date, [...(byDay.get(date) ?? []), item]);
  }
  return h(
    'div',
    { class: 'plan-days' },
    [...byDay.entries()].map(([date, dayItems]) =>
      h(
        'section',
        { class: 'plan-day' },
        h(
          'h3',
          null,
          formatDateLong(date),
          h('span', { class: 'muted' }, ` · ${dayItems.length} lượt`),
        ),
        h(
          'ul',
          { class: 'item-list' },
          dayItems.map((item) =>
            h(
              'li',
              { class: 'item-row', 'data-testid': 'plan-item' },
              h(
                'span',
                { class: 'time' },
                `${formatTimeSeconds(item.startsAt)} · ${formatDurationMs(item.durationMs)}`,
              ),
              h(
                'span',
                { class: 'item-title' },
                item.title,
                h(
                  'span',
                  { class: 'topics' },
                  item.topics.map((code) => topicChip(context, code)),
                ),
              ),
              h('span', { class: 'muted' }, windows.get(item.windowId)?.name ?? ''),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Said above the form when no campaign runs today: the planner plans a campaign's days, so the
 * operator learns why nothing can be planned now and who can change that.
 */
export function noRunningCampaignText(campaigns: readonly Campaign[]): string | null {
  if (campaigns.some((campaign) => campaign.status === 'running')) return null;
  const next = campaigns
    .filter((campaign) => campaign.status === 'upcoming')
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn))[0];
  if (next) {
    return `Hôm nay chưa có chiến dịch nào đang diễn ra. Chiến dịch “${next.name}” bắt đầu ngày ${formatDate(next.startsOn)}: bạn có thể lập kế hoạch từ ngày đó.`;
  }
  const last = campaigns
    .filter((campaign) => campaign.status === 'ended')
    .sort((a, b) => b.endsOn.localeCompare(a.endsOn))[0];
  const lastText = last
    ? ` Chiến dịch gần nhất, “${last.name}”, đã kết thúc ngày ${formatDate(last.endsOn)}.`
    : '';
  return `Hôm nay không có chiến dịch nào đang diễn ra nên chưa lập kế hoạch được.${lastText} Hãy đề nghị giám sát viên của tỉnh tạo chiến dịch mới ở trang “Chiến dịch” (có thể sao chép chiến dịch cũ rồi đổi ngày). Trong lúc chờ, bạn vẫn xếp từng bản tin vào lịch phát sóng được.`;
}

function noRunningCampaign(campaigns: readonly Campaign[]): HTMLElement | null {
  const text = noRunningCampaignText(campaigns);
  return text
    ? h(
        'p',
        { class: 'message message-warning', role: 'status', 'data-testid': 'no-campaign' },
        text,
      )
    : null;
}

/** The planner's refusal of a range outside the campaign, with the campaign's dates and what to do. */
export function planRefusalText(error: unknown, campaign: Campaign): string | null {
  if (!(error instanceof ApiError) || error.code !== 'PLAN_RANGE_INVALID') return null;
  const body = (error.body ?? {}) as { reason?: string; startsOn?: string; endsOn?: string };
  if (body.reason === 'campaign-ended') {
    return `Chiến dịch “${campaign.name}” đã kết thúc ngày ${formatDate(body.endsOn ?? campaign.endsOn)}, nên không lập kế hoạch cho những ngày này được. Hãy chọn một chiến dịch đang diễn ra; nếu không có, hãy đề nghị giám sát viên của tỉnh tạo chiến dịch mới.`;
  }
  if (body.reason === 'after-campaign-end') {
    return `Chiến dịch “${campaign.name}” kết thúc ngày ${formatDate(body.endsOn ?? campaign.endsOn)}; hãy chọn khoảng ngày đến hết ngày đó.`;
  }
  if (body.reason === 'campaign-not-started') {
    return `Chiến dịch “${campaign.name}” bắt đầu ngày ${formatDate(body.startsOn ?? campaign.startsOn)}: hãy chọn “Từ ngày”, “Đến ngày” từ ngày đó trở đi.`;
  }
  return null;
}

/**
 * The plan's “Áp dụng …” button: asks first, then runs `apply`; it stays disabled while that runs
 * (and after, as the applied plan replaces it), and a refusal is said in a toast.
 */
export function confirmedApplyButton(
  label: string,
  enabled: boolean,
  question: { title: string; body: string },
  apply: () => Promise<void>,
): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'primary', disabled: !enabled }, label);
  button.addEventListener('click', () => {
    void confirmDialog({ ...question, confirmLabel: 'Áp dụng', cancelLabel: 'Chưa' }).then(
      async (yes) => {
        if (!yes) return;
        button.disabled = true;
        try {
          await apply();
        } catch (error) {
          button.disabled = false;
          toast(errorText(error), 'error');
        }
      },
    );
  });
  return button;
}

/** The plan pages' choice of a campaign and dates, with what keeps a dry run from going. */
export interface PlanRangeFields {
  /** The campaigns, running first (`byStatus`). */
  ordered: Campaign[];
  /** The campaign chosen when the page opens. */
  chosen: Campaign | undefined;
  campaign: HTMLSelectElement;
  from: HTMLInputElement;
  to: HTMLInputElement;
  /** Why no dry run can go with the fields as they are, in words; null when it can. */
  problem(): string | null;
  /** The planner's refusal of the chosen dates, in words; any other error is thrown again. */
  refusal(error: unknown): string;
}

/**
 * The campaign and date fields of the plan pages, from the link (`campaign`, `from`, `to`) or
 * else the first campaign not ended, from its start (or today) to the end of that week (of the
 * next one from a Sunday: `planWeekEnd`).
 */
export function planRangeFields(
  campaigns: readonly Campaign[],
  query: URLSearchParams,
): PlanRangeFields {
  const now = today();
  const ordered = [...campaigns].sort(byStatus);
  const chosen =
    campaigns.find((item) => item.code === query.get('campaign')) ??
    ordered.find((item) => item.status !== 'ended') ??
    ordered[0];
  const defaultFrom = chosen && chosen.startsOn > now ? chosen.startsOn : now;
  const campaign = select(
    ordered.map((item) => ({
      value: item.code,
      label: `${item.name} (${formatDate(item.startsOn)} – ${formatDate(item.endsOn)}) · ${CAMPAIGN_STATUS_LABEL[item.status]}`,
    })),
    { value: chosen?.code },
  );
  const from = dateInput({ value: query.get('from') ?? defaultFrom, required: true });
  const to = dateInput({
    value: query.get('to') ?? planWeekEnd(from.value),
    required: true,
  });
  return {
    ordered,
    chosen,
    campaign,
    from,
    to,
    problem: () => {
      if (!campaign.value) return 'Chưa có chiến dịch nào.';
      if (!from.value || !to.value || to.value < from.value) {
        return 'Chọn khoảng ngày hợp lệ: “Đến ngày” không được trước “Từ ngày”.';
      }
      return null;
    },
    refusal: (error) => {
      const selected = campaigns.find((item) => item.code === campaign.value);
      const text = selected ? planRefusalText(error, selected) : null;
      if (text === null) throw error;
      return text;
    },
  };
}

function totalSeconds(items: readonly PlannedItem[]): number {
  return items.reduce((sum, item) => sum + item.durationMs / 1000, 0);
}

/**
 * Kế hoạch chiến dịch: the planner fills the windows to meet the campaign's targets. A dry run is
 * always shown first (at once, for a running campaign); applying it is a second, confirmed step.
 */
export async function planPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const commune = communeCode(context);
  const [campaigns, windowList, zones] = await Promise.all([
    get<Campaign[]>('/campaigns'),
    get<BroadcastWindow[]>(`/communes/${commune}/windows`),
    communeZones(commune),
  ]);
  const windows = new Map(windowList.map((item) => [item.id, item]));
  const range = planRangeFields(campaigns, match.query);
  const { ordered, chosen, campaign, from, to } = range;
  const result = h('div', { class: 'plan-result', 'aria-live': 'polite' });
  let lastRequest: { campaign: string; from: string; to: string; zones?: string[] } | null = null;
  // A commune without clusters plays from the server: there is no zone to choose.
  const where = zones.length > 0 ? zoneChoice(zones) : null;

  const showResult = (plan: PlanResult, applied: boolean): void => {
    const shortfalls = plan.shortfalls;
    const applyButton = confirmedApplyButton(
      `Áp dụng kế hoạch (${plan.items.length} lượt phát)`,
      plan.items.length > 0,
      {
        title: 'Áp dụng kế hoạch?',
        body: `${plan.items.length} lượt phát sẽ được thêm vào lịch phát sóng từ ${formatDate(plan.from)} đến ${formatDate(plan.to)}.`,
      },
      async () => {
        const request = lastRequest;
        if (!request) return;
        const done = await post<PlanResult>(`/communes/${commune}/schedule/plan`, {
          ...request,
          dryRun: false,
        });
        toast(`Đã thêm ${done.items.length} lượt phát vào lịch phát sóng.`);
        showResult(done, true);
      },
    );
    result.replaceChildren(
      h(
        'section',
        { class: 'card' },
        h('h2', null, applied ? 'Kế hoạch đã áp dụng' : 'Xem trước kế hoạch (chưa lưu)'),
        h(
          'p',
          null,
          `Từ ${formatDate(plan.from)} đến ${formatDate(plan.to)}: ${plan.items.length} lượt phát mới, tổng ${formatSeconds(totalSeconds(plan.items))}.`,
          applied
            ? h(
                'span',
                null,
                ' ',
                h(
                  'a',
                  { href: href('/lich', { view: 'week', date: plan.from }) },
                  'Xem lịch phát sóng',
                ),
              )
            : null,
        ),
        // Apply stays in view on a long preview (sticky at the top of the card).
        applied
          ? null
          : h(
              'div',
              { class: 'actions sticky-actions', 'data-testid': 'plan-apply-bar' },
              applyButton,
              h(
                'span',
                { class: 'muted' },
                shortfalls.length === 0
                  ? plan.refusedItems.length > 0
                    ? `Đạt đủ chỉ tiêu khi không tính ${plan.refusedItems.length} mục vi phạm quy định phát sóng.`
                    : 'Đạt đủ chỉ tiêu.'
                  : `Còn ${(plan.shortfallGroups ?? []).length} điểm chưa đạt chỉ tiêu (xem bên dưới).`,
              ),
            ),
        shortfalls.length === 0
          ? h(
              'p',
              { class: 'message message-success' },
              'Kế hoạch đạt đủ mọi chỉ tiêu của chiến dịch trong khoảng ngày đã chọn.',
            )
          : plan.shortfallGroups
            ? shortfallGroupsList(context, plan.shortfallGroups)
            : h(
                'div',
                { class: 'shortfalls' },
                h('h3', null, `Chưa đạt chỉ tiêu (${shortfalls.length})`),
                h(
                  'ul',
                  null,
                  shortfalls.map((shortfall) =>
                    h('li', { 'data-testid': 'shortfall' }, shortfallText(context, shortfall)),
                  ),
                ),
              ),
        refusedItemsNote(
          plan.refusedItems.length,
          h(
            'a',
            {
              href: href('/lich', {
                view: 'week',
                date: plan.refusedItems[0]?.startsAt.slice(0, 10) ?? plan.from,
              }),
            },
            'Xem các mục trên lịch',
          ),
        ),
        policyLimitsNote(plan, windows),
        planTable(plan.items, windows, context),
      ),
    );
  };

  const preview = form(
    { class: 'card form-row', 'aria-label': 'Chọn chiến dịch và khoảng ngày' },
    [
      field('Chiến dịch', campaign),
      field('Từ ngày', from),
      field('Đến ngày', to),
      where?.element ?? null,
    ],
    'Xem trước (chạy thử)',
    (message) => runPreview(message),
  );
  // Only the latest dry run is shown (the one run on opening may answer after the operator's).
  let latest = 0;
  async function runPreview(message: MessageBox): Promise<void> {
    const problem = range.problem();
    if (problem !== null) return message.show(problem);
    const request = {
      campaign: campaign.value,
      from: from.value,
      to: to.value,
      zones: where?.zones(),
    };
    const run = ++latest;
    // What was shown answered other choices: it goes while this dry run runs.
    result.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Đang chạy thử kế hoạch…'));
    let plan: PlanResult;
    try {
      plan = await post<PlanResult>(`/communes/${commune}/schedule/plan`, {
        ...request,
        dryRun: true,
      });
    } catch (error) {
      if (run !== latest) return;
      result.replaceChildren();
      return message.show(range.refusal(error));
    }
    if (run !== latest) return;
    lastRequest = request;
    showResult(plan, false);
  }
  // With a running campaign and windows to fill, the dry run is what the operator came for: it
  // is shown at once (once the page is on screen), and applying it is the one step left.
  if (chosen?.status === 'running' && windowList.length > 0) {
    window.setTimeout(() => {
      if (!preview.form.isConnected) return;
      runPreview(preview.message).catch((error: unknown) => preview.message.showError(error));
    }, 0);
  }
  return {
    title: 'Kế hoạch chiến dịch',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Lập kế hoạch chiến dịch'),
      h(
        'p',
        { class: 'muted' },
        'Hệ thống tự xếp các bản tin đã duyệt vào khung giờ phát để đạt chỉ tiêu từng chủ đề. Bạn xem trước kết quả, rồi mới áp dụng.',
      ),
      noRunningCampaign(ordered),
      preview.form,
      result,
    ),
  };
}
