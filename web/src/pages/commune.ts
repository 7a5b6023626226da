import { get } from '../api.js';
import { AppContext, topicName } from '../context.js';
import { h } from '../dom.js';
import { dateRangeProblem, formatDate, formatNumber, formatSeconds, today } from '../format.js';
import { href, Page, RouteMatch } from '../router.js';
import type { Campaign, CommuneDetail } from '../types.js';
import { stackedBarChart } from '../ui/chart.js';
import { emptyState } from '../ui/notice.js';
import { dailySeries } from './dashboard-extras.js';
import { communeRecords } from './commune-records.js';
import { cellText } from '../compliance-cell.js';
import { cellsOf, cellState, judged, progressNote } from './dashboard.js';
import { programLogView } from './schedule.js';

const CAMPAIGN_STATUS_TEXT: Record<CommuneDetail['summary']['campaign']['status'], string> = {
  'not-started': 'Chiến dịch chưa bắt đầu',
  'on-track': 'Đang đạt tiến độ',
  behind: 'Đang chậm tiến độ',
  met: 'Đã đạt chỉ tiêu chiến dịch',
  'not-met': 'Không đạt chỉ tiêu chiến dịch',
};

/**
 * A commune seen from the province (drill-down): its targets and daily airtime for the campaign,
 * its program log and its as-run log, read-only.
 */
export async function communePage(context: AppContext, match: RouteMatch): Promise<Page> {
  const code = match.params.code;
  const campaigns = (await get<Campaign[]>('/campaigns')).sort((a, b) =>
    b.startsOn.localeCompare(a.startsOn),
  );
  const campaign =
    campaigns.find((item) => item.code === match.query.get('campaign')) ?? campaigns[0];
  if (!campaign) {
    return {
      title: 'Xã',
      node: h('div', { class: 'page' }, emptyState('Chưa có chiến dịch nào.')),
    };
  }
  const query = new URLSearchParams({ campaign: campaign.code });
  const from = match.query.get('from');
  const to = match.query.get('to');
  // A range the API would refuse (a link so made) shows the campaign's, and says why.
  const refusal = dateRangeProblem(from ?? campaign.startsOn, to ?? campaign.endsOn);
  if (from && !refusal) query.set('from', from);
  if (to && !refusal) query.set('to', to);
  const detail = await get<CommuneDetail>(`/reports/communes/${code}?${query.toString()}`);
  const topics = campaign.rules.map((rule) => rule.topic);
  const path = `/bao-cao/xa/${code}`;
  // The as-run log of the report's range, a page at a time.
  const [schedule, log] = await Promise.all([
    // The program log opens on the report's range: today's week while it runs, else its last
    // (or, not started, its first) week: today held within the range, the middle of the three.
    programLogView(context, code, match, {
      editable: false,
      path,
      firstDate: [detail.from, today(), detail.to].sort()[1],
    }),
    communeRecords(context, code, detail, topics, match, path),
  ]);
  const note = progressNote(detail);
  const isJudged = judged(detail);
  const summary = detail.summary;
  return {
    title: detail.communeName,
    node: h(
      'div',
      { class: 'page' },
      h(
        'p',
        { class: 'breadcrumb' },
        h(
          'a',
          { href: href('/bao-cao', { campaign: campaign.code, from: detail.from, to: detail.to }) },
          '← Báo cáo tuân thủ',
        ),
      ),
      h('h1', null, detail.communeName),
      refusal
        ? h(
            'p',
            { class: 'message message-error', role: 'alert', 'data-testid': 'date-range-problem' },
            `${refusal}: đang xem cả chiến dịch.`,
          )
        : null,
      note ? h('p', { class: 'progress-note', 'data-testid': 'progress-note' }, note) : null,
      h(
        'p',
        { class: 'muted' },
        `${campaign.name} · từ ${formatDate(detail.from)} đến ${formatDate(detail.to)} · ` +
          (isJudged || summary.campaign.status === 'not-started'
            ? `${CAMPAIGN_STATUS_TEXT[summary.campaign.status]} (${summary.campaign.topicsMet}/${summary.campaign.topicsRequired} chủ đề).`
            : 'Chưa tính tiến độ: chưa có ngày nào kết thúc.'),
        ' ',
        h(
          'a',
          { href: href('/doi-soat', { commune: code, from: detail.from, to: detail.to }) },
          'Đối soát kế hoạch – thực tế',
        ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Chỉ tiêu theo chủ đề'),
        h(
          'ul',
          { class: 'topic-status' },
          cellsOf(detail.rows, [summary]).map((row) => {
            const state = cellState(row, isJudged);
            return h(
              'li',
              { class: `cell ${state.class}` },
              h('strong', null, topicName(context, row.topic)),
              h('span', null, `${state.word} · ${cellText(row)}`),
            );
          }),
        ),
        h(
          'p',
          { class: 'small' },
          `Tổng thời lượng tuyên truyền chiến dịch: ${formatSeconds(summary.campaignSeconds)}. Số ngày dưới mức tối thiểu ${formatSeconds(detail.minDailySeconds, 'up')}/ngày: ${summary.daysBelowMinimum}/${detail.daysPassed} ngày đã qua.` +
            (summary.coverage.percent === null
              ? ''
              : ` Độ phủ cụm loa: ${summary.coverage.aired}/${summary.coverage.targeted} lượt cụm phát đủ (${formatNumber(summary.coverage.percent)}%).`),
        ),
      ),
      h(
        'section',
        { class: 'card' },
        stackedBarChart(
          'Thời lượng thực phát mỗi ngày theo chủ đề (phút)',
          detail.daily.map((day) => day.date),
          dailySeries(context, topics, detail.daily),
        ),
      ),
      schedule.node,
      log,
    ),
  };
}
