import { peopleInstant, peopleNumber } from './cell-format';
import { CellKind, CellValue, headerOf, ReportTable } from './report-table';

/** UTF-8 byte order mark: Excel reads the file as UTF-8 and shows Vietnamese correctly. */
export const UTF8_BOM = '\ufeff';

/**
 * A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start)
 * gets a leading apostrophe (OWASP "CSV injection"). Only free text can start so: codes,
 * dates and numbers never do (a negative number is written as a number, not through here).
 */
function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvCell(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = defuse(value);
  return /[",\r\n]/.test(text) || text.trim() !== text ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A code that only letters, digits and `-._` make: safe to hand to a spreadsheet as a formula. */
const PLAIN_CODE = /^[0-9A-Za-z][0-9A-Za-z._-]*$/;

/**
 * A cell for people, as its column's kind writes it (`cell-format.ts`): a number with the
 * decimal comma of vi-VN (`"12,5"`, quoted; a number is never a formula, so `-3,5` stays a
 * number), an instant as local date and time, a code as `="00004"` (the one CSV form that Excel
 * and LibreOffice, formulas evaluated, their default on opening a file, both keep as text with its
 * leading zeros).
 */
export function peopleField(kind: CellKind, value: CellValue): string {
  if (typeof value === 'number') {
    const text = peopleNumber(kind, value);
    return text.includes(',') ? `"${text}"` : text;
  }
  if (typeof value === 'string' && kind === 'code' && PLAIN_CODE.test(value)) {
    return `"=""${value}"""`;
  }
  if (typeof value === 'string' && kind === 'instant') return csvCell(peopleInstant(value));
  return csvCell(value);
}

/**
 * RFC 4180 (CRLF, `"` quoting) with a BOM; the header row is the columns' headers (or keys).
 * A table for machines keeps the JSON values (`125.5`, ISO 8601 instants), one for people is
 * written as a spreadsheet in Vietnamese reads it (`peopleField`).
 */
export function tableToCsv(table: ReportTable): Buffer {
  const field =
    table.readers === 'people' ? peopleField : (_: CellKind, value: CellValue) => csvCell(value);
  const lines = [table.columns.map((column) => csvCell(headerOf(column))).join(',')];
  for (const row of table.rows) {
    lines.push(
      table.columns.map((column) => field(column.kind, row[column.key] ?? null)).join(','),
    );
  }
  return Buffer.from(`${UTF8_BOM}${lines.join('\r\n')}\r\n`, 'utf8');
}
