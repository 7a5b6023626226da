import { viNumber } from '../../common/vi-number';
import type { ReceiptOutcome, ReceiptSegment } from '../../fleet/protocol';
import type { AutomationOutcome } from '../automation-recorder';
import type { DeviceCoverage } from '../entities/playout-record.entity';
import { RECEIPT_CLOCK_TOLERANCE_MS } from './receipt-plausibility';

/** What the commune record needs of a receipt. */
export interface CountedReceipt {
  deviceId: string;
  startedAt: string | null;
  playedMs: number;
  outcome: ReceiptOutcome;
  /** A relay's segments, as the device signed them (protocol 2). */
  segments?: ReceiptSegment[] | null;
}

/** What the commune record needs of the item: when it was planned, how long its audio is. */
export interface PlannedItem {
  startsAt: Date;
  durationMs: number;
}

/** The commune's record of an item, from its devices' receipts. */
export interface CommuneCoverage extends AutomationOutcome {
  devices: DeviceCoverage;
}

const RANK: Record<ReceiptOutcome, number> = { aired: 3, partial: 2, missed: 1 };

/** A device's best receipt for the item: the fullest play, then the longest. */
function better(a: CountedReceipt, b: CountedReceipt): CountedReceipt {
  if (RANK[a.outcome] !== RANK[b.outcome]) return RANK[a.outcome] > RANK[b.outcome] ? a : b;
  return a.playedMs >= b.playedMs ? a : b;
}

/**
 * Earliest start among `plays`, and the longest played (DESIGN.md principle 6), each held to the
 * item: a start no earlier than the clock tolerance before its planned start, no longer than its
 * audio. The intake refuses receipts beyond these; the clamp keeps one device's absurd value from
 * standing for the commune all the same.
 */
function span(
  plays: readonly CountedReceipt[],
  plan: PlannedItem,
): { startedAt: Date; playedMs: number; segments?: ReceiptSegment[] } {
  const plannedStart = plan.startsAt.getTime();
  const earliestStart = plannedStart - RECEIPT_CLOCK_TOLERANCE_MS;
  let startedAt = Infinity;
  let playedMs = 0;
  let longest: CountedReceipt | undefined;
  for (const play of plays) {
    if (play.startedAt !== null) {
      startedAt = Math.min(startedAt, Math.max(earliestStart, Date.parse(play.startedAt)));
    }
    if (!longest || play.playedMs > longest.playedMs) longest = play;
    playedMs = Math.max(playedMs, Math.min(play.playedMs, plan.durationMs));
  }
  // The intake refuses plays without a start; the planned start stands in all the same.
  return {
    startedAt: new Date(Number.isFinite(startedAt) ? startedAt : plannedStart),
    playedMs,
    // A relay's record lists the segments of the box that played the most programme.
    ...(longest?.segments ? { segments: longest.segments } : {}),
  };
}

export function coverageReason(devices: DeviceCoverage): string {
  if (devices.targeted === 0) return 'Không có cụm loa nào trong vùng phát của mục này';
  return (
    `Theo biên nhận của ${viNumber(devices.targeted)} cụm loa: ${viNumber(devices.aired)} phát đủ, ` +
    `${viNumber(devices.partial)} phát một phần, ${viNumber(devices.missed)} không phát, ` +
    `${viNumber(devices.unreported)} chưa báo cáo`
  );
}

/**
 * The commune's outcome for an item from the receipts of its devices: `aired` when at least one
 * device played it whole, `partial` when some played part of it, `missed` otherwise. `startedAt`
 * is the earliest start among the devices of that outcome, `playedMs` the longest played, and
 * `endedAt` their sum, each held to the item (`span`). `targeted` are the devices the item was sent to; a device that reported
 * without being among them now (its zones changed since) still counts.
 */
export function communeCoverage(
  plan: PlannedItem,
  targeted: readonly string[],
  receipts: readonly CountedReceipt[],
): CommuneCoverage {
  const best = new Map<string, CountedReceipt>();
  for (const receipt of receipts) {
    const earlier = best.get(receipt.deviceId);
    best.set(receipt.deviceId, earlier ? better(earlier, receipt) : receipt);
  }
  const devices = new Set([...targeted, ...best.keys()]);
  const plays = [...best.values()];
  const aired = plays.filter((play) => play.outcome === 'aired');
  const partial = plays.filter((play) => play.outcome === 'partial');
  const coverage: DeviceCoverage = {
    targeted: devices.size,
    aired: aired.length,
    partial: partial.length,
    missed: plays.length - aired.length - partial.length,
    unreported: devices.size - plays.length,
  };
  const reason = coverageReason(coverage);
  const counted = aired.length > 0 ? aired : partial;
  if (counted.length === 0) {
    return {
      outcome: 'missed',
      startedAt: plan.startsAt,
      endedAt: plan.startsAt,
      playedMs: 0,
      reason,
      devices: coverage,
    };
  }
  const { startedAt, playedMs, segments } = span(counted, plan);
  return {
    outcome: aired.length > 0 ? 'aired' : 'partial',
    startedAt,
    endedAt: new Date(startedAt.getTime() + playedMs),
    playedMs,
    ...(segments ? { segments } : {}),
    reason,
    devices: coverage,
  };
}
