import { ApiError } from '../api.js';

/** The free start an overlap refusal proposes (`nearestFreeSlot`), if it proposes one. */
export function nearestFreeStart(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'SCHEDULE_OVERLAP') return null;
  const body = error.body as { nearestFreeSlot?: { startsAt?: string } | null } | undefined;
  return body?.nearestFreeSlot?.startsAt ?? null;
}

/** A refusal because the chosen start has passed (an operator who took a while over the dialog). */
export function startHasPassed(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'SCHEDULE_IN_PAST';
}
