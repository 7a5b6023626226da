import { errorText, get, post } from '../api.js';
import { AppContext, topicName } from '../context.js';
import { h } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, formatSeconds } from '../format.js';
import { chainSummaryText } from '../labels.js';
import { href, navigate } from '../router.js';
import type { ComplianceReport, DayTopic, ProvinceSummary, UpliftReport } from '../types.js';
import { stackedBarChart } from '../ui/chart.js';
import { actionButton } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import type { ReportFilter } from './dashboard.js';
import { reportQuery } from './dashboard.js';

/** Minutes per topic per day, for the stacked chart. */
export function dailySeries(
  context: AppContext,
  topics: readonly string[],
  days: readonly { date: string; topics: DayTopic[] }[],
): { key: string; label: string; values: number[] }[] {
  return topics.map((topic) => ({
    key: topic,
    label: topicName(context, topic),
    values: days.map(
      (day) => (day.topics.find((entry) => entry.topic === topic)?.airedSeconds ?? 0) / 60,
    ),
  }));
}

function percentText(value: number): string {
  const sign = value > 0 ? '+' : '';
  return `${sign}${formatNumber(value)}%`;
}

function upliftCard(report: UpliftReport, filter: ReportFilter): HTMLElement {
  const totals = report.totals;
  const top = [...report.rows]
    .sort((a, b) => b.changeSeconds - a.changeSeconds)
    .slice(0, 5)
    .filter((row) => row.changeSeconds > 0);
  return h(
    'section',
    { class: 'card', 'data-testid': 'uplift' },
    h('h2', null, 'Mức tăng so với trước chiến dịch'),
    totals.changePercent === null
      ? h('p', { class: 'muted' }, 'Chưa có số liệu trước chiến dịch để so sánh.')
      : h(
          'p',
          { class: `tile-value ${totals.changeSeconds >= 0 ? 'up' : 'down'}` },
          percentText(totals.changePercent),
        ),
    h(
      'p',
      { class: 'small' },
      `Thời lượng tuyên truyền chiến dịch từ ${formatDate(report.from)} đến ${formatDate(report.to)}: ${formatSeconds(totals.airedSeconds)}, so với ${formatSeconds(totals.baselineSeconds)} trong cùng số ngày liền trước (${formatDate(report.baselineFrom)} – ${formatDate(report.baselineTo)}).`,
    ),
    h(
      'p',
      { class: 'small' },
      `${totals.communesUp} xã tăng · ${totals.communesDown} xã giảm · ${totals.communesUnchanged} xã không đổi`,
    ),
    top.length > 0
      ? h(
          'ol',
          { class: 'small' },
          top.map((row) =>
            h(
              'li',
              null,
              h(
                'a',
                {
                  href: href(`/bao-cao/xa/${row.communeCode}`, {
                    campaign: filter.campaign.code,
                    from: filter.from,
                    to: filter.to,
                  }),
                },
                row.communeName,
              ),
              `: +${formatSeconds(row.changeSeconds)}`,
            ),
          ),
        )
      : null,
  );
}

function chainCard(report: ComplianceReport, filter: ReportFilter): HTMLElement {
  const broken = report.communes.filter((commune) => commune.chain.ok === false);
  const unchecked = report.communes.reduce(
    (sum, commune) => sum + commune.chain.uncheckedRecords,
    0,
  );
  const checked = report.communes
    .map((commune) => commune.chain.checkedAt)
    .filter((value): value is string => value !== null)
    .sort();
  const lastChecked = checked[checked.length - 1];
  const summary = chainSummaryText(report.communes.map((commune) => commune.chain));
  const recheck = actionButton(
    'Kiểm tra lại ngay',
    async () => {
      const result = await post<{ checked: number; broken: string[] }>(
        `/reports/chain-checks?province=${filter.province}`,
      );
      toast(
        result.broken.length === 0
          ? `Đã kiểm tra ${result.checked} xã: mọi nhật ký đều toàn vẹn.`
          : `Đã kiểm tra ${result.checked} xã: ${result.broken.length} nhật ký bị can thiệp.`,
        result.broken.length === 0 ? 'success' : 'error',
      );
      navigate('/bao-cao', {
        campaign: filter.campaign.code,
        province: filter.province,
        from: filter.from,
        to: filter.to,
      });
    },
    (error) => toast(errorText(error), 'error'),
    { class: 'secondary small' },
  );
  return h(
    'section',
    { class: `card ${broken.length > 0 ? 'chain-broken' : ''}`, 'data-testid': 'chain-summary' },
    h('h2', null, 'Kiểm tra tính toàn vẹn nhật ký'),
    broken.length === 0
      ? h('p', { class: summary.checked > 0 ? 'chain chain-ok' : 'chain muted' }, summary.text)
      : h(
          'div',
          { role: 'alert' },
          h('p', null, h('strong', null, `${broken.length} xã có nhật ký không còn toàn vẹn:`)),
          h(
            'ul',
            null,
            broken.map((commune) =>
              h(
                'li',
                null,
                h(
                  'a',
                  {
                    href: href(`/bao-cao/xa/${commune.communeCode}`, {
                      campaign: filter.campaign.code,
                      from: filter.from,
                      to: filter.to,
                    }),
                  },
                  commune.communeName,
                ),
                `: chuỗi băm gãy tại bản ghi số ${commune.chain.brokenAtSeq ?? '?'}`,
              ),
            ),
          ),
        ),
    h(
      'p',
      { class: 'muted small' },
      lastChecked ? `Lần kiểm tra gần nhất: ${formatDateTime(lastChecked)}. ` : '',
      unchecked > 0
        ? lastChecked
          ? `${unchecked} bản ghi mới ghi sau lần kiểm tra đó. `
          : `${unchecked} bản ghi chưa được kiểm tra. `
        : '',
      recheck,
    ),
  );
}

/** The chart of daily airtime by topic, the uplift, and whose logs fail verification. */
export async function dashboardExtras(
  context: AppContext,
  filter: ReportFilter,
  report: ComplianceReport,
  slot: HTMLElement,
): Promise<void> {
  const topics = filter.campaign.rules.map((rule) => rule.topic);
  const query = reportQuery({ ...filter, from: report.from, to: report.to });
  // The uplift of the days that have ended: a running range's days still to come would count as
  // silence against the full days before it (−93 % after two days of thirty).
  const through = report.through;
  const [summary, uplift] = await Promise.allSettled([
    get<ProvinceSummary>(`/reports/summary?${query}`),
    through === null
      ? null
      : get<UpliftReport>(
          `/reports/uplift?${reportQuery({ ...filter, from: report.from, to: through })}`,
        ),
  ]);
  slot.replaceChildren(
    h(
      'div',
      { class: 'extras-grid' },
      h(
        'section',
        { class: 'card', 'data-testid': 'airtime-chart' },
        summary.status === 'fulfilled'
          ? summary.value.byDay.length > 0
            ? stackedBarChart(
                'Thời lượng thực phát mỗi ngày theo chủ đề (phút, cộng mọi xã)',
                summary.value.byDay.map((day) => day.date),
                dailySeries(context, topics, summary.value.byDay),
              )
            : emptyState('Chưa có số liệu phát trong khoảng ngày này.')
          : h('p', { class: 'message message-error' }, errorText(summary.reason)),
      ),
      h(
        'div',
        { class: 'extras-side' },
        uplift.status === 'rejected'
          ? h('p', { class: 'message message-error' }, errorText(uplift.reason))
          : uplift.value === null
            ? h(
                'section',
                { class: 'card', 'data-testid': 'uplift' },
                h('h2', null, 'Mức tăng so với trước chiến dịch'),
                h('p', { class: 'muted' }, 'Chưa tính: chưa có ngày nào của đợt này kết thúc.'),
              )
            : upliftCard(uplift.value, filter),
        chainCard(report, filter),
      ),
    ),
  );
}
