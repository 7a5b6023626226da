import { JobsOptions } from 'bullmq';

/** Every queue of the service. */
export const QueueName = {
  Audio: 'audio',
  Playout: 'playout',
  Maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Job names and their payloads, by queue. */
export interface JobPayloads {
  'audio.process': { assetId: string };
  /** `startsAt` (ISO) lets the dispatcher see that an item moved and replace its job. */
  'playout.play': { scheduleItemId: string; startsAt?: string };
  'maintenance.rollup': { date?: string };
  /** `all`: every chain, not only those that grew since they were last verified. */
  'maintenance.chain-check': { all?: boolean };
  /** Signs a checkpoint of every commune's chain head that moved since its last one. */
  'maintenance.checkpoints': Record<string, never>;
  /** Finds the statistics feed's finished days (and corrected ones) to push, and queues them. */
  'maintenance.stats-push': Record<string, never>;
  /** POSTs one revision of a province's day to the province's push target. */
  'maintenance.stats-delivery': { deliveryId: string };
}
export type JobName = keyof JobPayloads;
export type JobOf<N extends JobName> = JobPayloads[N];

/**
 * Deterministic job ids, so a replay or a second instance never doubles a job. BullMQ refuses
 * `:` in a custom id (it separates Redis keys), so ids are joined with `-`.
 */
export function jobId<N extends JobName>(name: N, payload: JobOf<N>): string {
  let id: string;
  switch (name) {
    case 'audio.process':
      id = `audio-${(payload as JobOf<'audio.process'>).assetId}`;
      break;
    case 'playout.play':
      id = `play-${(payload as JobOf<'playout.play'>).scheduleItemId}`;
      break;
    case 'maintenance.chain-check':
      id = `chain-check-${(payload as JobOf<'maintenance.chain-check'>).all ? 'all' : 'grown'}`;
      break;
    case 'maintenance.checkpoints':
      id = 'checkpoints';
      break;
    case 'maintenance.stats-push':
      id = 'stats-push';
      break;
    case 'maintenance.stats-delivery':
      id = `stats-delivery-${(payload as JobOf<'maintenance.stats-delivery'>).deliveryId}`;
      break;
    default:
      id = `rollup-${(payload as JobOf<'maintenance.rollup'>).date ?? 'catch-up'}`;
  }
  if (id.includes(':')) throw new Error(`Job id must not contain ":" (${id})`);
  return id;
}

/** Job options decided in one place: id, attempts, backoff, retention. */
export function jobOptions<N extends JobName>(
  name: N,
  payload: JobOf<N>,
  extra: JobsOptions = {},
): JobsOptions {
  const base: JobsOptions = {
    jobId: jobId(name, payload),
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  };
  switch (name) {
    case 'audio.process':
      return { ...base, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...extra };
    case 'playout.play':
      // A play is never retried by the queue: a late retry would air late. The as-run log decides.
      return {
        ...base,
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
        ...extra,
      };
    case 'maintenance.stats-delivery':
      // A receiver may be down for hours: about 2 h of retries at the default first delay (30 s).
      return { ...base, attempts: 9, backoff: { type: 'exponential', delay: 30_000 }, ...extra };
    default:
      return { ...base, attempts: 3, backoff: { type: 'exponential', delay: 5000 }, ...extra };
  }
}
