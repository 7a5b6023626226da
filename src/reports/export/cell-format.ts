import { formatLocalDateTime } from '../../common/local-time';
import { decimalComma } from '../../common/vi-number';
import { CellKind } from './report-table';

/**
 * How many decimals a number of each kind shows, at least and at most: the XLSX number format
 * of its column, and what a CSV for people writes. Minutes and percentages one, seconds one to
 * three (milliseconds), counts none.
 */
const DECIMALS: Partial<Record<CellKind, readonly [number, number]>> = {
  minutes: [1, 1],
  percent: [1, 1],
  seconds: [1, 3],
  integer: [0, 0],
};

/** A number in a column of another kind: as it is, to the millisecond. */
const OTHER_DECIMALS = [0, 3] as const;

/** The XLSX number format of a column: `0.0`, `0.0##`, `0`; text `@`, dates and local times. */
export function xlsxNumberFormat(kind: CellKind): string | undefined {
  if (kind === 'code') return '@';
  if (kind === 'date') return 'yyyy-mm-dd';
  if (kind === 'instant') return 'yyyy-mm-dd hh:mm:ss';
  const decimals = DECIMALS[kind];
  if (!decimals) return undefined;
  const [min, max] = decimals;
  return max === 0 ? '0' : `0.${'0'.repeat(min)}${'#'.repeat(max - min)}`;
}

/**
 * A number for people, as the XLSX format shows it in vi-VN: a decimal comma, no grouping
 * ("315,0", "116,3", "2,04", "12"). Excel and LibreOffice Calc in Vietnamese read it as a number.
 */
export function peopleNumber(kind: CellKind, value: number): string {
  const [min, max] = DECIMALS[kind] ?? OTHER_DECIMALS;
  return decimalComma(value, min, max);
}

/**
 * An instant for people: the local date and time ("2025-10-01 05:30:00", Asia/Ho_Chi_Minh), as
 * the XLSX shows it; what is not an instant stays as it is.
 */
export function peopleInstant(value: string): string {
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? value : formatLocalDateTime(instant);
}
