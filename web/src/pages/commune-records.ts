import { get } from '../api.js';
import { AppContext, topicName } from '../context.js';
import { h } from '../dom.js';
import { formatDate, formatNumber, formatSeconds } from '../format.js';
import { OUTCOME_LABEL, SOURCE_LABEL } from '../labels.js';
import { href, navigate, RouteMatch } from '../router.js';
import type { ChainVerdict, RecordsPage } from '../types.js';
import { dateInput } from '../ui/date-input.js';
import { field, select } from '../ui/form.js';
import { chainBadge, recordsTable } from './playout.js';

/** Records per page of the drill-down. */
export const RECORDS_PAGE = 50;

/** The drill-down's record filters in the page's query (prefixed: the page has other forms). */
const KEYS = { date: 'rDate', topic: 'rTopic', outcome: 'rOutcome', source: 'rSource' } as const;
type FilterName = keyof typeof KEYS;

/**
 * A commune's as-run records over the report's range, a page at a time from the server, narrowed
 * by day, topic, outcome and source: a month holds a thousand records and more.
 */
export async function communeRecords(
  context: AppContext,
  commune: string,
  range: { from: string; to: string },
  topics: readonly string[],
  match: RouteMatch,
  path: string,
): Promise<HTMLElement> {
  const chosen = Object.fromEntries(
    Object.entries(KEYS).map(([name, key]) => [name, match.query.get(key) ?? '']),
  ) as Record<FilterName, string>;
  const offset = Math.max(0, Number(match.query.get('rOffset') ?? 0) || 0);
  const query = new URLSearchParams({
    from: range.from,
    to: range.to,
    limit: String(RECORDS_PAGE),
    offset: String(offset),
  });
  for (const name of Object.keys(KEYS) as FilterName[]) {
    if (chosen[name]) query.set(name, chosen[name]);
  }
  const [page, verdict] = await Promise.all([
    get<RecordsPage>(`/reports/communes/${commune}/records?${query.toString()}`),
    get<ChainVerdict>(`/communes/${commune}/playout-log/verify`),
  ]);
  const go = (changes: Record<string, string | undefined>): string =>
    href(path, { ...Object.fromEntries(match.query), ...changes });

  const day = dateInput({ value: chosen.date, name: 'rDate' });
  const any = { value: '', label: 'Tất cả' };
  const topic = select(
    [any, ...topics.map((code) => ({ value: code, label: topicName(context, code) }))],
    { value: chosen.topic },
  );
  const outcome = select(
    [any, ...Object.entries(OUTCOME_LABEL).map(([value, label]) => ({ value, label }))],
    { value: chosen.outcome },
  );
  const source = select(
    [any, ...Object.entries(SOURCE_LABEL).map(([value, label]) => ({ value, label }))],
    { value: chosen.source },
  );
  const filters = h(
    'form',
    {
      class: 'toolbar records-filters',
      'aria-label': 'Lọc nhật ký',
      onSubmit: (event: Event) => {
        event.preventDefault();
        navigate(path, {
          ...Object.fromEntries(match.query),
          rDate: day.value || undefined,
          rTopic: topic.value || undefined,
          rOutcome: outcome.value || undefined,
          rSource: source.value || undefined,
          rOffset: undefined,
        });
      },
    },
    field('Ngày', day),
    field('Chủ đề', topic),
    field('Kết quả', outcome),
    field('Nguồn', source),
    h('button', { type: 'submit', class: 'secondary' }, 'Lọc'),
  );
  const first = page.total === 0 ? 0 : offset + 1;
  const last = offset + page.records.length;
  const pager = (where: string): HTMLElement =>
    h(
      'nav',
      { class: 'pager', 'aria-label': `Trang nhật ký (${where})` },
      offset > 0
        ? h(
            'a',
            {
              class: 'button secondary small',
              href: go({ rOffset: String(Math.max(0, offset - RECORDS_PAGE)) || undefined }),
            },
            '← Trước',
          )
        : null,
      h(
        'span',
        { class: 'muted', 'data-testid': 'records-range' },
        `Bản ghi ${formatNumber(first)}–${formatNumber(last)} / ${formatNumber(page.total)}`,
      ),
      last < page.total
        ? h('a', { class: 'button secondary small', href: go({ rOffset: String(last) }) }, 'Sau →')
        : null,
    );
  return h(
    'section',
    { class: 'card commune-records' },
    h('h2', null, 'Nhật ký phát thanh'),
    chainBadge(verdict),
    filters,
    h(
      'p',
      { class: 'muted' },
      `${formatNumber(page.total)} bản ghi khớp bộ lọc từ ${formatDate(range.from)} đến ${formatDate(range.to)}` +
        `${chosen.date ? ` (ngày ${formatDate(chosen.date)})` : ''}; tính vào báo cáo: ${formatSeconds(page.airedSeconds)}, ${formatNumber(page.plays)} lượt.`,
    ),
    afterBreakNote(page),
    pager('đầu'),
    recordsTable(context, page.records, (record) => record.afterBreak),
    page.records.length > 20 ? pager('cuối') : null,
  );
}

/**
 * When the chain is broken: which records it no longer vouches for, what of the sums comes from
 * them, and the part that stays verified.
 */
function afterBreakNote(page: RecordsPage): HTMLElement | null {
  if (page.chain.ok !== false || page.chain.brokenAtSeq === null) return null;
  const { afterBreak } = page;
  const trusted = Math.max(0, page.airedSeconds - afterBreak.airedSeconds);
  return h(
    'p',
    { class: 'chain chain-broken', role: 'note', 'data-testid': 'records-after-break' },
    `Chuỗi băm gãy tại bản ghi số ${formatNumber(page.chain.brokenAtSeq)}: các bản ghi từ số này trở đi (được đánh dấu) không còn được kiểm chứng, số liệu trên bảng này đọc theo nội dung hiện tại của chúng. `,
    afterBreak.records > 0
      ? `Trong số liệu trên, ${formatNumber(afterBreak.records)} bản ghi sau chỗ gãy chiếm ${formatSeconds(afterBreak.airedSeconds)}, ${formatNumber(afterBreak.plays)} lượt; phần còn được kiểm chứng: ${formatSeconds(trusted)}, ${formatNumber(page.plays - afterBreak.plays)} lượt. `
      : 'Các bản ghi khớp bộ lọc đều nằm trước chỗ gãy. ',
    'Bảng tổng hợp theo ngày tính theo nội dung bản ghi lúc được ghi vào nhật ký.',
  );
}
