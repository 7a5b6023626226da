import { AppContext } from '../context.js';
import { h } from '../dom.js';
import {
  addDays,
  eachDate,
  formatDate,
  formatDayMonth,
  formatDurationMs,
  formatTime,
  formatTimeSpan,
  isoDayOfWeek,
  localDateOf,
  minutesOfDay,
  windowOver,
  today,
  weekdayShort,
  windowAppliesOn,
  windowMinutes,
} from '../format.js';
import { ITEM_STATUS_LABEL, PRIORITY_LABEL, topicColour } from '../labels.js';
import type { BroadcastWindow, ScheduleItem } from '../types.js';
import { isDemoBulletin } from '../ui/demo-banner.js';
import { openDialog } from '../ui/dialog.js';
import { breaches } from '../policy-breaches.js';
import { itemBreachNote } from '../ui/policy-breach.js';
import { demoBadge } from '../ui/notice.js';
import { topicChip } from '../ui/topic-chip.js';

/** How the week shows: a calendar (days × windows) or the list of days. */
export type WeekLayout = 'calendar' | 'list';

const LAYOUT_KEY = 'loa-xa.schedule.layout';

/**
 * A phone's width (the stylesheet's breakpoint): the week's seven columns do not fit, and its
 * items shrink to slivers one cannot read or hit, so the program log opens as today's list.
 */
export function narrowScreen(): boolean {
  return globalThis.matchMedia?.('(max-width: 720px)').matches ?? false;
}

/**
 * The layout the user chose last (remembered in the browser); at first the calendar, or the list
 * on a narrow screen.
 */
export function rememberedLayout(): WeekLayout {
  const fallback: WeekLayout = narrowScreen() ? 'list' : 'calendar';
  try {
    const stored = localStorage.getItem(LAYOUT_KEY);
    return stored === 'list' || stored === 'calendar' ? stored : fallback;
  } catch {
    return fallback;
  }
}

export function rememberLayout(layout: WeekLayout): void {
  try {
    localStorage.setItem(LAYOUT_KEY, layout);
  } catch {
    // Private mode without storage: the choice lasts for the page only.
  }
}

/** Relays (tiếp âm) and emergencies look different from bulletins at a glance. */
export function itemKind(item: ScheduleItem): 'emergency' | 'relay' | 'bulletin' {
  if (item.priority === 'emergency' || item.source === 'emergency') return 'emergency';
  return item.bulletinId === null ? 'relay' : 'bulletin';
}

/** What an editable program log lets a person do with an item that has not started. */
export interface ItemActions {
  cancel: (item: ScheduleItem) => void;
  move: (item: ScheduleItem) => void;
}

export interface WeekCalendarInput {
  from: string;
  windows: readonly BroadcastWindow[];
  /** The week's items, cancelled ones left out. */
  items: readonly ScheduleItem[];
  /** Null when the viewer may not change the log (a monitor's drill-down). */
  actions: ItemActions | null;
}

function cancellable(item: ScheduleItem): boolean {
  return item.status === 'planned' && Date.parse(item.startsAt) > Date.now();
}

/** The item's details, its cancel button and the actions other changes register. */
function openItem(context: AppContext, item: ScheduleItem, input: WeekCalendarInput): void {
  void openDialog(item.title ?? 'Bản tin', (close) =>
    h(
      'div',
      { class: 'item-detail', 'data-testid': 'item-detail' },
      itemBreachNote(item),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Thời gian'),
        h(
          'dd',
          null,
          `${formatDate(localDateOf(item.startsAt))}, ${formatTimeSpan(item.startsAt, item.endsAt)} (${formatDurationMs(item.durationMs)})`,
        ),
        h('dt', null, 'Chủ đề'),
        h(
          'dd',
          null,
          item.topics.length > 0
            ? item.topics.map((code) => topicChip(context, code))
            : h('span', { class: 'muted' }, 'Không có'),
        ),
        h('dt', null, 'Trạng thái'),
        h(
          'dd',
          null,
          ITEM_STATUS_LABEL[item.status],
          isDemoBulletin(item.bulletinId) ? [' ', demoBadge()] : null,
        ),
        itemKind(item) !== 'bulletin' ? h('dt', null, 'Loại') : null,
        itemKind(item) !== 'bulletin'
          ? h('dd', null, itemKind(item) === 'relay' ? 'Tiếp âm' : PRIORITY_LABEL.emergency)
          : null,
      ),
      h(
        'div',
        { class: 'actions item-actions' },
        input.actions && cancellable(item)
          ? [
              h(
                'button',
                {
                  type: 'button',
                  onClick: () => {
                    close();
                    input.actions?.move(item);
                  },
                },
                'Dời giờ',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  onClick: () => {
                    close();
                    input.actions?.cancel(item);
                  },
                },
                'Huỷ mục này',
              ),
            ]
          : null,
        h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng'),
      ),
    ),
  );
}

function block(
  context: AppContext,
  item: ScheduleItem,
  span: { start: number; end: number },
  input: WeekCalendarInput,
  heightPx = Infinity,
): HTMLElement {
  const length = Math.max(1, span.end - span.start);
  const from = Math.max(span.start, minutesOfDay(item.startsAt));
  const to = Math.min(span.end, Math.max(from + 0.5, minutesOfDay(item.endsAt)));
  const kind = itemKind(item);
  const colour = topicColour(context.topics, item.topics[0]);
  const demo = isDemoBulletin(item.bulletinId);
  const breach = breaches(item);
  const label = `${formatTime(item.startsAt)} ${item.title ?? 'Bản tin'} (${formatDurationMs(item.durationMs)}), ${ITEM_STATUS_LABEL[item.status]}${demo ? ', dữ liệu mẫu' : ''}${breach ? ', vi phạm quy định phát sóng' : ''}`;
  const element = h(
    'button',
    {
      type: 'button',
      class: `week-block week-block-${kind}${((to - from) / length) * heightPx < TEXT_MIN_PX ? ' week-block-thin' : ''}${breach ? ' week-block-breach' : ''}`,
      'data-status': item.status,
      'data-testid': 'week-block',
      'data-kind': kind,
      'data-demo': demo ? 'true' : null,
      'data-policy-breach': breach ? 'true' : null,
      'data-topic': item.topics[0] ?? '',
      title: label,
      'aria-label': label,
      onClick: () => openItem(context, item, input),
    },
    breach ? h('span', { class: 'week-block-breach-mark', 'aria-hidden': 'true' }, '⚠ ') : null,
    h('span', { class: 'week-block-time' }, formatTime(item.startsAt)),
    ' ',
    h('span', { class: 'week-block-title' }, item.title ?? ''),
  );
  element.style.top = `${((from - span.start) / length) * 100}%`;
  element.style.height = `${((to - from) / length) * 100}%`;
  if (kind === 'bulletin') {
    element.style.background = colour.fill;
    element.style.color = colour.text;
  }
  return element;
}

/** Minutes of a window occurrence not taken by items (what the operator can still fill). */
export function freeMinutes(window: BroadcastWindow, items: readonly ScheduleItem[]): number {
  const { start, end } = windowMinutes(window);
  const taken = items.reduce((sum, item) => {
    const from = Math.max(start, minutesOfDay(item.startsAt));
    const to = Math.min(end, minutesOfDay(item.startsAt) + item.durationMs / 60000);
    return sum + Math.max(0, to - from);
  }, 0);
  return Math.max(0, Math.floor(end - start - taken));
}

/**
 * The cell height of a window: a minute is 5 px (a 30-minute window is 150 px, so two windows of
 * a week fit one screen), within 90–300 px; a longer window is drawn denser.
 */
function cellHeight(window: BroadcastWindow): number {
  return Math.min(300, Math.max(90, window.durationMinutes * 5));
}

/** Below this height a block shows its colour only; its time and title are in its label. */
const TEXT_MIN_PX = 13;
/** No block is drawn lower than this: a seconds-long item stays a block one can see and hit. */
export const BLOCK_MIN_PX = 18;

/** Where a block sits in its cell's track, in pixels, and beside how many others. */
export interface BlockPlace {
  top: number;
  height: number;
  /** Its column among the items that share its slot, and how many share it. */
  column: number;
  columns: number;
  /** The first item of the shared slot (where its count badge goes). */
  first: boolean;
}

/**
 * Places the items of a window occurrence (minutes from its start, sorted by start): each at its
 * start, as tall as its duration but at least `minPx`; items whose drawn blocks would overlap
 * share a slot and stand side by side in it, so none hides another.
 */
export function placeBlocks(
  spans: readonly { from: number; to: number }[],
  length: number,
  heightPx: number,
  minPx = BLOCK_MIN_PX,
): BlockPlace[] {
  const scale = heightPx / Math.max(1, length);
  const drawn = spans.map(({ from, to }) => {
    const height = Math.max(minPx, (to - from) * scale);
    const top = Math.min(Math.max(0, from * scale), Math.max(0, heightPx - height));
    return { top, height };
  });
  const places: BlockPlace[] = [];
  let index = 0;
  while (index < drawn.length) {
    let bottom = drawn[index].top + drawn[index].height;
    let end = index + 1;
    while (end < drawn.length && drawn[end].top < bottom - 0.5) {
      bottom = Math.max(bottom, drawn[end].top + drawn[end].height);
      end += 1;
    }
    const columns = end - index;
    for (let member = index; member < end; member += 1) {
      places.push({
        ...drawn[member],
        column: member - index,
        columns,
        first: member === index,
      });
    }
    index = end;
  }
  return places;
}

/**
 * The blocks of a window occurrence, each at least BLOCK_MIN_PX high; items that share a slot
 * stand side by side under a badge that counts them.
 */
function placedBlocks(
  context: AppContext,
  items: readonly ScheduleItem[],
  window: BroadcastWindow,
  input: WeekCalendarInput,
): HTMLElement[] {
  const { start, end } = windowMinutes(window);
  const height = cellHeight(window);
  const sorted = [...items].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const places = placeBlocks(
    sorted.map((item) => {
      const from = Math.max(start, minutesOfDay(item.startsAt)) - start;
      return { from, to: Math.min(end, minutesOfDay(item.endsAt)) - start };
    }),
    end - start,
    height,
  );
  return sorted.flatMap((item, index) => {
    const place = places[index];
    const element = block(context, item, { start, end }, input, height);
    element.style.top = `${place.top}px`;
    element.style.height = `${place.height}px`;
    element.classList.toggle('week-block-thin', place.height < TEXT_MIN_PX);
    if (place.columns === 1) return [element];
    element.style.left = `calc(${(place.column / place.columns) * 100}% + 2px)`;
    element.style.width = `calc(${100 / place.columns}% - 4px)`;
    element.classList.add('week-block-shared');
    if (!place.first) return [element];
    const badge = h(
      'span',
      {
        class: 'week-slot-count',
        'data-testid': 'week-slot-count',
        title: `${place.columns} mục cùng lúc`,
        'aria-hidden': 'true',
      },
      String(place.columns),
    );
    badge.style.top = `${place.top}px`;
    return [element, badge];
  });
}

/**
 * The week as a calendar: a column per day (Mon–Sun, today marked), a row per window of the
 * commune; each item a block sized by its duration in its topic's colour, relays and emergencies
 * drawn apart, and each window's free minutes under it. Items outside every window follow.
 */
export function weekCalendar(context: AppContext, input: WeekCalendarInput): HTMLElement {
  const dates = eachDate(input.from, addDays(input.from, 6));
  const current = today();
  const now = Date.now();
  const windows = [...input.windows].sort((a, b) => a.startTime.localeCompare(b.startTime));
  const placed = new Set<string>();
  const itemsIn = (window: BroadcastWindow, date: string): ScheduleItem[] => {
    const { start, end } = windowMinutes(window);
    return input.items.filter((item) => {
      if (localDateOf(item.startsAt) !== date) return false;
      const minute = minutesOfDay(item.startsAt);
      return minute >= start && minute < end;
    });
  };
  const head = h(
    'div',
    { class: 'week-row week-head' },
    h('div', { class: 'week-corner' }, 'Khung giờ'),
    dates.map((date) =>
      h(
        'div',
        {
          class: `week-day-head${date === current ? ' week-today' : ''}`,
          'data-testid': 'week-day',
          'data-date': date,
        },
        h('strong', null, weekdayShort(isoDayOfWeek(date))),
        ' ',
        formatDayMonth(date),
        date === current ? h('span', { class: 'badge badge-today' }, 'Hôm nay') : null,
      ),
    ),
  );
  const rows = windows.map((window) => {
    return h(
      'div',
      { class: 'week-row' },
      h(
        'div',
        { class: 'week-window' },
        h('strong', null, window.name),
        h('span', { class: 'muted' }, `${window.startTime}–${window.endTime}`),
      ),
      dates.map((date) => {
        if (!windowAppliesOn(window, date)) {
          return h(
            'div',
            { class: `week-cell week-cell-off${date === current ? ' week-today' : ''}` },
            h('span', { class: 'muted small' }, 'Không phát'),
          );
        }
        const inside = itemsIn(window, date);
        inside.forEach((item) => placed.add(item.id));
        // A window that is over has no free time left, however little it held.
        const over = windowOver(date, windowMinutes(window).end, now);
        const free = over ? 0 : freeMinutes(window, inside);
        const track = h(
          'div',
          { class: 'week-track' },
          placedBlocks(context, inside, window, input),
        );
        track.style.height = `${cellHeight(window)}px`;
        return h(
          'div',
          {
            class: `week-cell${date === current ? ' week-today' : ''}`,
            'data-testid': 'week-cell',
            'data-date': date,
            'data-window': window.id,
          },
          track,
          h(
            'span',
            {
              class: `week-free${free === 0 ? ' week-free-none' : ''}`,
              'data-testid': 'week-free',
            },
            over ? 'Đã qua' : free === 0 ? 'Đã kín' : `Trống ${free} phút`,
          ),
        );
      }),
    );
  });
  const outside = input.items.filter((item) => !placed.has(item.id));
  const wrap = h(
    'div',
    { class: 'week-calendar-wrap table-wrap' },
    h(
      'div',
      {
        class: 'week-calendar',
        role: 'region',
        'aria-label': 'Lịch tuần theo khung giờ',
        'data-testid': 'week-calendar',
      },
      head,
      windows.length === 0
        ? h('p', { class: 'muted week-empty' }, 'Xã chưa có khung giờ phát.')
        : rows,
    ),
    outside.length > 0
      ? h(
          'div',
          { class: 'week-outside' },
          h('h3', null, 'Ngoài khung giờ (phát khẩn cấp, tiếp âm)'),
          h(
            'div',
            { class: 'week-outside-list' },
            outside.map((item) => {
              const element = block(context, item, { start: 0, end: 1440 }, input);
              element.style.removeProperty('top');
              element.style.removeProperty('height');
              element.classList.add('week-block-inline');
              element.prepend(`${formatDayMonth(localDateOf(item.startsAt))} `);
              return element;
            }),
          ),
        )
      : null,
    h(
      'div',
      { class: 'legend week-legend', 'aria-hidden': 'true' },
      context.topics.slice(0, 8).map((topic) => topicChip(context, topic.code)),
      h('span', { class: 'legend-item week-legend-relay' }, 'Tiếp âm'),
      h('span', { class: 'legend-item week-legend-emergency' }, 'Khẩn cấp'),
    ),
  );
  // On a phone the week is wider than the screen: it opens scrolled to today, not to Monday.
  globalThis.setTimeout(() => scrollToToday(wrap), 0);
  return wrap;
}

/** Scrolls the calendar sideways so that today's column follows the (sticky) window names. */
function scrollToToday(wrap: HTMLElement): void {
  const todayHead = wrap.querySelector('.week-day-head.week-today');
  const corner = wrap.querySelector('.week-corner');
  if (!wrap.isConnected || !todayHead || !corner) return;
  const frame = wrap.getBoundingClientRect();
  const column = todayHead.getBoundingClientRect();
  if (column.right <= frame.right) return;
  wrap.scrollLeft += column.left - corner.getBoundingClientRect().right - 4;
}
