import { get } from '../api.js';
import { AppContext, communeCode, topicName } from '../context.js';
import {
  dailyMinimum,
  DailyMinimum,
  dailyMinimumSummary,
  dayMinimumText,
} from '../daily-minimum.js';
import { h } from '../dom.js';
import { addDays, formatDate, formatDayMonth, mondayOf, today } from '../format.js';
import { topicColour } from '../labels.js';
import { href, Page, RouteMatch } from '../router.js';
import type {
  BroadcastWindow,
  Bulletin,
  Campaign,
  CommuneDetail,
  GapsView,
  ScheduleItem,
} from '../types.js';
import { emptyState } from '../ui/notice.js';
import { refusedItemsNote } from '../ui/policy-breach.js';
import { topicChip } from '../ui/topic-chip.js';
import {
  airtimeText,
  missingText,
  refusedItems,
  targetText,
  TopicWeek,
  topicWeeks,
  weekMet,
} from '../topic-week.js';

/** A bar: aired (full colour), planned (pale), missing (hatched red), on the target's scale. */
function bar(context: AppContext, week: TopicWeek): HTMLElement {
  const colour = topicColour(context.topics, week.topic);
  const scale = Math.max(
    week.requiredSeconds,
    week.airedSeconds + week.plannedSeconds + week.missingSeconds,
    1,
  );
  const part = (className: string, seconds: number, label: string): HTMLElement | null => {
    if (seconds <= 0) return null;
    const element = h('span', { class: `progress-part ${className}`, title: label });
    element.style.width = `${(seconds / scale) * 100}%`;
    if (className === 'progress-aired') element.style.background = colour.fill;
    if (className === 'progress-planned') element.style.borderColor = colour.fill;
    return element;
  };
  const met = weekMet(week);
  const name = topicName(context, week.topic);
  return h(
    'li',
    { class: 'progress-row', 'data-testid': 'topic-progress', 'data-topic': week.topic },
    h(
      'div',
      { class: 'progress-head' },
      topicChip(context, week.topic),
      ' ',
      met ? '✓ Đủ chỉ tiêu' : '',
    ),
    h(
      'div',
      {
        class: 'progress-bar',
        role: 'img',
        'aria-label': `${name}: đã phát ${airtimeText(week, week.airedSeconds)}, đã lên lịch ${airtimeText(week, week.plannedSeconds)}, ${missingText(week).toLowerCase()}${targetText(week)}`,
      },
      part('progress-aired', week.airedSeconds, 'Đã phát'),
      part('progress-planned', week.plannedSeconds, 'Đã lên lịch'),
      part('progress-missing', week.missingSeconds, 'Còn thiếu'),
    ),
    h(
      'p',
      { class: 'progress-numbers small' },
      h(
        'span',
        { 'data-testid': 'aired' },
        `Đã phát ${airtimeText(week, week.airedSeconds)} · ${week.airedPlays} lượt`,
      ),
      ' · ',
      h(
        'span',
        { 'data-testid': 'planned' },
        `Đã lên lịch ${airtimeText(week, week.plannedSeconds)} · ${week.plannedPlays} lượt`,
      ),
      ' · ',
      h(
        'span',
        { 'data-testid': 'missing', class: met ? '' : 'progress-missing-text' },
        missingText(week),
      ),
      h('span', { class: 'muted' }, targetText(week)),
    ),
  );
}

/** The daily minimum's card: the verdict, then each day of the week inside the campaign. */
function dailyMinimumCard(minimum: DailyMinimum, now: string): HTMLElement {
  return h(
    'section',
    { class: 'card', 'data-testid': 'daily-minimum', 'data-met': String(minimum.met) },
    h('h2', null, 'Tối thiểu mỗi ngày'),
    h(
      'p',
      {
        class: minimum.met ? '' : 'progress-missing-text',
        'data-testid': 'daily-minimum-summary',
      },
      dailyMinimumSummary(minimum),
    ),
    h(
      'ul',
      { class: 'daily-minimum-days small' },
      minimum.days.map((day) =>
        h(
          'li',
          {
            'data-testid': 'day-minimum',
            'data-date': day.date,
            class: day.met ? '' : 'progress-missing-text',
          },
          dayMinimumText(day, now),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted small' },
      'Tính cả bản tin đã phát và bản tin còn chờ phát trong lịch, như trang “Kế hoạch chiến dịch”.',
    ),
  );
}

/** The campaign a commune works for today: a running one of its province or of the nation. */
export function runningCampaign(
  campaigns: readonly Campaign[],
  provinceCode: string | null,
): Campaign | null {
  return (
    campaigns
      .filter(
        (campaign) =>
          campaign.status === 'running' &&
          (campaign.provinceCode === null || campaign.provinceCode === provinceCode),
      )
      // The province's own campaign is the nearer instruction; then the one ending first.
      .sort(
        (a, b) =>
          Number(b.provinceCode !== null) - Number(a.provinceCode !== null) ||
          a.endsOn.localeCompare(b.endsOn),
      )[0] ?? null
  );
}

/**
 * What a commune still lacks before a week can be planned (windows, bulletins, approval), each
 * with the page that does it; nothing when it lacks none.
 */
export function firstSteps(
  windows: readonly BroadcastWindow[],
  bulletins: readonly Bulletin[],
): HTMLElement | null {
  const live = bulletins.filter((bulletin) => bulletin.status !== 'archived');
  const approved = live.filter((bulletin) => bulletin.status === 'approved').length;
  const steps: { text: string; path: string; link: string }[] = [];
  if (windows.length === 0) {
    steps.push({
      text: 'Xã chưa có khung giờ phát: bản tin chỉ được xếp lịch trong các khung giờ.',
      path: '/khung-gio',
      link: 'Thêm khung giờ phát',
    });
  }
  if (live.length === 0) {
    steps.push({
      text: 'Chưa có bản tin nào: tải lên bản ghi âm hoặc tạo từ văn bản.',
      path: '/ban-tin/moi',
      link: 'Tạo bản tin',
    });
  } else if (approved === 0) {
    steps.push({
      text: `${live.length} bản tin đang chờ lãnh đạo duyệt; kế hoạch chỉ xếp bản tin đã duyệt.`,
      path: '/ban-tin',
      link: 'Xem bản tin',
    });
  }
  if (steps.length === 0) return null;
  return h(
    'section',
    { class: 'card', 'data-testid': 'first-steps' },
    h('h2', null, 'Việc cần làm trước khi lập kế hoạch'),
    h(
      'ol',
      { class: 'first-steps' },
      steps.map((step) =>
        h('li', null, `${step.text} `, h('a', { href: href(step.path) }, step.link)),
      ),
    ),
  );
}

/**
 * The week's days inside the campaign against its daily minimum, as the planner judges them;
 * null when the campaign has none or the week lies outside it.
 */
async function weekMinimum(
  commune: string,
  campaign: Campaign,
  monday: string,
  sunday: string,
): Promise<DailyMinimum | null> {
  const from = monday > campaign.startsOn ? monday : campaign.startsOn;
  const to = sunday < campaign.endsOn ? sunday : campaign.endsOn;
  if (campaign.minDailySeconds <= 0 || to < from) return null;
  const gaps = await get<GapsView>(
    `/communes/${commune}/schedule/gaps?${new URLSearchParams({ campaign: campaign.code, from, to }).toString()}`,
  );
  return dailyMinimum(gaps.days, campaign.minDailySeconds, today());
}

/**
 * Trang chủ của đài xã: this week's progress on each topic of the running campaign (aired,
 * planned, missing), with a link to plan what is missing.
 */
export async function operatorHomePage(context: AppContext, match: RouteMatch): Promise<Page> {
  const commune = communeCode(context);
  const monday = mondayOf(match.query.get('date') ?? today());
  const sunday = addDays(monday, 6);
  const campaigns = await get<Campaign[]>('/campaigns');
  const campaign = runningCampaign(
    campaigns,
    context.commune?.provinceCode ?? context.user.provinceCode,
  );
  const current = monday === mondayOf(today());
  const title = current
    ? 'Tiến độ tuần này'
    : `Tiến độ tuần ${formatDayMonth(monday)} – ${formatDayMonth(sunday)}`;
  const pager = h(
    'div',
    { class: 'pager' },
    h(
      'a',
      { href: href('/tien-do', { date: addDays(monday, -7) }), class: 'button secondary small' },
      '← Tuần trước',
    ),
    current
      ? null
      : h('a', { href: href('/tien-do'), class: 'button secondary small' }, 'Tuần này'),
    h(
      'a',
      { href: href('/tien-do', { date: addDays(monday, 7) }), class: 'button secondary small' },
      'Tuần sau →',
    ),
  );
  if (!campaign) {
    return {
      title,
      node: h(
        'div',
        { class: 'page page-home' },
        h('h1', null, title),
        pager,
        emptyState(
          'Hôm nay không có chiến dịch nào đang diễn ra nên chưa có chỉ tiêu để theo dõi. Xem lịch phát sóng hoặc trang “Kế hoạch chiến dịch” để biết chiến dịch sắp tới.',
        ),
        h('p', null, h('a', { href: href('/lich') }, 'Xem lịch phát sóng tuần này')),
      ),
    };
  }
  const [detail, items, windows, bulletins, minimum] = await Promise.all([
    get<CommuneDetail>(
      `/reports/communes/${commune}?${new URLSearchParams({ campaign: campaign.code, from: monday, to: sunday }).toString()}`,
    ),
    get<ScheduleItem[]>(`/communes/${commune}/schedule?from=${monday}&to=${sunday}`),
    get<BroadcastWindow[]>(`/communes/${commune}/windows`),
    get<Bulletin[]>(`/communes/${commune}/bulletins`),
    weekMinimum(commune, campaign, monday, sunday),
  ]);
  const weeks = topicWeeks(detail.rows, items);
  const missing = weeks.filter((week) => week.missingSeconds > 0 || week.missingPlays > 0);
  const missingParts = [
    missing.length > 0 ? `${missing.length} chủ đề` : '',
    minimum && minimum.open.length > 0 ? `${minimum.open.length} ngày dưới mức tối thiểu` : '',
  ].filter((part) => part !== '');
  const planLink = h(
    'a',
    {
      href: href('/ke-hoach', {
        campaign: campaign.code,
        from: today() > detail.from ? today() : detail.from,
        to: detail.to,
      }),
      class: missingParts.length > 0 ? 'button primary' : 'button secondary',
      'data-testid': 'plan-missing',
    },
    missingParts.length > 0
      ? `Lập kế hoạch cho phần còn thiếu (${missingParts.join(', ')})`
      : 'Mở kế hoạch chiến dịch',
  );
  return {
    title,
    node: h(
      'div',
      { class: 'page page-home' },
      h('h1', null, title),
      pager,
      h(
        'p',
        { class: 'muted' },
        `${campaign.name} · tuần ${formatDate(detail.from)} – ${formatDate(detail.to)}. “Đã phát” theo nhật ký phát thanh; “Đã lên lịch” là các lượt còn chờ phát trong lịch.`,
      ),
      firstSteps(windows, bulletins),
      refusedItemsNote(
        refusedItems(items).length,
        h(
          'a',
          {
            href: href('/lich', { view: 'week', date: monday }),
            'data-testid': 'refused-items-link',
          },
          'Xem các mục trên lịch',
        ),
      ),
      h(
        'section',
        { class: 'card' },
        h(
          'div',
          { class: 'section-head' },
          h('h2', null, 'Chỉ tiêu theo chủ đề'),
          h(
            'div',
            { class: 'legend progress-legend', 'aria-hidden': 'true' },
            h(
              'span',
              { class: 'legend-item' },
              h('span', { class: 'swatch swatch-aired' }),
              ' Đã phát',
            ),
            h(
              'span',
              { class: 'legend-item' },
              h('span', { class: 'swatch swatch-planned' }),
              ' Đã lên lịch',
            ),
            h(
              'span',
              { class: 'legend-item' },
              h('span', { class: 'swatch swatch-missing' }),
              ' Còn thiếu',
            ),
          ),
        ),
        weeks.length === 0
          ? emptyState('Chiến dịch không có chỉ tiêu theo chủ đề trong tuần này.')
          : h(
              'ul',
              { class: 'progress-list' },
              weeks.map((week) => bar(context, week)),
            ),
        h(
          'div',
          { class: 'actions' },
          planLink,
          h(
            'a',
            { href: href('/lich', { view: 'week', date: monday }), class: 'button secondary' },
            'Xem lịch tuần',
          ),
        ),
      ),
      minimum ? dailyMinimumCard(minimum, today()) : null,
    ),
  };
}
