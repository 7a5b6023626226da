import type { StatsPushDelivery } from '../entities/stats-push-delivery.entity';

/**
 * What a sweep does with a finished day, given its latest delivery and the hash of its numbers now:
 * - `new`: never sent, or the numbers changed since the latest revision was sent (delivered, or
 *   tried: a receiver may have stored it without our hearing back) — a new revision;
 * - `update`: the latest revision was never tried and the numbers changed: it takes them, keeping
 *   its number (no receiver saw it);
 * - `resend`: same numbers, not delivered yet: its job is queued again;
 * - `none`: same numbers, delivered.
 */
export type PushStep = 'new' | 'update' | 'resend' | 'none';

export function pushStep(
  latest: Pick<StatsPushDelivery, 'contentHash' | 'status' | 'attempts'> | undefined,
  hash: string,
): PushStep {
  if (!latest) return 'new';
  const delivered = latest.status === 'delivered';
  if (latest.contentHash === hash) return delivered ? 'none' : 'resend';
  return delivered || latest.attempts > 0 ? 'new' : 'update';
}
