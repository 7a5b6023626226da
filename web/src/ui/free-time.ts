import { ApiError, errorText } from '../api.js';
import { formatDayStart } from '../format.js';

/** The free start an overlap refusal proposes (`nearestFreeSlot`), if it proposes one. */
function nearestFreeStart(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'SCHEDULE_OVERLAP') return null;
  const body = error.body as { nearestFreeSlot?: { startsAt?: string } | null } | undefined;
  return body?.nearestFreeSlot?.startsAt ?? null;
}

/** A refusal because the chosen start has passed (an operator who took a while over the dialog). */
function startHasPassed(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'SCHEDULE_IN_PAST';
}

/** What a dialog that adds or moves an item makes of a refused start. */
export interface RefusedStart {
  /** The start to offer one click away, if there is one. */
  free: string | null;
  /** For a start that has passed, the words that say so with the next free start; else null. */
  passedText: string | null;
}

/**
 * A refused start in the add and the move dialogs: the free start an overlap refusal names, or,
 * for a start that passed while the dialog was open, the next free one `nextFree` finds, and then
 * the refusal's words with that start (“… đã qua (bây giờ là 06:08:00). Giờ trống gần nhất: 06/10
 * 06:10.”). Any other refusal is for the dialog to show as it is.
 */
export async function refusedStart(
  error: unknown,
  nextFree: () => Promise<string | null>,
): Promise<RefusedStart> {
  if (!startHasPassed(error)) return { free: nearestFreeStart(error), passedText: null };
  const free = await nextFree();
  return {
    free,
    passedText:
      `${errorText(error)}. ` +
      (free
        ? `Giờ trống gần nhất: ${formatDayStart(free)}.`
        : 'Hãy chọn một giờ khác trong khung giờ phát.'),
  };
}
