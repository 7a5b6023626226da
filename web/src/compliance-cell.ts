/**
 * A cell of the compliance grid as words, for the province grid and the commune page. No DOM, so
 * that the unit tests read it.
 */

import { formatAirtimeAgainst, formatNumber } from './format.js';
import type { ComplianceRow, TopicToDate } from './types.js';

/** A grid cell: a pinned row and its target to date (the server's pro rata over the passed days). */
export interface Cell extends ComplianceRow {
  toDate: TopicToDate;
}

const minutes = (seconds: number): string => formatNumber(Math.round(seconds / 6) / 10);

/** ` · 3/4 lượt`, or nothing for a topic without a plays target. */
const plays = (aired: number, required: number): string =>
  required > 0 ? ` · ${aired}/${required} lượt` : '';

/**
 * `12,5/20 phút · 3/4 lượt`; while the range runs, the targets to date and the whole range's:
 * `12,5/20 phút đến hôm nay (cả đợt 310) · 3/4 lượt`. A target under a minute reads in seconds
 * (`24/26 giây đến hôm nay (cả đợt 2,2 phút)`), and airtime short of its target never reads as
 * reaching it (formatAirtimeAgainst). A topic without an airtime target reads `12,5 phút · 3/4 lượt`.
 */
export function cellText(cell: Cell): string {
  const target = cell.toDate;
  // A rule without an airtime target: the minutes aired, against nothing (not `/0`).
  if (cell.requiredSeconds <= 0) {
    return `${minutes(cell.airedSeconds)} phút${plays(cell.plays, target.requiredPlays)}`;
  }
  const running =
    target.requiredSeconds !== cell.requiredSeconds || target.requiredPlays !== cell.requiredPlays;
  if (!running) {
    const airtime = formatAirtimeAgainst(cell.airedSeconds, cell.requiredSeconds);
    return `${airtime.text} ${airtime.unit}${plays(cell.plays, cell.requiredPlays)}`;
  }
  const airtime = formatAirtimeAgainst(cell.airedSeconds, target.requiredSeconds);
  const whole = minutes(cell.requiredSeconds) + (airtime.unit === 'phút' ? '' : ' phút');
  return (
    `${airtime.text} ${airtime.unit} đến hôm nay (cả đợt ${whole})` +
    plays(cell.plays, target.requiredPlays)
  );
}
