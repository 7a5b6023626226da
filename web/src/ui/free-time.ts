import { ApiError } from '../api.js';

/** The free start an overlap refusal proposes (`nearestFreeSlot`), if it proposes one. */
export function nearestFreeStart(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'SCHEDULE_OVERLAP') return null;
  const body = error.body as { nearestFreeSlot?: { startsAt?: string } | null } | undefined;
  return body?.nearestFreeSlot?.startsAt ?? null;
}
