import { errorText, get, getBlob } from '../api.js';
import { AppContext, isCommuneUser, topicName } from '../context.js';
import { h } from '../dom.js';
import { Cell, cellParts } from '../compliance-cell.js';
import { dateRangeProblem, formatDate, formatPercent, formatSeconds } from '../format.js';
import { href, navigate, Page, RouteMatch } from '../router.js';
import type {
  Campaign,
  CommuneCompliance,
  ComplianceReport,
  ComplianceRow,
  RangeProgress,
} from '../types.js';
import { saveBlob } from '../ui/audio-player.js';
import { field, input, select } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { dashboardExtras } from './dashboard-extras.js';
import { operatorHomePage } from './operator-home.js';
import { dateInput, dateRangeCheck } from '../ui/date-input.js';
import { tableHead } from '../ui/table.js';

export interface ReportFilter {
  campaign: Campaign;
  province: string;
  from: string;
  to: string;
}

export function reportQuery(filter: ReportFilter, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    campaign: filter.campaign.code,
    province: filter.province,
    from: filter.from,
    to: filter.to,
    ...extra,
  }).toString();
}

/** The rows with their targets to date (from each commune's `toDate`, by topic). */
export function cellsOf(
  rows: readonly ComplianceRow[],
  communes: readonly CommuneCompliance[],
): Cell[] {
  const toDate = new Map(
    communes.flatMap((commune) =>
      commune.toDate.map((target) => [`${commune.communeCode}|${target.topic}`, target] as const),
    ),
  );
  return rows.map((row) => ({
    ...row,
    toDate: toDate.get(`${row.communeCode}|${row.topic}`) ?? {
      topic: row.topic,
      requiredSeconds: row.requiredSeconds,
      requiredPlays: row.requiredPlays,
      met: row.met,
    },
  }));
}

/** How far a cell is towards its target to date: 1 when met, its lower ratio otherwise. */
export function progressOf(cell: Cell): number {
  const target = cell.toDate;
  if (target.met) return 1;
  return Math.min(
    target.requiredSeconds > 0 ? cell.airedSeconds / target.requiredSeconds : 1,
    target.requiredPlays > 0 ? cell.plays / target.requiredPlays : 1,
  );
}

/** The cell's colour class against the target to date: met, nearly (half or more), far. */
export function cellClass(cell: Cell): string {
  if (cell.toDate.met) return 'cell-met';
  return progressOf(cell) >= 0.5 ? 'cell-near' : 'cell-short';
}

/**
 * Whether a range has targets to judge yet: on a campaign's first day no day has ended, every
 * target to date is nothing, and "met" would say nothing true.
 */
export function judged(report: RangeProgress): boolean {
  return report.through !== null;
}

/** A cell as read: its colour, its mark (for those who do not see the colour) and its word. */
export function cellState(
  cell: Cell,
  isJudged: boolean,
): { class: string; mark: string; word: string } {
  if (!isJudged) return { class: 'cell-pending', mark: '–', word: 'Chưa tính' };
  return cell.toDate.met
    ? { class: cellClass(cell), mark: '✓', word: 'Đạt' }
    : { class: cellClass(cell), mark: '✗', word: 'Chưa đạt' };
}

/** A line saying how much of a running range the numbers cover; null once it is over. */
export function progressNote(report: RangeProgress): string | null {
  if (report.daysPassed >= report.days) return null;
  if (report.through === null) {
    return 'Đợt này mới bắt đầu: chưa có ngày nào kết thúc, chưa tính chỉ tiêu.';
  }
  return `Đang diễn ra: đã qua ${report.daysPassed}/${report.days} ngày (đến hết ${formatDate(report.through)}); chỉ tiêu được tính theo số ngày đã qua.`;
}

interface CommuneRow {
  code: string;
  name: string;
  cells: Map<string, Cell>;
  metAll: boolean;
  /** The lowest progress to date of its topics (0 … 1). */
  progress: number;
}

/** The grid's rows: the report's communes, each with its cells by topic. */
function byCommune(report: ComplianceReport): CommuneRow[] {
  const cells = new Map<string, Map<string, Cell>>();
  for (const row of cellsOf(report.rows, report.communes)) {
    const topics = cells.get(row.communeCode) ?? new Map<string, Cell>();
    topics.set(row.topic, row);
    cells.set(row.communeCode, topics);
  }
  return report.communes.map((commune) => {
    const own = cells.get(commune.communeCode) ?? new Map<string, Cell>();
    return {
      code: commune.communeCode,
      name: commune.communeName,
      cells: own,
      metAll: commune.metAllToDate,
      progress: Math.min(1, ...[...own.values()].map(progressOf)),
    };
  });
}

export const SORTS = { worst: 'Chậm nhất trước', best: 'Tốt nhất trước', name: 'Theo tên' };
export type SortName = keyof typeof SORTS;

function sortCommunes(communes: CommuneRow[], sort: SortName): CommuneRow[] {
  const byName = (a: CommuneRow, b: CommuneRow): number => a.name.localeCompare(b.name, 'vi');
  if (sort === 'name') return communes.sort(byName);
  const sign = sort === 'worst' ? 1 : -1;
  return communes.sort((a, b) => sign * (a.progress - b.progress) || byName(a, b));
}

/** The progress band of a commune for the overview's colours (tenths, 0 … 10). */
function band(progress: number): number {
  return Math.max(0, Math.min(10, Math.floor(progress * 10)));
}

/**
 * The whole province in one block: a small tile per commune, coloured by its progress to date,
 * a link to the commune; the order of the grid below.
 */
function overview(
  filter: ReportFilter,
  communes: readonly CommuneRow[],
  isJudged: boolean,
): HTMLElement {
  const met = communes.filter((commune) => commune.metAll).length;
  return h(
    'section',
    { class: 'card overview', 'aria-label': 'Toàn tỉnh' },
    h(
      'div',
      { class: 'section-head' },
      h(
        'h2',
        null,
        isJudged
          ? `Toàn tỉnh: ${met}/${communes.length} xã đạt tiến độ`
          : 'Toàn tỉnh: chưa tính tiến độ (đợt mới bắt đầu)',
      ),
      h(
        'div',
        { class: 'legend', 'aria-hidden': 'true' },
        h('span', { class: 'legend-item overview-0' }, 'Chưa phát'),
        h('span', { class: 'legend-item overview-5' }, 'Một nửa'),
        h('span', { class: 'legend-item overview-10' }, 'Đạt'),
      ),
    ),
    h(
      'ul',
      { class: 'overview-grid', 'data-testid': 'province-overview' },
      communes.map((commune) =>
        h(
          'li',
          null,
          h(
            'a',
            {
              class: `overview-tile ${isJudged ? `overview-${band(commune.progress)}` : 'overview-pending'}`,
              href: href(`/bao-cao/xa/${commune.code}`, {
                campaign: filter.campaign.code,
                from: filter.from,
                to: filter.to,
              }),
              title: isJudged
                ? `${commune.name}: ${formatPercent(commune.progress)} chỉ tiêu đến nay`
                : `${commune.name}: chưa tính`,
              'aria-label': isJudged
                ? `${commune.name}: ${formatPercent(commune.progress)}`
                : `${commune.name}: chưa tính`,
            },
            '',
          ),
        ),
      ),
    ),
  );
}

function grid(
  context: AppContext,
  filter: ReportFilter,
  communes: readonly CommuneRow[],
  topics: readonly string[],
  isJudged: boolean,
): HTMLElement {
  if (communes.length === 0) return emptyState('Không có xã nào khớp bộ lọc.');
  return h(
    'div',
    { class: 'table-wrap grid-wrap' },
    h(
      'table',
      { class: 'compliance-grid', 'data-testid': 'compliance-grid' },
      h(
        'caption',
        { class: 'sr-only' },
        'Mức đạt chỉ tiêu theo xã và chủ đề: thời lượng đã phát trên thời lượng yêu cầu, số lượt phát trên số lượt yêu cầu.',
      ),
      tableHead(['Xã, phường', ...topics.map((topic) => topicName(context, topic))]),
      h(
        'tbody',
        null,
        communes.map((commune) =>
          h(
            'tr',
            { 'data-progress': String(commune.progress) },
            h(
              'th',
              { scope: 'row' },
              h(
                'a',
                {
                  href: href(`/bao-cao/xa/${commune.code}`, {
                    campaign: filter.campaign.code,
                    from: filter.from,
                    to: filter.to,
                  }),
                },
                commune.name,
              ),
            ),
            topics.map((topic) => {
              const row = commune.cells.get(topic);
              if (!row) return h('td', { class: 'cell-none' }, '—');
              const state = cellState(row, isJudged);
              return h(
                'td',
                {
                  class: `cell ${state.class}`,
                  title: `${commune.name} · ${topicName(context, topic)}`,
                },
                h('span', { class: 'cell-mark', 'aria-hidden': 'true' }, state.mark),
                h('span', { class: 'sr-only' }, `${state.word}: `),
                // A narrow column breaks the words between their pieces, never inside one.
                cellParts(row).map((part, index) => [
                  index > 0 ? ' ' : null,
                  h('span', { class: 'cell-part' }, part),
                ]),
              );
            }),
          ),
        ),
      ),
    ),
  );
}

function tiles(report: ComplianceReport, isJudged: boolean): HTMLElement {
  const communes = report.communes;
  const metAll = communes.filter((commune) => commune.metAllToDate).length;
  const cellsMet = report.communes.reduce((sum, commune) => sum + commune.topicsMetToDate, 0);
  const aired = communes.reduce((sum, commune) => sum + commune.campaignSeconds, 0);
  const broken = communes.filter((commune) => commune.chain.ok === false).length;
  return h(
    'div',
    { class: 'tiles' },
    h(
      'div',
      { class: 'tile', 'data-testid': 'tile-met' },
      h('span', { class: 'tile-value' }, isJudged ? `${metAll}/${communes.length}` : '—'),
      h(
        'span',
        { class: 'tile-label' },
        !isJudged
          ? 'xã đạt tiến độ: chưa tính, chưa có ngày nào kết thúc'
          : report.daysPassed < report.days
            ? 'xã đạt tiến độ mọi chủ đề đến nay'
            : 'xã đạt đủ chỉ tiêu mọi chủ đề',
      ),
    ),
    h(
      'div',
      { class: 'tile' },
      h(
        'span',
        { class: 'tile-value' },
        isJudged && report.rows.length ? formatPercent(cellsMet / report.rows.length) : '—',
      ),
      h('span', { class: 'tile-label' }, 'ô xã × chủ đề đã đạt'),
    ),
    h(
      'div',
      { class: 'tile' },
      h('span', { class: 'tile-value' }, formatSeconds(aired)),
      h('span', { class: 'tile-label' }, 'thời lượng tuyên truyền chiến dịch đã phát'),
    ),
    h(
      'div',
      { class: `tile${broken > 0 ? ' tile-alert' : ''}` },
      h('span', { class: 'tile-value' }, String(broken)),
      h('span', { class: 'tile-label' }, 'xã có nhật ký bị can thiệp'),
    ),
  );
}

function exportButtons(filter: ReportFilter): HTMLElement {
  const download = (format: 'csv' | 'xlsx', button: HTMLButtonElement): void => {
    button.disabled = true;
    getBlob(`/reports/compliance?${reportQuery(filter, { format })}`)
      .then(({ blob, fileName }) =>
        saveBlob(
          blob,
          fileName ?? `bao-cao-tuan-thu-${filter.campaign.code}-${filter.province}.${format}`,
        ),
      )
      .catch((error: unknown) => toast(errorText(error), 'error'))
      .finally(() => {
        button.disabled = false;
      });
  };
  const csv = h('button', { type: 'button', class: 'secondary' }, 'Tải CSV');
  const xlsx = h('button', { type: 'button', class: 'secondary' }, 'Tải Excel');
  csv.addEventListener('click', () => download('csv', csv));
  xlsx.addEventListener('click', () => download('xlsx', xlsx));
  return h(
    'div',
    { class: 'export-buttons', role: 'group', 'aria-label': 'Xuất báo cáo' },
    csv,
    xlsx,
  );
}

/**
 * Báo cáo tuân thủ: the province at a glance, commune × topic, with drill-down and exports. A
 * commune's user gets the commune's week instead (operator-home.ts).
 */
export async function dashboardPage(context: AppContext, match: RouteMatch): Promise<Page> {
  // A commune's user sees its own week against the targets, not the province's grid.
  if (isCommuneUser(context)) return operatorHomePage(context, match);
  const province = context.user.provinceCode ?? match.query.get('province') ?? '38';
  // A province is judged by the national campaigns and its own.
  const campaigns = (await get<Campaign[]>('/campaigns'))
    .filter((item) => item.provinceCode === null || item.provinceCode === province)
    .sort((a, b) => b.startsOn.localeCompare(a.startsOn));
  if (campaigns.length === 0) {
    return {
      title: 'Báo cáo tuân thủ',
      node: h(
        'div',
        { class: 'page' },
        h('h1', null, 'Báo cáo tuân thủ'),
        emptyState('Chưa có chiến dịch nào.'),
      ),
    };
  }
  const campaign =
    campaigns.find((item) => item.code === match.query.get('campaign')) ?? campaigns[0];
  const asked = {
    from: match.query.get('from') ?? campaign.startsOn,
    to: match.query.get('to') ?? campaign.endsOn,
  };
  // A range the API would refuse (a link so made) shows the campaign's, the asked dates kept in
  // their fields with what is wrong beside them, rather than no page at all.
  const refused = dateRangeProblem(asked.from, asked.to) !== null;
  const filter: ReportFilter = {
    campaign,
    province,
    ...(refused ? { from: campaign.startsOn, to: campaign.endsOn } : asked),
  };
  const onlyShort = match.query.get('short') === '1';
  const sortParam = match.query.get('sort');
  const sort: SortName = sortParam && sortParam in SORTS ? (sortParam as SortName) : 'worst';
  const search = (match.query.get('q') ?? '').trim();
  const report = await get<ComplianceReport>(`/reports/compliance?${reportQuery(filter)}`);
  const isJudged = judged(report);
  const topics = campaign.rules.map((rule) => rule.topic);
  const all = sortCommunes(byCommune(report), sort);
  const needle = search.normalize('NFC').toLowerCase();
  const shown = all.filter(
    (commune) =>
      (!onlyShort || !commune.metAll) && (!needle || commune.name.toLowerCase().includes(needle)),
  );

  const campaignSelect = select(
    campaigns.map((item) => ({ value: item.code, label: item.name })),
    { value: campaign.code, name: 'campaign' },
  );
  const provinceSelect = select(
    context.provinces.map((item) => ({ value: item.code, label: item.name })),
    { value: province, name: 'province', disabled: Boolean(context.user.provinceCode) },
  );
  const from = dateInput({ value: refused ? asked.from : report.from, name: 'from' });
  const to = dateInput({ value: refused ? asked.to : report.to, name: 'to' });
  const range = dateRangeCheck(from, to);
  if (refused) range.ok();
  const query = input({ type: 'search', value: search, name: 'q', placeholder: 'Tên xã, phường' });
  const short = h('input', { type: 'checkbox', checked: onlyShort, name: 'short' });
  const sortSelect = select(
    Object.entries(SORTS).map(([value, label]) => ({ value, label })),
    { value: sort, name: 'sort' },
  );
  // Ticking "only failing" or choosing an order shows it at once (no second click on the button).
  const applyNow = (): void => filters.requestSubmit();
  short.addEventListener('change', applyNow);
  sortSelect.addEventListener('change', applyNow);
  const filters: HTMLFormElement = h(
    'form',
    {
      class: 'filters card',
      'aria-label': 'Bộ lọc báo cáo',
      onSubmit: (event: Event) => {
        event.preventDefault();
        const changedCampaign = campaignSelect.value !== campaign.code;
        // A new campaign starts on its own range; the dates typed are for this one.
        if (!changedCampaign && !range.check()) return;
        navigate('/bao-cao', {
          campaign: campaignSelect.value,
          province: context.user.provinceCode ? undefined : provinceSelect.value,
          from: changedCampaign ? undefined : from.value,
          to: changedCampaign ? undefined : to.value,
          q: query.value.trim() || undefined,
          short: short.checked ? '1' : undefined,
          sort: sortSelect.value === 'worst' ? undefined : sortSelect.value,
        });
      },
    },
    field('Chiến dịch', campaignSelect),
    field('Tỉnh, thành phố', provinceSelect),
    field('Từ ngày', from),
    field('Đến ngày', to),
    range.element,
    field('Tìm xã', query),
    field('Sắp xếp', sortSelect),
    h('label', { class: 'check' }, short, ' Chỉ xã chưa đạt'),
    h('button', { type: 'submit', class: 'primary' }, 'Xem báo cáo'),
  );
  const extras = h('div', { class: 'dashboard-extras' });
  void dashboardExtras(context, { ...filter, from: report.from, to: report.to }, report, extras);
  return {
    title: 'Báo cáo tuân thủ',
    node: h(
      'div',
      { class: 'page page-dashboard' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Báo cáo tuân thủ'),
        exportButtons({ ...filter, from: report.from, to: report.to }),
      ),
      h(
        'p',
        { class: 'muted' },
        `${campaign.name} · ${context.provinces.find((item) => item.code === province)?.fullName ?? province} · từ ${formatDate(report.from)} đến ${formatDate(report.to)}. Số liệu lấy từ nhật ký phát thanh (thực phát), không phải lịch dự kiến.`,
      ),
      progressNote(report)
        ? h('p', { class: 'progress-note', 'data-testid': 'progress-note' }, progressNote(report))
        : null,
      filters,
      tiles(report, isJudged),
      overview(filter, all, isJudged),
      extras,
      h(
        'section',
        { class: 'grid-section' },
        h(
          'div',
          { class: 'section-head' },
          h('h2', null, `Xã × chủ đề (${shown.length}/${all.length} xã)`),
          h(
            'div',
            { class: 'legend', 'aria-hidden': 'true' },
            h('span', { class: 'legend-item cell-met' }, 'Đạt'),
            h('span', { class: 'legend-item cell-near' }, 'Đạt từ một nửa'),
            h('span', { class: 'legend-item cell-short' }, 'Dưới một nửa'),
          ),
        ),
        grid(context, filter, shown, topics, isJudged),
      ),
    ),
  };
}
