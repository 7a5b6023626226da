import { errorText, get, patch } from '../api.js';
import { h } from '../dom.js';
import {
  formatDateLong,
  formatDayMonth,
  formatDayStart,
  formatDurationMs,
  formatFreeStarts,
  formatStartTime,
  formatStartTimes,
  formatTimeSeconds,
  isoDayOfWeek,
  localDateOf,
  localInstant,
  weekdayName,
} from '../format.js';
import type { FreeSlot, FreeSlots, ScheduleItem } from '../types.js';
import { timeInput } from './date-input.js';
import { openDialog } from './dialog.js';
import { actionButton, field, form, select } from './form.js';
import { freshFreeTimes, refusedStart } from './free-time.js';
import { loading, toast } from './notice.js';

/** Days ahead the move looks for free times in. */
const SLOT_DAYS = 7;

/**
 * "Dời giờ": asks the server where the item fits (each window occurrence of the next week, with
 * every start free there) and moves it to the occurrence and start the operator chooses, to the
 * second. The server checks the move as it checks a new item: its refusal shows in the dialog,
 * with the nearest free time it proposes one tap away (after a start that passed meanwhile, the
 * next free one, with the occurrences and free starts read again from now; refused by the broadcast
 * policy, the occurrence's earliest start within it).
 * Resolves true once it moved. The program log list and the week calendar both call this.
 */
export function moveItemDialog(commune: string, item: ScheduleItem): Promise<boolean> {
  let moved = false;
  const name = item.title ?? 'Bản tin';
  return openDialog(`Dời giờ: ${name}`, (close) => {
    const body = h('div', { 'data-testid': 'move-slots' }, loading('Đang tìm giờ trống…'));
    const move = async (startsAt: string): Promise<void> => {
      const done = await patch<ScheduleItem>(`/communes/${commune}/schedule/items/${item.id}`, {
        startsAt,
      });
      moved = true;
      toast(`Đã dời “${name}” sang ${formatDayStart(done.startsAt)}.`);
      close();
    };
    const slotsNow = (): Promise<FreeSlots> =>
      get<FreeSlots>(`/communes/${commune}/schedule/items/${item.id}/slots?days=${SLOT_DAYS}`);
    slotsNow()
      .then((found) =>
        body.replaceChildren(
          h(
            'p',
            { class: 'muted small' },
            `Đang xếp lúc ${formatStartTime(item.startsAt)} ${formatDateLong(localDateOf(item.startsAt))}, dài ${formatDurationMs(found.durationMs)}.`,
          ),
          found.slots.length === 0
            ? h('p', null, NO_SLOTS)
            : moveForm(item, found.slots, { move, slotsNow, close }),
        ),
      )
      .catch((error: unknown) => body.replaceChildren(h('p', null, errorText(error))));
    return body;
  }).then(() => moved);
}

const NO_SLOTS = `Không còn giờ trống nào đủ dài trong ${SLOT_DAYS} ngày tới.`;

/** The occurrence a slot is in: its window on its day. */
const occurrenceKey = (slot: FreeSlot): string => `${slot.windowId} ${slot.date}`;

/**
 * The occurrence (its earliest free time in its name) and the start: the item's own start in its
 * own occurrence, else the earliest free one, with the free starts beside the field. After a start
 * that passed while the dialog was open, both are read again from now (freshFreeTimes).
 */
function moveForm(
  item: ScheduleItem,
  firstSlots: readonly FreeSlot[],
  {
    move,
    slotsNow,
    close,
  }: {
    move: (startsAt: string) => Promise<void>;
    slotsNow: () => Promise<FreeSlots>;
    close: () => void;
  },
): HTMLFormElement {
  let slots = firstSlots;
  const occurrence = select([]);
  const chosen = (): FreeSlot | undefined => slots[Number(occurrence.value)];
  const freeText = (): string => {
    const slot = chosen();
    return slot ? `Giờ bắt đầu còn trống: ${formatFreeStarts(slot.freeStarts)}.` : NO_SLOTS;
  };
  const time = timeInput({ required: true, step: '1' });
  const timeField = field('Giờ bắt đầu', time, freeText());
  const showHint = (): void => {
    const hint = timeField.querySelector('.hint');
    if (hint) hint.textContent = freeText();
  };
  const showOccurrence = (): void => {
    const slot = chosen();
    if (slot) time.value = formatTimeSeconds(slot.sameOccurrence ? item.startsAt : slot.startsAt);
    showHint();
  };
  // The occurrences as listed, the one at `index` chosen.
  const listOccurrences = (index: number): void => {
    const earliest = formatStartTimes(slots.map((slot) => slot.startsAt));
    occurrence.replaceChildren(
      ...slots.map((slot, at) =>
        h(
          'option',
          { value: String(at), selected: at === index },
          // What tells them apart first: a phone's closed select shows only the start of it.
          `${weekdayName(isoDayOfWeek(slot.date))} ${formatDayMonth(slot.date)} · khung ${slot.windowName}${slot.sameOccurrence ? ' (đang xếp)' : ''} · trống từ ${earliest[at]}`,
        ),
      ),
    );
    occurrence.value = String(index);
    occurrence.disabled = slots.length === 0;
  };
  const own = slots.findIndex((slot) => slot.sameOccurrence);
  listOccurrences(Math.max(own, 0));
  occurrence.addEventListener('change', showOccurrence);
  showOccurrence();
  // Read again from now: the occurrence chosen stays chosen with the time typed, its free starts
  // as they are now; one that is over gives way to the earliest.
  const showFresh = (fresh: FreeSlots): void => {
    const before = chosen();
    slots = fresh.slots;
    const kept = before
      ? slots.findIndex((slot) => occurrenceKey(slot) === occurrenceKey(before))
      : -1;
    listOccurrences(Math.max(0, kept));
    if (kept >= 0) showHint();
    else showOccurrence();
  };
  // The earliest free start from now on, other than the one the item has (moving there changes
  // nothing).
  const nextFree = (fresh: FreeSlots): string | null =>
    fresh.slots.find((slot) => Date.parse(slot.startsAt) !== Date.parse(item.startsAt))?.startsAt ??
    null;
  // After an overlap refusal, the free time the server proposes nearest to the one refused.
  let proposed = '';
  const takeFree = actionButton(
    '',
    () => move(proposed),
    (error) => handle.message.showError(error),
    { class: 'secondary', hidden: true, 'data-testid': 'take-free-time' },
  );
  // A refusal and its proposal hold for what was refused: another choice takes both away.
  for (const control of [occurrence, time]) {
    for (const event of ['input', 'change']) {
      control.addEventListener(event, () => {
        takeFree.hidden = true;
        handle.message.show(null);
      });
    }
  }
  const handle = form(
    { 'aria-label': 'Dời giờ phát' },
    [field('Khung giờ', occurrence), timeField],
    'Dời giờ',
    async (message) => {
      takeFree.hidden = true;
      const slot = chosen();
      if (!slot) {
        message.show(NO_SLOTS);
        return;
      }
      const startsAt = localInstant(slot.date, time.value);
      if (Date.parse(startsAt) === Date.parse(item.startsAt)) {
        message.show(
          `Mục đang được xếp đúng lúc ${formatStartTime(item.startsAt)}: chọn giờ khác.`,
        );
        return;
      }
      try {
        await move(startsAt);
      } catch (error) {
        // As the add dialog: an overlap's nearest free start; a passed start said so with the next
        // free one, the free times read again; a start the broadcast policy refuses, with the
        // occurrence's earliest free start, which the server found within the policy when it
        // listed it.
        const earliest = slot.startsAt;
        const { free, text } = await refusedStart(error, {
          passed: freshFreeTimes(slotsNow, showFresh, nextFree),
          policy: () =>
            Promise.resolve(Date.parse(earliest) !== Date.parse(startsAt) ? earliest : null),
        });
        if (free) {
          proposed = free;
          takeFree.textContent = `Dời vào lúc ${formatStartTime(free)}`;
          takeFree.hidden = false;
        }
        if (!text) throw error;
        message.show(text);
      }
    },
    [takeFree, h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
  );
  return handle.form;
}
