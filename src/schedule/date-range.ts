import { DomainError } from '../common/domain-error';
import { addDays, daysInclusive, isLocalDate, localMidnight } from '../common/local-time';

export interface DateRange {
  from: string;
  to: string;
}

/** Checks a `from`/`to` pair of local dates (both included) and how many days it spans. */
export function checkDateRange(range: DateRange, maxDays: number): DateRange {
  for (const [field, value] of [
    ['from', range.from],
    ['to', range.to],
  ] as const) {
    if (!isLocalDate(value)) {
      throw new DomainError('VALIDATION_FAILED', `${field} is not a calendar date: ${value}`);
    }
  }
  if (range.to < range.from) {
    throw new DomainError('VALIDATION_FAILED', 'to must not be before from');
  }
  if (daysInclusive(range.from, range.to) > maxDays) {
    throw new DomainError('VALIDATION_FAILED', `The range may span at most ${maxDays} days`);
  }
  return { from: range.from, to: range.to };
}

/** The instants [start of `from`, start of the day after `to`). */
export function rangeInstants(range: DateRange): { start: Date; end: Date } {
  return { start: localMidnight(range.from), end: localMidnight(addDays(range.to, 1)) };
}

/**
 * A range from optional query dates: `from` alone spans `defaultDays`; `to` alone ends there;
 * neither starts `today`. Checked like checkDateRange.
 */
export function resolveDateRange(
  query: Partial<DateRange>,
  today: string,
  defaultDays: number,
  maxDays: number,
): DateRange {
  const anchor = query.from ?? query.to ?? today;
  checkDateRange({ from: anchor, to: anchor }, maxDays);
  if (query.from !== undefined && query.to !== undefined) {
    return checkDateRange({ from: query.from, to: query.to }, maxDays);
  }
  if (query.to !== undefined) {
    return { from: addDays(query.to, 1 - defaultDays), to: query.to };
  }
  return { from: anchor, to: addDays(anchor, defaultDays - 1) };
}
