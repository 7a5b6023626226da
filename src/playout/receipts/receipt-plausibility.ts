import type { Receipt } from '../../fleet/protocol';
import type { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { ITEM_EARLY_TOLERANCE_MS } from '../record-preparer';
import { ReceiptRejection } from './receipt.view';

/**
 * How far a box's clock may be from the server's before its times are not believed: the minute a
 * record of an item may start early by (a clock set by hand), used both ways. The fleet alerts a
 * skew past 2 s long before this.
 */
export const RECEIPT_CLOCK_TOLERANCE_MS = ITEM_EARLY_TOLERANCE_MS;
/** A play may last this much longer than the item's audio (decoder and sound card clocks, a live stream's lag). */
export const RECEIPT_LENGTH_TOLERANCE_MS = 5000;

/** Why a genuine, linked receipt's play could not have happened (docs/device-protocol.md § 5). */
export type ImplausibleProblem = Exclude<
  ReceiptRejection,
  ReceiptRejection.KeyEnded | ReceiptRejection.KeyNewer | ReceiptRejection.OtherZones
>;

export interface Implausible {
  problem: ImplausibleProblem;
  message: string;
}

/** What a receipt's times are checked against. */
export interface ReceiptTimeRules {
  /** When the server received the upload. */
  now: Date;
  /** `PLAYOUT_LATE_TOLERANCE_MS`: a box never starts an item later than that after its start. */
  lateToleranceMs: number;
}

/**
 * Whether a receipt tells a play that could have happened, judged against the item it names: not
 * after the upload was received, starting around the item's planned start (the box's own rule:
 * not before it, not later than the late tolerance; a live announcement's or an emergency's boxes
 * join while it lasts), not longer than the item's audio, and not of an item cancelled before the play began
 * (a box that played an item before it was cancelled reports it truly). A `missed` receipt has no
 * times: only the cancellation is checked, against the item's planned start. Null: plausible.
 */
export function implausibility(
  receipt: Receipt,
  item: ScheduleItem,
  rules: ReceiptTimeRules,
): Implausible | null {
  const startedAt = receipt.startedAt === null ? null : Date.parse(receipt.startedAt);
  const endedAt = receipt.endedAt === null ? null : Date.parse(receipt.endedAt);
  if (item.status === 'cancelled') {
    // A cancelled item is not changed again: its last update is its cancellation.
    const cancelledAt = item.updatedAt.getTime();
    const began = startedAt ?? item.startsAt.getTime();
    if (began > cancelledAt + RECEIPT_CLOCK_TOLERANCE_MS) {
      return {
        problem: ReceiptRejection.Cancelled,
        message:
          `item ${item.id} was cancelled at ${item.updatedAt.toISOString()}, before this ` +
          `${receipt.startedAt === null ? 'planned start' : 'play'} (${new Date(began).toISOString()})`,
      };
    }
  }
  if (startedAt === null || endedAt === null) return null;
  const latest = rules.now.getTime() + RECEIPT_CLOCK_TOLERANCE_MS;
  if (endedAt > latest) {
    return {
      problem: ReceiptRejection.Future,
      message:
        `endedAt ${receipt.endedAt} is after the upload was received ` +
        `(${rules.now.toISOString()}): a receipt tells what has been played`,
    };
  }
  const earliestStart = item.startsAt.getTime() - RECEIPT_CLOCK_TOLERANCE_MS;
  // A live announcement's boxes join while it lasts; an emergency's command reaches a box that
  // comes back online while it lasts (sent again then), and the box plays it at once.
  const lastStart =
    item.source === 'live' || item.source === 'emergency'
      ? item.endsAt.getTime()
      : item.startsAt.getTime() + rules.lateToleranceMs;
  const latestStart = lastStart + RECEIPT_CLOCK_TOLERANCE_MS;
  if (startedAt < earliestStart || startedAt > latestStart) {
    return {
      problem: ReceiptRejection.OffTime,
      message:
        `startedAt ${receipt.startedAt} is not around item ${item.id}'s planned start ` +
        `${item.startsAt.toISOString()}: a play of it starts between ` +
        `${new Date(earliestStart).toISOString()} and ${new Date(latestStart).toISOString()}`,
    };
  }
  const longest = item.durationMs + RECEIPT_LENGTH_TOLERANCE_MS;
  const spanMs = endedAt - startedAt;
  if (receipt.playedMs > longest || spanMs > longest) {
    return {
      problem: ReceiptRejection.TooLong,
      message:
        `playedMs ${receipt.playedMs} (endedAt − startedAt ${spanMs} ms) is longer than ` +
        `item ${item.id}'s ${item.durationMs} ms`,
    };
  }
  return null;
}
