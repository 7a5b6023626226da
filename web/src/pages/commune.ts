import { get } from '../api.js';
import { AppContext, topicName } from '../context.js';
import { h } from '../dom.js';
import { formatDate } from '../format.js';
import { href, Page, RouteMatch } from '../router.js';
import type { Campaign, Commune, ComplianceReport } from '../types.js';
import { emptyState } from '../ui/notice.js';
import { cellClass, cellText } from './dashboard.js';
import { playoutLogView } from './playout.js';
import { programLogView } from './schedule.js';

/** A commune seen from the province: its targets, its program log and its as-run log, read-only. */
export async function communePage(context: AppContext, match: RouteMatch): Promise<Page> {
  const code = match.params.code;
  const campaigns = await get<Campaign[]>('/campaigns');
  const campaign =
    campaigns.find((item) => item.code === match.query.get('campaign')) ?? campaigns[0];
  const province = context.user.provinceCode ?? match.query.get('province') ?? '38';
  const communes = await get<Commune[]>(`/communes?province=${province}`);
  const commune = communes.find((item) => item.code === code);
  const from = match.query.get('from') ?? campaign?.startsOn;
  const to = match.query.get('to') ?? campaign?.endsOn;
  const report = campaign
    ? await get<ComplianceReport>(
        `/reports/compliance?${new URLSearchParams({ campaign: campaign.code, province, from: from ?? '', to: to ?? '' }).toString()}`,
      )
    : null;
  const rows = report?.rows.filter((row) => row.communeCode === code) ?? [];
  const path = `/bao-cao/xa/${code}`;
  const [schedule, log] = await Promise.all([
    programLogView(context, code, match, false, path),
    playoutLogView(context, code, match, false, path),
  ]);
  return {
    title: commune?.name ?? code,
    node: h(
      'div',
      { class: 'page' },
      h(
        'p',
        { class: 'breadcrumb' },
        h(
          'a',
          { href: href('/bao-cao', { campaign: campaign?.code, from, to }) },
          '← Báo cáo tuân thủ',
        ),
      ),
      h('h1', null, commune?.name ?? `Xã ${code}`),
      campaign && report
        ? h(
            'section',
            { class: 'card' },
            h(
              'h2',
              null,
              `${campaign.name}: ${formatDate(report.from)} – ${formatDate(report.to)}`,
            ),
            rows.length === 0
              ? emptyState('Không có số liệu.')
              : h(
                  'ul',
                  { class: 'topic-status' },
                  rows.map((row) =>
                    h(
                      'li',
                      { class: `cell ${cellClass(row)}` },
                      h('strong', null, topicName(context, row.topic)),
                      h('span', null, `${row.met ? 'Đạt' : 'Chưa đạt'} · ${cellText(row)}`),
                    ),
                  ),
                ),
          )
        : null,
      schedule.node,
      log.node,
    ),
  };
}
