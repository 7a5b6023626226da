/**
 * A cell of the compliance grid as words, for the province grid and the commune page. No DOM, so
 * that the unit tests read it.
 */

import { formatAirtimeAgainst, formatSeconds } from './format.js';
import type { ComplianceRow, TopicToDate } from './types.js';

/** A grid cell: a pinned row and its target to date (the server's pro rata over the passed days). */
export interface Cell extends ComplianceRow {
  toDate: TopicToDate;
}

/** `· 3/4 lượt`, or nothing for a topic without a plays target. */
const plays = (aired: number, required: number): string[] =>
  required > 0 ? [`· ${aired}/${required} lượt`] : [];

/**
 * A cell's words in the pieces a narrow column may break between (the grid keeps each piece on
 * one line): `12 phút 24 giây / 20 phút`, `· 3/4 lượt`; while the range runs, the targets to date
 * and then the whole range's: `12 phút 24 giây / 20 phút`, `đến hôm nay`, `(cả đợt 5 giờ 10 phút)`,
 * `· 3/4 lượt`. Durations read as on the progress page (formatSeconds), and airtime short of its
 * target never reads as reaching it (formatAirtimeAgainst). A topic without an airtime target
 * reads the airtime alone: `12 phút 30 giây`, `· 3/4 lượt`.
 */
export function cellParts(cell: Cell): string[] {
  const target = cell.toDate;
  // A rule without an airtime target: what aired, against nothing (not `/ 0 giây`).
  if (cell.requiredSeconds <= 0) {
    return [formatSeconds(cell.airedSeconds), ...plays(cell.plays, target.requiredPlays)];
  }
  const running =
    target.requiredSeconds !== cell.requiredSeconds || target.requiredPlays !== cell.requiredPlays;
  if (!running) {
    return [
      formatAirtimeAgainst(cell.airedSeconds, cell.requiredSeconds),
      ...plays(cell.plays, cell.requiredPlays),
    ];
  }
  return [
    formatAirtimeAgainst(cell.airedSeconds, target.requiredSeconds),
    'đến hôm nay',
    `(cả đợt ${formatSeconds(cell.requiredSeconds, 'up')})`,
    ...plays(cell.plays, target.requiredPlays),
  ];
}

/** A cell in one line: `12 phút 24 giây / 20 phút đến hôm nay (cả đợt 5 giờ 10 phút) · 3/4 lượt`. */
export function cellText(cell: Cell): string {
  return cellParts(cell).join(' ');
}
