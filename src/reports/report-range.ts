import { DomainError } from '../common/domain-error';
import { addDays, daysInclusive, isLocalDate } from '../common/local-time';
import { DateRange } from './airtime.repository';

/** The longest range one report covers. */
export const MAX_REPORT_DAYS = 366;

/** The asked range, each end defaulting to `defaults` (the campaign's window); checked. */
export function resolveRange(
  query: { from?: string; to?: string },
  defaults: DateRange,
): DateRange & { days: number } {
  const range = { from: query.from ?? defaults.from, to: query.to ?? defaults.to };
  for (const [name, value] of Object.entries(range)) {
    if (!isLocalDate(value)) {
      throw new DomainError('VALIDATION_FAILED', `${name} is not a calendar date: ${value}`);
    }
  }
  if (range.from > range.to) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `from (${range.from}) must not be after to (${range.to})`,
    );
  }
  const days = daysInclusive(range.from, range.to);
  if (days > MAX_REPORT_DAYS) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `A report covers at most ${MAX_REPORT_DAYS} days (asked: ${days})`,
    );
  }
  return { ...range, days };
}

/** The same number of days just before `range` (the uplift's baseline). */
export function baselineOf(range: DateRange & { days: number }): DateRange & { days: number } {
  return { from: addDays(range.from, -range.days), to: addDays(range.from, -1), days: range.days };
}

/** The calendar month (`YYYY-MM`) of a local date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** A range cut at month boundaries: whole months, and the days of the partial months at its edges. */
export interface MonthSplit {
  /** First and last whole month (`YYYY-MM`), or null when the range holds none. */
  months: { from: string; to: string } | null;
  /** The days outside those months: none, one or two ranges. */
  days: DateRange[];
}

function firstOfNextMonth(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

export function splitByMonths(range: DateRange): MonthSplit {
  const firstWhole = range.from.endsWith('-01') ? range.from : firstOfNextMonth(range.from);
  const afterLastWhole = firstOfNextMonth(range.to);
  const lastWholeEnd =
    addDays(afterLastWhole, -1) === range.to ? range.to : addDays(`${monthOf(range.to)}-01`, -1);
  if (firstWhole > lastWholeEnd) return { months: null, days: [range] };
  const days: DateRange[] = [];
  if (firstWhole > range.from) days.push({ from: range.from, to: addDays(firstWhole, -1) });
  if (lastWholeEnd < range.to) days.push({ from: addDays(lastWholeEnd, 1), to: range.to });
  return { months: { from: monthOf(firstWhole), to: monthOf(lastWholeEnd) }, days };
}

/**
 * The days of `range` that are over on `today`: the single notion of "passed days" every report
 * uses. Today is not one of them (its airtime is still coming), so a running campaign is judged
 * on its complete days and a day is "below the minimum" only once it has ended. Null when none.
 */
export function passedPart(range: DateRange, today: string): (DateRange & { days: number }) | null {
  const yesterday = addDays(today, -1);
  if (yesterday < range.from) return null;
  const to = yesterday < range.to ? yesterday : range.to;
  return { from: range.from, to, days: daysInclusive(range.from, to) };
}
