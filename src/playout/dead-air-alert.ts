import { formatDayMonthTime } from '../common/local-time';
import { viNumber } from '../common/vi-number';

/**
 * The dead-air alert's message (Vietnamese: operators read it): the commune's station, the
 * silence it outlasted (`PLAYOUT_DEAD_AIR_SECONDS`, grouped as prose writes numbers), the item
 * and when, in the commune's local day and time as messages give them (not an ISO instant).
 */
export function deadAirAlertText(
  communeCode: string,
  seconds: number,
  title: string,
  at: Date,
): string {
  return `Đài xã ${communeCode} phát im lặng quá ${viNumber(seconds)} giây trong "${title}" (lúc ${formatDayMonthTime(at)})`;
}
