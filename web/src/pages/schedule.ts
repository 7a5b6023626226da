import { errorText, get, getBlob, post } from '../api.js';
import { bulletinChoiceLabel } from '../bulletin-names.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import {
  addDays,
  daysInclusive,
  eachDate,
  formatDate,
  formatDateLong,
  formatDurationMs,
  formatStartTime,
  formatTime,
  formatTimeSeconds,
  localDateOf,
  localInstant,
  minutesOfDay,
  mondayOf,
  today,
  firstOpenTime,
  windowAppliesOn,
  windowMinutes,
} from '../format.js';
import { ITEM_SOURCE_LABEL, ITEM_STATUS_LABEL, PRIORITY_LABEL } from '../labels.js';
import { href, navigate, Page, RouteMatch } from '../router.js';
import type {
  ApprovalSummary,
  BroadcastWindow,
  Bulletin,
  BulletinSlots,
  EmergencySummary,
  ScheduleItem,
  StreamSource,
} from '../types.js';
import { saveBlob } from '../ui/audio-player.js';
import { freshFreeTimes, refusedStart } from '../ui/free-time.js';
import { moveItemDialog } from '../ui/move-item.js';
import { waitingText } from './approvals.js';
import { confirmDialog, openDialog } from '../ui/dialog.js';
import { breaches } from '../policy-breaches.js';
import { BREACH_MARK, itemBreachNote } from '../ui/policy-breach.js';
import { openEmergencyDelivery } from '../ui/emergency-delivery.js';
import { actionButton, checkGroup, field, form, input, select } from '../ui/form.js';
import { communeZones, zoneChoice } from '../ui/zones.js';
import { isDemoBulletin } from '../ui/demo-banner.js';
import { demoBadge, emptyState, toast } from '../ui/notice.js';
import { topicChip } from '../ui/topic-chip.js';
import {
  type ItemActions,
  narrowScreen,
  rememberedLayout,
  rememberLayout,
  weekCalendar,
  WeekLayout,
} from './schedule-week.js';
import { dateInput, timeInput } from '../ui/date-input.js';

export { windowAppliesOn };

/** "56 lượt phát (4 bản tin)": items are plays; a bulletin may play many times. */
export function playsOf(items: readonly Pick<ScheduleItem, 'bulletinId'>[]): string {
  const bulletins = new Set(items.map((item) => item.bulletinId)).size;
  return items.length === 0 ? '0 lượt phát' : `${items.length} lượt phát (${bulletins} bản tin)`;
}

function statusBadge(item: ScheduleItem): HTMLElement {
  return h('span', { class: `badge status-${item.status}` }, ITEM_STATUS_LABEL[item.status]);
}

/** The visual strip of one window: a block per item, placed by its time. */
function timeline(window: BroadcastWindow, items: readonly ScheduleItem[]): HTMLElement {
  const { start, end } = windowMinutes(window);
  const span = Math.max(1, end - start);
  const track = h('div', { class: 'track', 'aria-hidden': 'true' });
  for (const item of items) {
    const from = Math.max(start, minutesOfDay(item.startsAt));
    const to = Math.min(end, Math.max(from + 0.5, minutesOfDay(item.endsAt)));
    const block = h(
      'div',
      {
        class: `block status-${item.status}${item.priority === 'emergency' ? ' block-emergency' : ''}${breaches(item) ? ' block-breach' : ''}`,
        title: `${formatTimeSeconds(item.startsAt)} ${item.title ?? ''}${breaches(item) ? ` (${BREACH_MARK})` : ''}`,
      },
      // A title only fits a block wider than about a tenth of the strip.
      (to - from) / span > 0.1 ? (item.title ?? '') : '',
    );
    block.style.left = `${((from - start) / span) * 100}%`;
    block.style.width = `${((to - from) / span) * 100}%`;
    track.append(block);
  }
  return track;
}

interface DayData {
  date: string;
  windows: BroadcastWindow[];
  items: ScheduleItem[];
}

function itemRow(
  context: AppContext,
  item: ScheduleItem,
  actions: ItemActions | null,
): HTMLElement {
  const open = actions && item.status === 'planned' && Date.parse(item.startsAt) > Date.now();
  return h(
    'li',
    {
      class: `item-row${breaches(item) ? ' item-row-breach' : ''}`,
      'data-testid': 'schedule-item',
      'data-policy-breach': breaches(item) ? 'true' : null,
    },
    h('span', { class: 'time' }, formatTimeSeconds(item.startsAt)),
    h('span', { class: 'muted nowrap' }, formatDurationMs(item.durationMs)),
    h(
      'span',
      { class: 'item-title' },
      item.title ?? 'Bản tin',
      isDemoBulletin(item.bulletinId) ? demoBadge() : null,
      item.priority && item.priority !== 'normal'
        ? h('span', { class: `badge priority-${item.priority}` }, PRIORITY_LABEL[item.priority])
        : null,
      h(
        'span',
        { class: 'topics' },
        item.topics.map((code) => topicChip(context, code)),
      ),
      item.zones
        ? h(
            'span',
            { class: 'zones', 'data-testid': 'item-zones' },
            h('span', { class: 'muted' }, 'Vùng phát:'),
            item.zones.map((zone) => h('span', { class: 'chip chip-zone' }, zone)),
          )
        : null,
      itemBreachNote(item),
    ),
    h('span', { class: 'muted' }, ITEM_SOURCE_LABEL[item.source]),
    statusBadge(item),
    open
      ? h(
          'span',
          { class: 'nowrap' },
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              onClick: () => actions.move(item),
              'aria-label': `Dời giờ ${item.title ?? 'bản tin'} lúc ${formatTime(item.startsAt)}`,
            },
            'Dời giờ',
          ),
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              onClick: () => actions.cancel(item),
              'aria-label': `Huỷ ${item.title ?? 'bản tin'} lúc ${formatTime(item.startsAt)}`,
            },
            'Huỷ',
          ),
        )
      : null,
  );
}

/** One day: each window with its strip and its items, then what falls outside any window. */
function dayView(context: AppContext, day: DayData, actions: ItemActions | null): HTMLElement {
  const isToday = day.date === today();
  const windows = day.windows
    .filter((window) => windowAppliesOn(window, day.date))
    .sort((a, b) => a.startTime.localeCompare(b.startTime));
  const placed = new Set<string>();
  const rows = windows.map((window) => {
    const { start, end } = windowMinutes(window);
    const inside = day.items.filter((item) => {
      const minute = minutesOfDay(item.startsAt);
      return minute >= start && minute < end;
    });
    inside.forEach((item) => placed.add(item.id));
    const filledMs = inside.reduce((sum, item) => sum + item.durationMs, 0);
    return h(
      'div',
      { class: 'window-row' },
      h(
        'div',
        { class: 'window-label' },
        h('strong', null, window.name),
        h('span', null, `${window.startTime}–${window.endTime}`),
        h('small', { class: 'muted' }, `Đã xếp ${formatDurationMs(filledMs)}`),
      ),
      h(
        'div',
        { class: 'window-body' },
        timeline(window, inside),
        inside.length > 0
          ? h(
              'ul',
              { class: 'item-list' },
              inside.map((item) => itemRow(context, item, actions)),
            )
          : h('p', { class: 'muted small' }, 'Chưa có bản tin trong khung giờ này.'),
      ),
    );
  });
  const outside = day.items.filter((item) => !placed.has(item.id));
  const totalMs = day.items.reduce((sum, item) => sum + item.durationMs, 0);
  return h(
    'section',
    { class: `day${isToday ? ' day-today' : ''}`, 'aria-label': formatDateLong(day.date) },
    h(
      'h2',
      { class: 'day-title' },
      formatDateLong(day.date),
      isToday ? h('span', { class: 'badge badge-today' }, 'Hôm nay') : null,
      h(
        'span',
        { class: 'muted day-total' },
        `${playsOf(day.items)} · ${formatDurationMs(totalMs)}`,
      ),
    ),
    windows.length === 0
      ? emptyState('Không có khung giờ phát trong ngày này.')
      : day.items.length === 0
        ? // A day with nothing planned takes one line: its windows, and that they are empty.
          h(
            'p',
            { class: 'muted small empty-day' },
            `Chưa có bản tin nào. Khung giờ: ${windows.map((window) => `${window.name} ${window.startTime}–${window.endTime}`).join(', ')}.`,
          )
        : rows,
    outside.length > 0
      ? h(
          'div',
          { class: 'outside' },
          h('h3', null, 'Ngoài khung giờ (phát khẩn cấp)'),
          h(
            'ul',
            { class: 'item-list' },
            outside.map((item) => itemRow(context, item, actions)),
          ),
        )
      : null,
  );
}

/** Days ahead `GET …/schedule/slots` looks in at most. */
const SLOT_DAYS_MAX = 31;

/**
 * The first time from `date` on (a week) that a new item of the bulletin fits, as the service
 * finds it (clear of other items, within the policy); null when none, or when it cannot say.
 */
async function firstFreeTime(
  commune: string,
  bulletinId: string,
  date: string,
): Promise<string | null> {
  const days = daysInclusive(today(), date) + 6;
  if (days > SLOT_DAYS_MAX) return null;
  try {
    const found = await get<BulletinSlots>(
      `/communes/${commune}/schedule/slots?bulletinId=${bulletinId}&days=${days}`,
    );
    return found.slots.find((slot) => slot.date >= date)?.startsAt ?? null;
  } catch {
    // The proposal is a help: without it the dialog keeps the window's opening time.
    return null;
  }
}

async function addItemDialog(
  context: AppContext,
  commune: string,
  windows: readonly BroadcastWindow[],
  date: string,
  onAdded: () => void,
): Promise<void> {
  // The first time a window is open from the day shown on, so that adding at once succeeds.
  const first = firstOpenTime(windows, date, Date.now()) ?? { date, time: '05:30' };
  const province = context.commune?.provinceCode ?? context.user.provinceCode;
  const [bulletins, zones, sources, waiting] = await Promise.all([
    get<Bulletin[]>(`/communes/${commune}/bulletins?status=approved&includeLibrary=true`),
    communeZones(commune),
    province ? get<StreamSource[]>(`/provinces/${province}/sources`) : Promise.resolve([]),
    get<ApprovalSummary>(`/communes/${commune}/approvals/summary`).then(waitingText),
  ]);
  await openDialog('Thêm bản tin vào lịch', (close) => {
    if (bulletins.length === 0 && sources.length === 0) {
      return h(
        'div',
        { 'data-testid': 'no-approved' },
        h('p', null, 'Chưa có bản tin nào được duyệt để xếp lịch.'),
        waiting ? h('p', { class: 'message message-info' }, waiting) : null,
        h(
          'p',
          null,
          h(
            'a',
            { href: href('/ban-tin', { status: 'draft' }), onClick: close },
            'Xem bản tin chờ duyệt',
          ),
          ' · ',
          h('a', { href: href('/ban-tin/moi'), onClick: close }, 'Tạo bản tin'),
        ),
      );
    }
    const bulletin = select(
      bulletins.map((item) => ({
        value: item.id,
        label: `${bulletinChoiceLabel(item, bulletins)}${item.library ? ' · thư viện tỉnh' : ''}`,
      })),
    );
    const kind = select(
      [
        ...(bulletins.length > 0 ? [{ value: 'bulletin', label: 'Bản tin' }] : []),
        ...(sources.length > 0 ? [{ value: 'relay', label: 'Tiếp âm (VOV, đài tỉnh)' }] : []),
      ],
      { name: 'kind' },
    );
    const source = select(sources.map((item) => ({ value: item.id, label: item.name })));
    const minutes = input({ type: 'number', min: 1, max: 360, value: '30', required: true });
    const topics = checkGroup(
      'Chủ đề (không bắt buộc)',
      context.topics.map((topic) => ({ value: topic.code, label: topic.name })),
    );
    const bulletinField = field('Bản tin đã duyệt', bulletin);
    const relayFields = h(
      'div',
      null,
      field('Nguồn tiếp âm', source),
      field('Thời lượng tiếp âm (phút)', minutes),
      topics.element,
    );
    const showKind = (): void => {
      bulletinField.hidden = kind.value !== 'bulletin';
      relayFields.hidden = kind.value !== 'relay';
    };
    kind.addEventListener('change', showKind);
    showKind();
    const day = dateInput({ value: first.date, required: true });
    // To the second: the first free time is often just after the item before it (17:03:08).
    const time = timeInput({ value: first.time, required: true, step: '1' });
    // The first free time of the chosen bulletin from the day shown on, until a person picks
    // a day or a time of their own.
    let pickedByHand = false;
    for (const chosen of [day, time]) {
      chosen.addEventListener('input', () => {
        pickedByHand = true;
      });
    }
    const propose = (free: string | null): void => {
      if (!free || pickedByHand) return;
      day.value = localDateOf(free);
      time.value = formatTimeSeconds(free);
    };
    const proposeFreeTime = (): void => {
      if (kind.value !== 'bulletin' || !bulletin.value) return;
      void firstFreeTime(commune, bulletin.value, date).then(propose);
    };
    bulletin.addEventListener('change', proposeFreeTime);
    proposeFreeTime();
    // A commune without clusters plays from the server: there is no zone to choose.
    const where = zones.length > 0 ? zoneChoice(zones) : null;
    // After a refusal for overlap, the free time the service proposes, often to the second (just
    // after the item in the way): one click takes it.
    let proposed = '';
    const takeFree = actionButton(
      '',
      () => add(proposed),
      (error) => handle.message.showError(error),
      { class: 'secondary', hidden: true, 'data-testid': 'take-free-time' },
    );
    // The refusal and its proposal hold for what was refused: another choice, even half typed,
    // takes both away (an overlap named beside a time that now reads "25:99" misleads).
    for (const chosen of [kind, bulletin, source, minutes, day, time]) {
      for (const event of ['input', 'change']) {
        chosen.addEventListener(event, () => {
          takeFree.hidden = true;
          handle.message.show(null);
        });
      }
    }
    const add = async (startsAt: string): Promise<void> => {
      const what =
        kind.value === 'relay'
          ? {
              sourceId: source.value,
              durationSeconds: Math.round(Number(minutes.value) * 60),
              ...(topics.values().length > 0 ? { topics: topics.values() } : {}),
            }
          : { bulletinId: bulletin.value };
      await post(`/communes/${commune}/schedule`, { ...what, startsAt, zones: where?.zones() });
      toast(
        kind.value === 'relay'
          ? 'Đã thêm tiếp âm vào lịch phát sóng.'
          : 'Đã thêm bản tin vào lịch phát sóng.',
      );
      close();
      onAdded();
    };
    const handle = form(
      {},
      [
        field('Loại', kind),
        bulletinField,
        relayFields,
        field('Ngày phát', day),
        field('Giờ bắt đầu', time),
        where?.element ?? null,
      ],
      'Thêm vào lịch',
      async (message) => {
        takeFree.hidden = true;
        if (!day.value || !time.value) {
          message.show('Chọn ngày và giờ phát.');
          return;
        }
        try {
          await add(localInstant(day.value, time.value));
        } catch (error) {
          // A start that passed while the dialog was open: the next free start of the bulletin,
          // proposed again as when the dialog opened (as the move dialog reads its free times
          // again). A start the broadcast policy refuses (the server's message says which rule and
          // why): the first free start from the chosen day on that it allows.
          const bulletinId = kind.value === 'bulletin' ? bulletin.value : null;
          const firstFree = (from: string) =>
            bulletinId ? firstFreeTime(commune, bulletinId, from) : Promise.resolve(null);
          const { free, text } = await refusedStart(error, {
            passed: freshFreeTimes(
              () => firstFree(today()),
              propose,
              (fresh) => fresh,
            ),
            policy: () => firstFree(day.value),
          });
          if (free) {
            proposed = free;
            takeFree.textContent = `Thêm vào lúc ${formatStartTime(free)}`;
            takeFree.hidden = false;
          }
          if (!text) throw error;
          message.show(text);
        }
      },
      [takeFree, h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
    );
    return handle.form;
  });
}

/** Lịch phát sóng: today's or this week's program log of the commune, window by window. */
export async function schedulePage(context: AppContext, match: RouteMatch): Promise<Page> {
  const commune = communeCode(context);
  return programLogView(context, commune, match, { editable: true, path: '/lich' });
}

interface ProgramLogOptions {
  /** The commune's users change it; a monitor's drill-down reads it. */
  editable: boolean;
  /** The page it is on; its other query parameters (a report's campaign, dates) are kept. */
  path: string;
  /** The day shown first when the address names none (today by default). */
  firstDate?: string;
}

/** The program log, editable by the commune's users, read-only for monitors (drill-down). */
export async function programLogView(
  context: AppContext,
  commune: string,
  match: RouteMatch,
  { editable, path, firstDate = today() }: ProgramLogOptions,
): Promise<Page> {
  const askedView = match.query.get('view');
  // A phone opens on the day's list, where each item is a card with its title and its buttons.
  const view =
    askedView === 'day' || askedView === 'week' ? askedView : narrowScreen() ? 'day' : 'week';
  const asked = match.query.get('layout');
  const layout: WeekLayout = asked === 'list' || asked === 'calendar' ? asked : rememberedLayout();
  if (asked === 'list' || asked === 'calendar') rememberLayout(asked);
  const anchor = match.query.get('date') ?? firstDate;
  const pageQuery = Object.fromEntries(match.query);
  const from = view === 'day' ? anchor : mondayOf(anchor);
  const to = view === 'day' ? anchor : addDays(from, 6);
  const [windows, items, emergencies] = await Promise.all([
    get<BroadcastWindow[]>(`/communes/${commune}/windows`),
    get<ScheduleItem[]>(`/communes/${commune}/schedule?from=${from}&to=${to}`),
    get<EmergencySummary[]>(`/communes/${commune}/emergencies`),
  ]);
  const active = items
    .filter((item) => item.status !== 'cancelled')
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const reload = (): void => navigate(path, { ...pageQuery, view, date: anchor, layout });
  const cancel = (item: ScheduleItem): void => {
    // Kept with the item (the reconciliation and the calendar feed show it); 200 as the API's.
    const reason = input({ name: 'reason', maxlength: 200, autocomplete: 'off' });
    void confirmDialog({
      title: 'Huỷ mục trong lịch?',
      body: h(
        'div',
        null,
        h(
          'p',
          null,
          `${item.title ?? 'Bản tin'} lúc ${formatTime(item.startsAt)} ngày ${formatDate(localDateOf(item.startsAt))} sẽ không được phát.`,
        ),
        field('Lý do huỷ (không bắt buộc)', reason, 'Ví dụ: trùng lịch họp tổ dân phố'),
      ),
      confirmLabel: 'Huỷ mục này',
      cancelLabel: 'Giữ lại',
      danger: true,
    }).then(async (yes) => {
      if (!yes) return;
      const why = reason.value.trim();
      try {
        await post(
          `/communes/${commune}/schedule/items/${item.id}/cancel`,
          why ? { reason: why } : {},
        );
        toast('Đã huỷ mục trong lịch.');
        reload();
      } catch (error) {
        toast(errorText(error), 'error');
      }
    });
  };
  const actions: ItemActions | null = editable
    ? {
        cancel,
        move: (item) => void moveItemDialog(commune, item).then((moved) => moved && reload()),
      }
    : null;
  const days = eachDate(from, to).map((date) => ({
    date,
    windows,
    items: active.filter((item) => localDateOf(item.startsAt) === date),
  }));
  const step = view === 'day' ? 1 : 7;
  const nav = (date: string, nextView = view, nextLayout = layout): string =>
    href(path, { ...pageQuery, view: nextView, date, layout: nextLayout });
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    h(
      'div',
      { class: 'segmented', role: 'group', 'aria-label': 'Phạm vi' },
      h(
        'a',
        {
          href: nav(today(), 'day'),
          class: view === 'day' ? 'active' : '',
          'aria-current': view === 'day' ? 'true' : undefined,
        },
        'Hôm nay',
      ),
      h(
        'a',
        {
          href: nav(anchor, 'week'),
          class: view === 'week' ? 'active' : '',
          'aria-current': view === 'week' ? 'true' : undefined,
        },
        'Cả tuần',
      ),
    ),
    view === 'week'
      ? h(
          'div',
          { class: 'segmented', role: 'group', 'aria-label': 'Cách xem tuần' },
          (['calendar', 'list'] as const).map((option) =>
            h(
              'a',
              {
                href: nav(anchor, 'week', option),
                class: layout === option ? 'active' : '',
                'aria-current': layout === option ? 'true' : undefined,
                'data-testid': `layout-${option}`,
              },
              option === 'calendar' ? 'Dạng lịch' : 'Danh sách',
            ),
          ),
        )
      : null,
    h(
      'div',
      { class: 'pager' },
      h(
        'a',
        { href: nav(addDays(anchor, -step)), class: 'button secondary small' },
        view === 'day' ? '← Hôm trước' : '← Tuần trước',
      ),
      h(
        'span',
        { class: 'range-label' },
        from === to ? formatDateLong(from) : `${formatDate(from)} – ${formatDate(to)}`,
      ),
      h(
        'a',
        { href: nav(addDays(anchor, step)), class: 'button secondary small' },
        view === 'day' ? 'Hôm sau →' : 'Tuần sau →',
      ),
    ),
    editable
      ? h(
          'div',
          { class: 'toolbar-actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              onClick: () => {
                addItemDialog(
                  context,
                  commune,
                  windows,
                  from < today() ? today() : from,
                  reload,
                ).catch((error: unknown) => toast(errorText(error), 'error'));
              },
            },
            '+ Thêm bản tin vào lịch',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onClick: () => {
                getBlob(`/communes/${commune}/schedule.ics?from=${from}&to=${to}`)
                  .then(({ blob, fileName }) => saveBlob(blob, fileName ?? `lich-${commune}.ics`))
                  .catch((error: unknown) => toast(errorText(error), 'error'));
              },
            },
            'Tải lịch (.ics)',
          ),
        )
      : null,
  );
  const totalMs = active.reduce((sum, item) => sum + item.durationMs, 0);
  return {
    title: 'Lịch phát sóng',
    node: h(
      'div',
      { class: 'page page-schedule' },
      editable ? h('h1', null, 'Lịch phát sóng') : h('h2', null, 'Lịch phát sóng'),
      h(
        'p',
        { class: 'muted' },
        `${playsOf(active)}, tổng thời lượng ${formatDurationMs(totalMs)}.`,
        windows.length === 0 && editable
          ? h(
              'span',
              null,
              ' Xã chưa có khung giờ phát: ',
              h('a', { href: href('/khung-gio') }, 'thêm khung giờ phát'),
              '.',
            )
          : null,
      ),
      toolbar,
      // The calendar colours items by topic (its own legend); the list by status.
      view === 'week' && layout === 'calendar'
        ? null
        : h(
            'div',
            { class: 'legend', 'aria-hidden': 'true' },
            (['planned', 'aired', 'partial', 'missed', 'failed'] as const).map((status) =>
              h('span', { class: `legend-item status-${status}` }, ITEM_STATUS_LABEL[status]),
            ),
          ),
      emergencyList(
        emergencies.filter((emergency) => {
          const date = localDateOf(emergency.createdAt);
          return date >= from && date <= to;
        }),
      ),
      view === 'week' && layout === 'calendar'
        ? weekCalendar(context, { from, windows, items: active, actions })
        : days.map((day) => dayView(context, day, actions)),
    ),
  };
}

/** The shown days' emergencies that went to the clusters, each with a link to its delivery. */
function emergencyList(emergencies: readonly EmergencySummary[]): HTMLElement | null {
  const sent = emergencies.filter((emergency) => emergency.targeted > 0);
  if (sent.length === 0) return null;
  return h(
    'section',
    { class: 'emergency-list' },
    h('h2', null, 'Phát khẩn cấp tới cụm loa'),
    h(
      'ul',
      null,
      sent.map((emergency) =>
        h(
          'li',
          null,
          `${formatDate(localDateOf(emergency.createdAt))} ${formatTime(emergency.createdAt)}`,
          emergency.bulletinTitle ? ` «${emergency.bulletinTitle}»` : '',
          emergency.scope === 'province' ? ' (của tỉnh)' : '',
          emergency.zones ? ` — vùng ${emergency.zones.join(', ')}` : '',
          `: đã gửi ${emergency.targeted - emergency.notEnrolled}, đã nhận ${emergency.acknowledged}, đã phát ${emergency.started}`,
          // Registered clusters that never connected could not get it: counted apart, as the
          // as-run log leaves them out.
          emergency.notEnrolled > 0 ? `, ${emergency.notEnrolled} cụm chưa kết nối lần nào` : '',
          emergency.running ? ' — đang phát ' : ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'secondary small',
              onClick: () => void openEmergencyDelivery(emergency.id),
            },
            'Xem tình hình nhận lệnh',
          ),
        ),
      ),
    ),
  );
}
