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

/** A refusal because the item would break the commune's broadcast policy (`POLICY_*`). */
function brokePolicy(error: unknown): boolean {
  return error instanceof ApiError && (error.code ?? '').startsWith('POLICY_');
}

/** What a dialog that adds or moves an item makes of a refused start. */
export interface RefusedStart {
  /** The start to offer one click away, if there is one. */
  free: string | null;
  /**
   * For a start that has passed or that the broadcast policy refuses, the refusal's words with
   * the start offered; else null (the dialog shows the refusal as it is).
   */
  text: string | null;
}

/** Where a dialog finds the start to offer after a refusal. */
export interface StartFinders {
  /**
   * The next free start from now, after a start that passed while the dialog was open: the time
   * has moved on, so the dialog reads its free times again and shows them (freshFreeTimes).
   */
  passed: () => Promise<string | null>;
  /** The first free start the broadcast policy allows, after a `POLICY_*` refusal. */
  policy: () => Promise<string | null>;
}

/**
 * A refused start in the add and the move dialogs: the free start an overlap refusal names; for
 * a start that passed while the dialog was open, the next free one, with the refusal's words
 * (“… đã qua (bây giờ là 06:08:00). Giờ trống gần nhất: 06/10 06:10.”); for a start the broadcast
 * policy refuses, the first it allows, with the server's message (“…. Giờ gần nhất được phép
 * phát: 08/03 17:00.”). Any other refusal is for the dialog to show as it is.
 */
export async function refusedStart(error: unknown, finders: StartFinders): Promise<RefusedStart> {
  if (startHasPassed(error)) {
    return offer(
      error,
      await finders.passed(),
      'Giờ trống gần nhất',
      'Hãy chọn một giờ khác trong khung giờ phát.',
    );
  }
  if (brokePolicy(error)) {
    return offer(
      error,
      await finders.policy(),
      'Giờ gần nhất được phép phát',
      'Hãy chọn giờ khác mà quy định phát sóng cho phép.',
    );
  }
  return { free: nearestFreeStart(error), text: null };
}

/** The refusal's words, then the start `free` offered under `label`, or `none` without one. */
function offer(error: unknown, free: string | null, label: string, none: string): RefusedStart {
  return {
    free,
    text: `${errorText(error)}. ` + (free ? `${label}: ${formatDayStart(free)}.` : none),
  };
}

/**
 * The `passed` finder of a dialog that shows free times read from the service when it opened (the
 * move dialog's occurrences and free starts, the add dialog's proposed start): once a start has
 * passed, those may name starts that have passed too. It reads them again, shows them in place of
 * the old, and gives the next free start among them. Without an answer the dialog keeps what it
 * shows and offers nothing: it still says that the start has passed.
 */
export function freshFreeTimes<T>(
  read: () => Promise<T>,
  show: (fresh: T) => void,
  next: (fresh: T) => string | null,
): () => Promise<string | null> {
  return async () => {
    let fresh: T;
    try {
      fresh = await read();
    } catch {
      // The proposal is a help: without it the refusal still reads in full.
      return null;
    }
    show(fresh);
    return next(fresh);
  };
}
