import { errorText, get, getBlob } from '../api.js';
import { AppContext } from '../context.js';
import { h } from '../dom.js';
import {
  addDays,
  dateRangeProblem,
  formatDate,
  formatNumber,
  formatSeconds,
  formatTimeSeconds,
  localDateOf,
  today,
} from '../format.js';
import {
  DISCREPANCY_DESCRIPTION,
  DISCREPANCY_LABEL,
  MISSED_CAUSE_LABEL,
  SOURCE_LABEL,
} from '../labels.js';
import { href, navigate, Page, RouteMatch } from '../router.js';
import type {
  Commune,
  DiscrepancyCode,
  ReconciliationLine,
  ReconciliationReport,
} from '../types.js';
import { saveBlob } from '../ui/audio-player.js';
import { field, form, select } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { stackOnPhone, tableHead } from '../ui/table.js';
import { dateInput, dateRangeCheck } from '../ui/date-input.js';

const PATH = '/doi-soat';
const PAGE_SIZE = 50;

/** The colour of a code: the as-run log's own badges. */
const CODE_CLASS: Record<DiscrepancyCode, string> = {
  'on-time': 'status-aired',
  late: 'status-partial',
  early: 'status-partial',
  short: 'status-partial',
  missed: 'status-missed',
  cancelled: 'status-cancelled',
  unscheduled: 'status-planned',
  pending: 'status-dispatched',
};

function codeBadge(code: DiscrepancyCode): HTMLElement {
  const description = DISCREPANCY_DESCRIPTION[code];
  return h(
    'span',
    { class: `badge ${CODE_CLASS[code]}`, ...(description ? { title: description } : {}) },
    DISCREPANCY_LABEL[code],
  );
}

function when(instant: string | null): string {
  return instant ? `${formatDate(localDateOf(instant))} ${formatTimeSeconds(instant)}` : '—';
}

function seconds(value: number | null): string {
  return value === null ? '—' : formatSeconds(value);
}

/** What the line's code means in numbers: "muộn 12,5 giây", "thiếu 20 giây", the cause. */
function detail(line: ReconciliationLine): HTMLElement[] {
  const parts: HTMLElement[] = [];
  const note = (text: string) => h('div', { class: 'small' }, text);
  if (line.lateBySeconds !== null) {
    parts.push(note(`Muộn ${formatNumber(line.lateBySeconds)} giây`));
  } else if (line.code === 'early' && line.offsetSeconds !== null) {
    parts.push(note(`Sớm ${formatNumber(-line.offsetSeconds)} giây`));
  }
  if (line.shortBySeconds !== null) {
    parts.push(note(`Thiếu ${formatNumber(line.shortBySeconds)} giây`));
  }
  if (line.causeCode) parts.push(note(MISSED_CAUSE_LABEL[line.causeCode]));
  // A tooltip is not read on a phone: the description is written out under the badge too.
  const description = DISCREPANCY_DESCRIPTION[line.code];
  if (description) parts.push(h('div', { class: 'muted small' }, description));
  if (line.cause) parts.push(h('div', { class: 'muted small' }, line.cause));
  if (line.devicesTargeted !== null) {
    parts.push(
      h(
        'div',
        { class: 'muted small' },
        `Cụm loa phát đủ: ${line.devicesAired ?? 0}/${line.devicesTargeted}`,
      ),
    );
  }
  if (line.replacesSeq !== null) {
    parts.push(h('div', { class: 'muted small' }, `Theo bản ghi đính chính số ${line.recordSeq}`));
  }
  return parts;
}

function linesTable(lines: readonly ReconciliationLine[]): HTMLElement {
  if (lines.length === 0) return emptyState('Không có mục nào trong khoảng ngày này.');
  const table = h(
    'table',
    { class: 'reconciliation' },
    tableHead([
      'Giờ theo lịch',
      'Bản tin',
      'Thời lượng theo lịch',
      'Giờ phát thực tế',
      'Đã phát',
      'Sai lệch',
      'Chi tiết',
      'Nguồn',
    ]),
    h(
      'tbody',
      null,
      lines.map((line) =>
        h(
          'tr',
          { 'data-testid': 'reconciliation-line', 'data-code': line.code },
          h('td', { class: 'nowrap' }, when(line.plannedStart)),
          h('td', null, line.title ?? '—'),
          h('td', { class: 'nowrap' }, seconds(line.plannedSeconds)),
          // A missed item's record carries its planned start: nothing aired then.
          h('td', { class: 'nowrap' }, line.code === 'missed' ? '—' : when(line.airedStart)),
          h('td', { class: 'nowrap' }, seconds(line.airedSeconds)),
          h('td', null, codeBadge(line.code)),
          h('td', null, detail(line)),
          h('td', null, line.source ? SOURCE_LABEL[line.source] : '—'),
        ),
      ),
    ),
  );
  return h('div', { class: 'table-wrap' }, stackOnPhone(table));
}

/** The totals per code; each row filters the table to its code. */
function totalsTable(report: ReconciliationReport, query: Record<string, string>): HTMLElement {
  const table = h(
    'table',
    { class: 'reconciliation-totals', 'aria-label': 'Tổng hợp theo loại sai lệch' },
    tableHead(['Sai lệch', 'Số mục', 'Thời lượng theo lịch', 'Thời lượng đã phát']),
    h(
      'tbody',
      null,
      report.totals.map((total) =>
        h(
          'tr',
          { 'data-testid': 'reconciliation-total', 'data-code': total.code },
          h(
            'td',
            null,
            total.count > 0
              ? h(
                  'a',
                  {
                    href: href(PATH, { ...query, code: total.code, page: undefined }),
                    'aria-current': report.code === total.code ? 'true' : undefined,
                  },
                  codeBadge(total.code),
                )
              : codeBadge(total.code),
          ),
          h('td', { class: 'num' }, String(total.count)),
          h('td', { class: 'nowrap' }, formatSeconds(total.plannedSeconds)),
          h('td', { class: 'nowrap' }, formatSeconds(total.airedSeconds)),
        ),
      ),
    ),
  );
  return h('div', { class: 'table-wrap' }, table);
}

function exportButtons(commune: string, query: Record<string, string>): HTMLElement {
  const download = (format: 'csv' | 'xlsx' | 'bxf', button: HTMLButtonElement): void => {
    button.disabled = true;
    const search = new URLSearchParams({ from: query.from, to: query.to, format });
    getBlob(`/reports/communes/${commune}/reconciliation?${search.toString()}`)
      .then(({ blob, fileName }) =>
        saveBlob(blob, fileName ?? `doi-soat_${commune}_${query.from}_${query.to}.${format}`),
      )
      .catch((error: unknown) => toast(errorText(error), 'error'))
      .finally(() => {
        button.disabled = false;
      });
  };
  const buttons = (
    [
      ['csv', 'Tải CSV'],
      ['xlsx', 'Tải Excel'],
      ['bxf', 'Tải nhật ký phát thanh BXF (XML)'],
    ] as const
  ).map(([format, label]) => {
    const button = h('button', { type: 'button', class: 'secondary' }, label);
    button.addEventListener('click', () => download(format, button));
    return button;
  });
  return h(
    'div',
    { class: 'export-buttons', role: 'group', 'aria-label': 'Xuất đối soát' },
    buttons,
  );
}

function pager(report: ReconciliationReport, query: Record<string, string>): HTMLElement | null {
  const pages = Math.max(1, Math.ceil(report.lineCount / report.pageSize));
  if (pages <= 1) return null;
  const link = (page: number, label: string) =>
    page < 1 || page > pages
      ? h('span', { class: 'button secondary small', 'aria-disabled': 'true' }, label)
      : h(
          'a',
          { href: href(PATH, { ...query, page: String(page) }), class: 'button secondary small' },
          label,
        );
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Trang' },
    link(report.page - 1, '← Trang trước'),
    h('span', { class: 'range-label' }, `Trang ${report.page}/${pages}`),
    link(report.page + 1, 'Trang sau →'),
  );
}

/** The communes a user may reconcile: their own, or their province's (admins: any province's). */
async function communesOf(context: AppContext, province: string): Promise<Commune[]> {
  if (context.commune) return [context.commune];
  return get<Commune[]>(`/communes?province=${province}`);
}

/**
 * Đối soát kế hoạch – thực tế: every item of a commune's program log beside what aired, with
 * the totals per discrepancy, paged, and the exports (CSV, Excel, BXF as-run).
 */
export async function reconciliationPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const province = context.user.provinceCode ?? match.query.get('province') ?? '38';
  const communes = await communesOf(context, province);
  const commune = context.user.communeCode ?? match.query.get('commune') ?? communes[0]?.code ?? '';
  const askedTo = match.query.get('to') ?? today();
  const asked = { from: match.query.get('from') ?? addDays(askedTo, -6), to: askedTo };
  // A range the API would refuse (a link so made) shows the last seven days, the asked dates
  // kept in their fields with what is wrong beside them, rather than no page at all.
  const refused = dateRangeProblem(asked.from, asked.to) !== null;
  const { from, to } = refused ? { to: today(), from: addDays(today(), -6) } : asked;
  const code = match.query.get('code') ?? undefined;
  const page = match.query.get('page') ?? '1';
  const query: Record<string, string> = { commune, from, to };

  const communeSelect = select(
    communes.map((item) => ({ value: item.code, label: item.name })),
    { value: commune, disabled: Boolean(context.user.communeCode) },
  );
  const fromInput = dateInput({ value: asked.from, required: true });
  const toInput = dateInput({ value: asked.to, required: true });
  const range = dateRangeCheck(fromInput, toInput);
  if (refused) range.ok();
  const filter = form(
    { 'aria-label': 'Chọn xã và khoảng ngày', class: 'inline-form' },
    [
      context.user.communeCode ? null : field('Xã, phường', communeSelect),
      field('Từ ngày', fromInput),
      field('Đến ngày', toInput),
      range.element,
    ],
    'Xem',
    async () => {
      if (!range.check()) return;
      navigate(PATH, {
        commune: communeSelect.value,
        from: fromInput.value,
        to: toInput.value,
      });
      await Promise.resolve();
    },
  );

  const body: (HTMLElement | null)[] = [];
  if (commune) {
    const search = new URLSearchParams({ from, to, page, pageSize: String(PAGE_SIZE) });
    if (code) search.set('code', code);
    const report = await get<ReconciliationReport>(
      `/reports/communes/${commune}/reconciliation?${search.toString()}`,
    );
    const filtered = { ...query, ...(code ? { code } : {}) };
    body.push(
      h(
        'p',
        null,
        `${report.communeName}, từ ${formatDate(report.from)} đến ${formatDate(report.to)}: `,
        `${report.totals.reduce((sum, total) => sum + total.count, 0)} mục, `,
        `theo lịch ${formatSeconds(report.plannedSeconds)}, đã phát ${formatSeconds(report.airedSeconds)}. `,
        `Đúng giờ khi lệch không quá ${formatNumber(report.toleranceSeconds)} giây.`,
      ),
      totalsTable(report, query),
      exportButtons(commune, query),
      report.code
        ? h(
            'p',
            null,
            `Đang lọc: ${DISCREPANCY_LABEL[report.code]} (${report.lineCount} mục). `,
            h('a', { href: href(PATH, query) }, 'Xem tất cả'),
          )
        : null,
      linesTable(report.lines),
      pager(report, filtered),
    );
  } else {
    body.push(emptyState('Chưa có xã, phường nào để đối soát.'));
  }
  return {
    title: 'Đối soát kế hoạch – thực tế',
    node: h(
      'section',
      null,
      h('h1', null, 'Đối soát kế hoạch – thực tế'),
      h(
        'p',
        null,
        'Mỗi mục của lịch phát sóng đặt cạnh điều đã phát theo nhật ký (đã tính các bản ghi đính chính), kèm loại sai lệch.',
      ),
      filter.form,
      body,
    ),
  };
}
