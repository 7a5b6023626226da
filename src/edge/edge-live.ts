import { viNumber } from '../common/vi-number';
import type { PlayedOutcome } from '../playout/player/play-outcome';

/** A `play-live` as the playback takes it. */
export interface LiveOrder {
  scheduleItemId: string;
  /** The stream's path on the server. */
  url: string;
  /** When the speaker began (ISO 8601). */
  startsAt: string;
}

/** A cluster that starts the live speech this much after the speaker began missed its start. */
export const LIVE_LATE_JOIN_MS = 5000;

/**
 * A live play's receipt outcome: as any play's, except that a cluster that joined late (it was
 * offline when the session began, or busy with an emergency) did not air the whole speech.
 */
export function liveOutcome(
  played: PlayedOutcome,
  order: Pick<LiveOrder, 'startsAt'>,
): PlayedOutcome {
  const lateMs = played.startedAt.getTime() - Date.parse(order.startsAt);
  if (played.outcome !== 'aired' || lateMs <= LIVE_LATE_JOIN_MS) return played;
  return {
    ...played,
    outcome: 'partial',
    reason: `Cụm loa vào phiên phát trực tiếp muộn ${viNumber(lateMs / 1000)} giây (mất kết nối hoặc bận)`,
  };
}

/**
 * Cuts a byte stream of 16-bit samples into whole samples: a chunk of odd length keeps its last
 * byte for the next one (a pipe does not respect sample boundaries).
 */
export function wholeSamples(): (data: Buffer) => Buffer {
  let carry: Buffer | null = null;
  return (data) => {
    const all = carry ? Buffer.concat([carry, data]) : data;
    const whole = all.length - (all.length % 2);
    carry = whole < all.length ? Buffer.from(all.subarray(whole)) : null;
    return all.subarray(0, whole);
  };
}
