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
