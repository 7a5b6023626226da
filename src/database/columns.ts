import { Column, ColumnOptions, ValueTransformer } from 'typeorm';
import { utcIso } from '../common/local-time';

/**
 * Instants are stored as fixed-width UTC ISO 8601 strings (`2025-10-01T05:30:00.000Z`): the same
 * on SQLite and PostgreSQL, sortable as text, exact to the millisecond. Compare them in queries
 * with `toInstant(date)` parameters.
 */
export const instantTransformer: ValueTransformer = {
  to: (value: Date | null | undefined): string | null | undefined =>
    value instanceof Date ? toInstant(value) : value,
  from: (value: string | null | undefined): Date | null | undefined =>
    value === null || value === undefined ? value : new Date(value),
};

/** The stored (and canonical) form of an instant: `date.toISOString()`. */
export function toInstant(date: Date): string {
  return utcIso(date.getTime());
}

export function InstantColumn(
  options: Pick<ColumnOptions, 'nullable' | 'name'> = {},
): PropertyDecorator {
  return Column({ type: 'varchar', length: 24, transformer: instantTransformer, ...options });
}

/** A local calendar date `YYYY-MM-DD` (Asia/Ho_Chi_Minh). */
export function LocalDateColumn(
  options: Pick<ColumnOptions, 'nullable' | 'name'> = {},
): PropertyDecorator {
  return Column({ type: 'varchar', length: 10, ...options });
}
