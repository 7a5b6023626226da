import { get, post } from '../api.js';
import { AppContext, hasRole } from '../context.js';
import { h } from '../dom.js';
import { formatDate } from '../format.js';
import { href, Page, RouteMatch } from '../router.js';
import type { Campaign, CommunePlanLine, ProvincePlanResult, ShortfallCause } from '../types.js';
import { field, form, select } from '../ui/form.js';
import { MessageBox, toast } from '../ui/notice.js';
import { confirmedApplyButton, planRangeFields } from './plan.js';
import { shortfallGroupText } from '../shortfall-text.js';
import { tableHead } from '../ui/table.js';

/** Why communes fall short, in a monitor's words (one commune's line says it in full). */
const CAUSE_SUMMARY: Record<ShortfallCause, string> = {
  'no-window':
    'không có khung giờ phát nào trong những ngày này (người vận hành của xã thêm ở trang “Khung giờ phát”)',
  'no-bulletin': 'thiếu bản tin đã duyệt, âm thanh sẵn sàng, cho một chủ đề của chiến dịch',
  'no-window-time': 'có khung giờ phát đã kín',
  'one-per-occurrence':
    'đã xếp mọi bản tin hiện có vào mọi khung giờ còn chỗ (mỗi bản tin một lần mỗi khung giờ)',
  'daily-play-limit': 'đã phát mỗi bản tin hiện có đủ số lần tối đa trong ngày',
  'policy-daily-limit': 'đã đạt tổng thời lượng phát tối đa trong ngày theo quy định phát sóng',
  past: 'có những ngày mà các khung giờ phát đã qua',
};

/**
 * How many communes each cause holds back, the most first: a province's first plan finds most
 * communes without windows or bulletins, which 166 lines would each say again. The library's
 * bulletins count for every commune: for a missing topic, the monitor can add one there.
 */
function causeSummary(context: AppContext, lines: readonly CommunePlanLine[]): HTMLElement | null {
  const communes = new Map<ShortfallCause, number>();
  for (const line of lines) {
    for (const cause of new Set(line.shortfallGroups.map((group) => group.cause))) {
      communes.set(cause, (communes.get(cause) ?? 0) + 1);
    }
  }
  if (communes.size === 0) return null;
  const library = hasRole(context, 'monitor');
  return h(
    'div',
    { 'data-testid': 'province-plan-causes' },
    h('h3', null, 'Vì sao các xã chưa đạt'),
    h(
      'ul',
      null,
      [...communes.entries()]
        .sort(([, a], [, b]) => b - a)
        .map(([cause, count]) =>
          h(
            'li',
            null,
            `${count} xã ${CAUSE_SUMMARY[cause]}`,
            cause === 'no-bulletin' && library
              ? [
                  ' — ',
                  h(
                    'a',
                    { href: href('/thu-vien/moi') },
                    'thêm bản tin vào thư viện tỉnh để mọi xã được xếp',
                  ),
                ]
              : null,
          ),
        ),
    ),
  );
}

/**
 * The items already on the communes' logs that the broadcast policy in force refuses, as the
 * commune's own plan says it (`refusedItemsNote`): how many, of how many communes, that the
 * loudspeakers will not play them nor count them, and who moves them; null when there are none.
 */
function refusedItemsSummary(lines: readonly CommunePlanLine[]): HTMLElement | null {
  const communes = lines.filter((line) => line.refusedItemCount > 0);
  if (communes.length === 0) return null;
  const items = communes.reduce((sum, line) => sum + line.refusedItemCount, 0);
  return h(
    'p',
    { class: 'policy-breach', role: 'note', 'data-testid': 'province-plan-refused' },
    h('strong', null, `⚠ ${items} mục phát của ${communes.length} xã vi phạm quy định phát sóng`),
    ' nên loa sẽ không phát và không được tính vào chỉ tiêu. Người vận hành của xã cần dời giờ hoặc huỷ các mục này: xem cột “Chỉ tiêu”.',
  );
}

/**
 * A commune's items the policy refuses, on its line: "⚠ 3 mục cần dời", a link to the commune's
 * program log (its drill-down marks them); null when there are none.
 */
function refusedItemsMark(line: CommunePlanLine, plan: ProvincePlanResult): HTMLElement | null {
  if (line.refusedItemCount === 0) return null;
  return h(
    'a',
    {
      class: 'policy-breach province-plan-refused',
      'data-testid': 'province-plan-refused-items',
      title:
        'Vi phạm quy định phát sóng: loa sẽ không phát và không được tính vào chỉ tiêu. Cần dời giờ hoặc huỷ.',
      href: href(`/bao-cao/xa/${line.communeCode}`, {
        campaign: plan.campaign,
        from: plan.from,
        to: plan.to,
      }),
    },
    `⚠ ${line.refusedItemCount} mục cần dời`,
  );
}

/** Whether a commune's line asks for nothing: its targets met, no item of it to move. */
const settled = (line: CommunePlanLine): boolean => line.met && line.refusedItemCount === 0;

/**
 * The communes' lines: those that need something done first (short of a target, or with items
 * the policy refuses: most of those first, then most groups), then by name.
 */
function communeRows(
  context: AppContext,
  plan: ProvincePlanResult,
  lines: readonly CommunePlanLine[],
): HTMLElement {
  const ordered = [...lines].sort(
    (a, b) =>
      Number(settled(a)) - Number(settled(b)) ||
      b.refusedItemCount - a.refusedItemCount ||
      b.shortfallGroups.length - a.shortfallGroups.length ||
      a.communeName.localeCompare(b.communeName, 'vi'),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'data-testid': 'province-plan-table' },
      tableHead(['Xã, phường', { label: 'Lượt phát mới', class: 'num' }, 'Chỉ tiêu', 'Còn thiếu']),
      h(
        'tbody',
        null,
        ordered.map((line) =>
          h(
            'tr',
            { 'data-testid': 'province-plan-row', 'data-commune': line.communeCode },
            h(
              'td',
              null,
              h('a', { href: href(`/bao-cao/xa/${line.communeCode}`) }, line.communeName),
            ),
            h('td', { class: 'num' }, String(line.itemCount)),
            h(
              'td',
              null,
              h(
                'span',
                { class: line.met ? 'badge badge-ok' : 'badge badge-warning' },
                line.met ? 'Đạt' : 'Chưa đạt',
              ),
              refusedItemsMark(line, plan),
            ),
            h(
              'td',
              null,
              // Folded: one line a commune; its shortfalls in full when opened.
              line.shortfallGroups.length === 0
                ? null
                : h(
                    'details',
                    { class: 'province-plan-details' },
                    h('summary', null, `${line.shortfallGroups.length} mục còn thiếu`),
                    h(
                      'ul',
                      { class: 'province-plan-gaps' },
                      line.shortfallGroups.map((group) =>
                        h('li', null, shortfallGroupText(context, group)),
                      ),
                    ),
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Kế hoạch cho các xã: the province's monitor plans every commune of the province at once when
 * a campaign starts (each commune as its own plan would: free window time, its bulletins and the
 * province library). A dry run first, a line a commune; applying it is a second, confirmed step.
 */
export async function provincePlanPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const range = planRangeFields(await get<Campaign[]>('/campaigns'), match.query);
  const { campaign, from, to } = range;
  const admin = hasRole(context, 'admin');
  const province = select(
    context.provinces.map((item) => ({ value: item.code, label: item.name })),
    { value: match.query.get('province') ?? context.user.provinceCode ?? undefined },
  );
  const result = h('div', { class: 'plan-result', 'aria-live': 'polite' });
  let lastRequest: { province: string; campaign: string; from: string; to: string } | null = null;

  const showResult = (plan: ProvincePlanResult, applied: boolean): void => {
    const communes = plan.communes.length;
    const receiving = plan.communes.filter((line) => line.itemCount > 0).length;
    const applyButton = confirmedApplyButton(
      `Áp dụng kế hoạch (${plan.itemCount} lượt phát cho ${receiving} xã)`,
      plan.itemCount > 0,
      {
        title: 'Áp dụng kế hoạch cho các xã?',
        body: `${plan.itemCount} lượt phát sẽ được thêm vào lịch phát sóng của ${receiving} xã từ ${formatDate(plan.from)} đến ${formatDate(plan.to)}. Người vận hành của mỗi xã thấy và có thể sửa các lượt phát này.`,
      },
      async () => {
        const request = lastRequest;
        if (!request) return;
        const { province: code, ...body } = request;
        const done = await post<ProvincePlanResult>(`/provinces/${code}/schedule/plan`, {
          ...body,
          dryRun: false,
        });
        toast(`Đã thêm ${done.itemCount} lượt phát vào lịch phát sóng của các xã.`);
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
          { 'data-testid': 'province-plan-summary' },
          `Từ ${formatDate(plan.from)} đến ${formatDate(plan.to)}: ${plan.itemCount} lượt phát mới cho ${receiving}/${communes} xã; ${plan.metCount}/${communes} xã đạt đủ chỉ tiêu${applied ? '' : ' nếu áp dụng'}.`,
        ),
        applied
          ? null
          : h(
              'div',
              { class: 'actions sticky-actions' },
              applyButton,
              h(
                'span',
                { class: 'muted' },
                'Xã chưa đạt cần thêm bản tin hoặc khung giờ phát: xem cột “Còn thiếu”.',
              ),
            ),
        causeSummary(context, plan.communes),
        refusedItemsSummary(plan.communes),
        communeRows(context, plan, plan.communes),
      ),
    );
  };

  async function runPreview(message: MessageBox): Promise<void> {
    const problem = range.problem();
    if (problem !== null) return message.show(problem);
    const request = {
      province: admin ? province.value : (context.user.provinceCode ?? ''),
      campaign: campaign.value,
      from: from.value,
      to: to.value,
    };
    result.replaceChildren(
      h('p', { class: 'muted', role: 'status' }, 'Đang chạy thử kế hoạch cho các xã…'),
    );
    let plan: ProvincePlanResult;
    try {
      const { province: code, ...body } = request;
      plan = await post<ProvincePlanResult>(`/provinces/${code}/schedule/plan`, {
        ...body,
        dryRun: true,
      });
    } catch (error) {
      result.replaceChildren();
      return message.show(range.refusal(error));
    }
    lastRequest = request;
    showResult(plan, false);
  }

  const preview = form(
    { class: 'card form-row', 'aria-label': 'Chọn chiến dịch và khoảng ngày' },
    [
      admin ? field('Tỉnh, thành phố', province) : null,
      field('Chiến dịch', campaign),
      field('Từ ngày', from),
      field('Đến ngày', to),
    ],
    'Xem trước (chạy thử)',
    (message) => runPreview(message),
  );
  return {
    title: 'Kế hoạch cho các xã',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Lập kế hoạch cho các xã'),
      h(
        'p',
        { class: 'muted' },
        'Khi chiến dịch bắt đầu, hệ thống xếp bản tin đã duyệt của từng xã và thư viện của tỉnh vào khung giờ phát còn trống của mọi xã trong tỉnh, như mỗi xã tự lập kế hoạch. Các lượt phát đã có được giữ nguyên. Bạn xem trước kết quả từng xã, rồi mới áp dụng.',
      ),
      preview.form,
      result,
    ),
  };
}
