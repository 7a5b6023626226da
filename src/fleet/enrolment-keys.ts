import { enrolmentCovers, TargetItem } from './device-targeting';
import type { DeviceEnrolment } from './entities/device-enrolment.entity';

/** What the key choice reads of an enrolment. */
export type KeyedEnrolment = Pick<
  DeviceEnrolment,
  'seq' | 'publicKey' | 'enrolledAt' | 'endedAt' | 'endedBy'
>;

type ItemTimes = Pick<TargetItem, 'startsAt' | 'endsAt'>;

/**
 * What the enrolment whose key signed a receipt makes of it, for an item of the device's commune
 * and zones:
 * - `sent`: the item was sent to the device under that enrolment: its key vouches for it;
 * - `key-ended`: that enrolment had ended (re-keyed or revoked) before the item started: an old
 *   key vouches for nothing sent later (a stolen box's key, or a box that played from its cache
 *   after its credentials were taken);
 * - `key-newer`: that enrolment began after the item ended, the device having enrolled before
 *   (the item was sent under an earlier enrolment, or fell between two): only the key of an
 *   enrolment it was sent under vouches for it;
 * - `not-sent`: the device was not enrolled at all before the item ended.
 */
export type SigningVerdict =
  { kind: 'sent' | 'key-ended' | 'key-newer'; enrolment: KeyedEnrolment } | { kind: 'not-sent' };

/** Latest enrolment first. */
function latestFirst(enrolments: readonly KeyedEnrolment[]): KeyedEnrolment[] {
  return [...enrolments].sort((a, b) => b.seq - a.seq);
}

/**
 * The device's distinct keys in the order a receipt of `item` is checked against them: the keys
 * of the enrolments the item was sent under first, then the others, latest first in each. One
 * key verifies a receipt; trying the likely one first keeps an upload at one check a receipt.
 */
export function keysToTry(enrolments: readonly KeyedEnrolment[], item: ItemTimes | null): string[] {
  const ordered = latestFirst(enrolments);
  const sentUnder = item ? ordered.filter((enrolment) => enrolmentCovers(enrolment, item)) : [];
  return [...new Set([...sentUnder, ...ordered].map((enrolment) => enrolment.publicKey))];
}

/**
 * The verdict on a receipt of `item` signed with `signingKey`, one of the device's enrolment keys
 * (a box that enrols again with the same key holds it in several enrolments: any of them that
 * was sent the item vouches for it).
 */
export function signingVerdict(
  enrolments: readonly KeyedEnrolment[],
  signingKey: string,
  item: ItemTimes,
): SigningVerdict {
  const ordered = latestFirst(enrolments);
  const signers = ordered.filter((enrolment) => enrolment.publicKey === signingKey);
  const sent = signers.find((enrolment) => enrolmentCovers(enrolment, item));
  if (sent) return { kind: 'sent', enrolment: sent };
  const ended = signers.find(
    (enrolment) => enrolment.endedAt !== null && enrolment.endedAt <= item.startsAt,
  );
  if (ended) return { kind: 'key-ended', enrolment: ended };
  // Before the item ended, not as it ended (`spanHeldDuring`'s end of an item).
  const enrolledBefore = ordered.some((enrolment) => enrolment.enrolledAt < item.endsAt);
  if (enrolledBefore && signers.length > 0) return { kind: 'key-newer', enrolment: signers[0] };
  return { kind: 'not-sent' };
}
