import { airtimeAgainst, formatDayMonth, formatDayShort, formatSeconds } from './format.js';
import type { DayProgress } from './types.js';

/**
 * A week's days against the campaign's daily minimum (`minDailySeconds` of campaign airtime a
 * day). The judgement is the server's (`GET …/schedule/gaps`, the planner's own measure of the
 * program log: what aired and what is still to air); this only sorts the days for the page.
 */
export interface DailyMinimum {
  requiredSeconds: number;
  days: readonly DayProgress[];
  /** Days from today on still under the minimum: a plan can still fill them. */
  open: DayProgress[];
  /** Days before today that stayed under it: too late to fill. */
  missed: DayProgress[];
  met: boolean;
}

/** Null when the campaign asks for no daily minimum. */
export function dailyMinimum(
  days: readonly DayProgress[],
  requiredSeconds: number,
  today: string,
): DailyMinimum | null {
  if (requiredSeconds <= 0) return null;
  const short = days.filter((day) => !day.met);
  return {
    requiredSeconds,
    days,
    open: short.filter((day) => day.date >= today),
    missed: short.filter((day) => day.date < today),
    met: short.length === 0,
  };
}

/**
 * "T2 07/12: có 2 phút 32 giây; còn thiếu 2 phút 28 giây". What a day has rounds down while it is
 * short and what it lacks rounds up, as on the rows above (airtimeAgainst): 0,4 s short reads
 * "có 4 phút 59 giây; còn thiếu 1 giây", never "có 5 phút" or "còn thiếu 0 giây".
 */
export function dayMinimumText(day: DayProgress, today: string): string {
  const has = `${formatDayShort(day.date)}: có ${airtimeAgainst(day.scheduledSeconds, day.requiredSeconds).aired}`;
  if (day.met) return `${has} ✓`;
  const missing = formatSeconds(day.missingSeconds, 'up');
  return day.date < today
    ? `${has}; thiếu ${missing} (ngày đã qua)`
    : `${has}; còn thiếu ${missing}`;
}

/** The section's verdict in one sentence; the minimum, a target, rounds up. */
export function dailyMinimumSummary(minimum: DailyMinimum): string {
  const required = `${formatSeconds(minimum.requiredSeconds, 'up')} tuyên truyền chiến dịch mỗi ngày`;
  if (minimum.met) return `✓ Đủ mức tối thiểu ${required} trong cả tuần.`;
  const parts: string[] = [];
  if (minimum.open.length > 0) {
    parts.push(
      `${minimum.open.length} ngày còn thiếu (${minimum.open.map((day) => formatDayMonth(day.date)).join(', ')})`,
    );
  }
  if (minimum.missed.length > 0) {
    parts.push(
      `${minimum.missed.length} ngày đã qua không đạt (${minimum.missed.map((day) => formatDayMonth(day.date)).join(', ')})`,
    );
  }
  return `Chưa đủ mức tối thiểu ${required}: ${parts.join('; ')}.`;
}
