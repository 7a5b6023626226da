import { errorText, get, patch } from '../api.js';
import { h } from '../dom.js';
import {
  formatDayStart,
  formatDateLong,
  formatDurationMs,
  formatStartTime,
  formatStartTimes,
  localDateOf,
} from '../format.js';
import type { ScheduleItem } from '../types.js';
import { openDialog } from './dialog.js';
import { loading, messageBox, toast } from './notice.js';

/** A free time the server proposes for an item (`GET …/schedule/items/:id/slots`). */
export interface FreeSlot {
  windowId: string;
  windowName: string;
  date: string;
  startsAt: string;
  endsAt: string;
  localTime: string;
  sameOccurrence: boolean;
}

interface FreeSlots {
  itemId: string;
  durationMs: number;
  slots: FreeSlot[];
}

/** Days ahead the move proposes free times in. */
const SLOT_DAYS = 7;

/**
 * "Dời giờ": asks the server for the free times an item fits in (one per window occurrence, the
 * next week), and moves it to the one chosen with the checks of a new item. Resolves true once it
 * moved. The program log list and the week calendar both call this.
 */
export function moveItemDialog(commune: string, item: ScheduleItem): Promise<boolean> {
  let moved = false;
  const name = item.title ?? 'Bản tin';
  return openDialog(`Dời giờ: ${name}`, (close) => {
    const message = messageBox();
    const body = h('div', { 'data-testid': 'move-slots' }, loading('Đang tìm giờ trống…'));
    const choose = async (slot: FreeSlot, button: HTMLButtonElement): Promise<void> => {
      button.disabled = true;
      message.show(null);
      try {
        await patch(`/communes/${commune}/schedule/items/${item.id}`, { startsAt: slot.startsAt });
        moved = true;
        toast(`Đã dời “${name}” sang ${formatDayStart(slot.startsAt)}.`);
        close();
      } catch (error) {
        message.show(errorText(error));
        button.disabled = false;
      }
    };
    get<FreeSlots>(`/communes/${commune}/schedule/items/${item.id}/slots?days=${SLOT_DAYS}`)
      .then((found) => {
        const slots = found.slots.filter((slot) => slot.startsAt !== item.startsAt);
        const times = formatStartTimes(slots.map((slot) => slot.startsAt));
        body.replaceChildren(
          h(
            'p',
            { class: 'muted small' },
            `Đang xếp lúc ${formatStartTime(item.startsAt)} ${formatDateLong(localDateOf(item.startsAt))}, dài ${formatDurationMs(found.durationMs)}. Chọn giờ trống sớm nhất của một khung giờ:`,
          ),
          slots.length === 0
            ? h('p', null, `Không còn giờ trống nào đủ dài trong ${SLOT_DAYS} ngày tới.`)
            : h(
                'ul',
                { class: 'slot-list' },
                slots.map((slot, index) => {
                  const button = h(
                    'button',
                    { type: 'button', class: 'secondary small', 'data-testid': 'move-slot' },
                    `${formatDateLong(slot.date)} · ${times[index]} · khung ${slot.windowName}${slot.sameOccurrence ? ' (cùng khung)' : ''}`,
                  );
                  button.addEventListener('click', () => void choose(slot, button));
                  return h('li', null, button);
                }),
              ),
        );
      })
      .catch((error: unknown) => body.replaceChildren(h('p', null, errorText(error))));
    return h('div', null, body, message.element);
  }).then(() => moved);
}
