/**
 * A topic's week on the operator's progress page (Tiến độ tuần): what aired, what is planned, what
 * is missing, as numbers and as words. No DOM, so that the unit tests read it.
 */

import { formatSeconds, wholeMs } from './format.js';
import type { ComplianceRow, ScheduleItem } from './types.js';
import { breaches } from './policy-breaches.js';

/** One topic's week: what the as-run log says aired, what the log still plans, what is missing. */
export interface TopicWeek {
  topic: string;
  requiredSeconds: number;
  requiredPlays: number;
  airedSeconds: number;
  airedPlays: number;
  plannedSeconds: number;
  plannedPlays: number;
  missingSeconds: number;
  missingPlays: number;
}

/** Items that will still air: on the log, not yet aired or failed. */
const STILL_PLANNED = new Set(['planned', 'dispatched']);

/** Still to air, and within the policy in force (the player refuses the others). */
function willAir(item: ScheduleItem): boolean {
  return STILL_PLANNED.has(item.status) && !breaches(item);
}

/** Items still planned that the player will refuse under the policy in force. */
export function refusedItems(items: readonly ScheduleItem[]): ScheduleItem[] {
  return items.filter((item) => STILL_PLANNED.has(item.status) && breaches(item));
}

/**
 * The report's rows (aired and required, both computed by the server from the as-run log and
 * the campaign's rules) beside the program log's items still to air (not those the policy in force
 * makes the player refuse); only the difference is taken here.
 */
export function topicWeeks(
  rows: readonly ComplianceRow[],
  items: readonly ScheduleItem[],
): TopicWeek[] {
  return rows.map((row) => {
    const planned = items.filter((item) => willAir(item) && item.topics.includes(row.topic));
    const plannedSeconds = planned.reduce((sum, item) => sum + item.durationMs / 1000, 0);
    return {
      topic: row.topic,
      requiredSeconds: row.requiredSeconds,
      requiredPlays: row.requiredPlays,
      airedSeconds: row.airedSeconds,
      airedPlays: row.plays,
      plannedSeconds,
      plannedPlays: planned.length,
      // To the millisecond, as airtime is: 60 s less 32,166 s aired and 27,834 s planned is
      // 3,6e-15 s in floating point, which is met, not "Còn thiếu 0 giây".
      missingSeconds: Math.max(
        0,
        wholeMs(row.requiredSeconds - row.airedSeconds - plannedSeconds) / 1000,
      ),
      missingPlays: Math.max(0, row.requiredPlays - row.plays - planned.length),
    };
  });
}

export function weekMet(week: TopicWeek): boolean {
  return week.missingSeconds === 0 && week.missingPlays === 0;
}

/**
 * What aired or is planned, as a person says it beside the target (`42 giây`, `1 phút 30 giây`,
 * `12 phút`; formatSeconds). While the week is short of its target, it rounds down, so that what
 * aired and what is planned never read as reaching a target the row says is not met.
 */
export function airtimeText(week: TopicWeek, seconds: number): string {
  return formatSeconds(seconds, week.missingSeconds > 0 ? 'down' : 'nearest');
}

/**
 * `Còn thiếu 9 phút 18 giây · 2 lượt`: only what is still missing (no `0 giây` nor `0 lượt` beside
 * a shortfall of the other), a shortfall rounded up; a row met says so, as its head does
 * (`Đủ chỉ tiêu`), never `Còn thiếu 0 giây`.
 */
export function missingText(week: TopicWeek): string {
  if (weekMet(week)) return 'Đủ chỉ tiêu';
  const parts: string[] = [];
  if (week.missingSeconds > 0) parts.push(formatSeconds(week.missingSeconds, 'up'));
  if (week.missingPlays > 0) parts.push(`${week.missingPlays} lượt`);
  return `Còn thiếu ${parts.join(' · ')}`;
}

/**
 * ` (chỉ tiêu 20 phút, 3 lượt)`, leaving out a target the rule does not set; rounded up, as what
 * falls short of it rounds down.
 */
export function targetText(week: TopicWeek): string {
  const parts: string[] = [];
  if (week.requiredSeconds > 0) parts.push(formatSeconds(week.requiredSeconds, 'up'));
  if (week.requiredPlays > 0) parts.push(`${week.requiredPlays} lượt`);
  return parts.length > 0 ? ` (chỉ tiêu ${parts.join(', ')})` : '';
}
