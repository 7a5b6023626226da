import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { isIsoInstant, localMidnight } from '../common/local-time';
import { PostPlayoutRecordDto } from './dto/playout-record.dto';
import { CellProblem, HeaderProblem, ImportRow, RowError } from './import-rows';

/**
 * CSV as-run logs from other systems (documented in README.md, "Nhật ký phát thanh / As-run
 * log"): UTF-8, a header line naming the columns, `,` or `;` or tab between cells, RFC 4180
 * quoting. Times with an offset are taken as written; times without one are local
 * (Asia/Ho_Chi_Minh), as `2025-10-01 05:30:00` or `01/10/2025 05:30:00`.
 */
export const CSV_COLUMNS = [
  'startedAt',
  'endedAt',
  'playedMs',
  'outcome',
  'title',
  'bulletinId',
  'scheduleItemId',
  'topics',
  'reason',
  'correctsSeq',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly CsvColumn[] = ['startedAt', 'outcome'];

export const MAX_CSV_ROWS = 5000;
/**
 * Cells per line: the known columns, with room for a spreadsheet's stray empty ones. A header of
 * a million columns is refused as soon as the parser passes this many, with a short answer.
 */
export const MAX_CSV_CELLS = 32;
/** Characters per cell: the longest field (a reason) is 1,000. */
export const MAX_CSV_CELL_CHARS = 4000;
/** How much of a cell an error message quotes. */
const QUOTED_CHARS = 60;
/** How many unknown column names the header error lists. */
const LISTED_NAMES = 5;

/** A cell as an error message quotes it: short, the rest counted. */
export function quoteCell(value: string): string {
  const chars = [...value];
  return chars.length <= QUOTED_CHARS
    ? `"${value}"`
    : `"${shortCell(value)}" (${chars.length} characters)`;
}

/** A cell's first characters, as a row error's `cells` carry it. */
function shortCell(value: string): string {
  const chars = [...value];
  return chars.length <= QUOTED_CHARS ? value : `${chars.slice(0, QUOTED_CHARS).join('')}…`;
}

export interface CsvLine {
  /** The line the record starts on (1 = the header). */
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly code = 'CSV_SYNTAX',
  ) {
    super(message);
  }
}

/** Decodes UTF-8 strictly (a Windows-1258 or UTF-16 file is refused, not garbled). */
export function decodeUtf8(bytes: Buffer): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.startsWith('\ufeff') ? text.slice(1) : text;
  } catch {
    return null;
  }
}

function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((delimiter) => ({
    delimiter,
    count: firstLine.split(delimiter).length - 1,
  }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0].count > 0 ? counts[0].delimiter : ',';
}

/** RFC 4180 records with the line each starts on; blank lines are skipped. */
export function parseCsv(text: string): CsvLine[] {
  const delimiter = detectDelimiter(text.slice(0, 64 * 1024).split(/\r?\n/, 1)[0] ?? '');
  const records: CsvLine[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let cellStarted = false;
  const endCell = (): void => {
    cells.push(cell);
    cell = '';
    cellStarted = false;
    if (cells.length > MAX_CSV_CELLS) {
      throw new CsvSyntaxError(
        startLine,
        `More than ${MAX_CSV_CELLS} cells on a line; the columns are ${CSV_COLUMNS.join(', ')}`,
        'CSV_TOO_MANY_CELLS',
      );
    }
  };
  const grow = (char: string): void => {
    cell += char;
    if (cell.length > MAX_CSV_CELL_CHARS) {
      throw new CsvSyntaxError(
        startLine,
        `A cell longer than ${MAX_CSV_CELL_CHARS} characters`,
        'CSV_CELL_TOO_LONG',
      );
    }
  };
  const endRecord = (): void => {
    endCell();
    if (!(cells.length === 1 && cells[0].trim() === '')) records.push({ line: startLine, cells });
    cells = [];
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          grow('"');
          index += 1;
        } else {
          quoted = false;
        }
      } else {
        if (char === '\n') line += 1;
        grow(char);
      }
      continue;
    }
    if (char === '"' && !cellStarted) {
      quoted = true;
      cellStarted = true;
    } else if (char === '"') {
      throw new CsvSyntaxError(line, 'A quote inside an unquoted cell (quote the whole cell)');
    } else if (char === delimiter) {
      endCell();
    } else if (char === '\r' && text[index + 1] === '\n') {
      continue;
    } else if (char === '\n') {
      endRecord();
      line += 1;
      startLine = line;
    } else {
      grow(char);
      if (char.trim() !== '') cellStarted = true;
    }
  }
  if (quoted) throw new CsvSyntaxError(startLine, 'A quoted cell is not closed');
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const LOCAL_VN =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/** A cell's instant as UTC ISO with `Z`, or null when it is not one. */
export function parseInstantCell(value: string): string | null {
  if (WITH_OFFSET.test(value)) return isIsoInstant(value) ? value : null;
  let parts: string[] | null = null;
  const iso = LOCAL_ISO.exec(value);
  if (iso) parts = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6], iso[7]];
  const vn = LOCAL_VN.exec(value);
  if (vn) parts = [vn[3], vn[2], vn[1], vn[4], vn[5], vn[6], vn[7]];
  if (!parts) return null;
  const [year, month, day, hour, minute, second = '0', fraction = '0'] = parts;
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const midnight = localMidnight(date);
  if (
    Number.isNaN(midnight.getTime()) ||
    new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
  ) {
    return null;
  }
  const [h, m, s] = [Number(hour), Number(minute), Number(second)];
  if (h > 23 || m > 59 || s > 59) return null;
  const ms = Number(fraction.padEnd(3, '0'));
  return new Date(midnight.getTime() + ((h * 60 + m) * 60 + s) * 1000 + ms).toISOString();
}

function columnOf(name: string): CsvColumn | undefined {
  const folded = name
    .trim()
    .replace(/[_\s-]/g, '')
    .toLowerCase();
  return CSV_COLUMNS.find((column) => column.toLowerCase() === folded);
}

function messagesOf(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => Object.values(error.constraints ?? {}));
}

/** The failed constraints as cells: the column, its text and the constraint's name. */
function cellProblemsOf(errors: ValidationError[], cells: Map<string, string>): CellProblem[] {
  return errors.flatMap((error) =>
    Object.keys(error.constraints ?? {}).map((reason) => ({
      column: error.property,
      value: shortCell(cells.get(error.property) ?? ''),
      reason,
    })),
  );
}

/** Why the reader refuses a cell, as the English message says it. */
const UNREADABLE: Record<string, string> = {
  'not-date-time': 'is not a date and time',
  'not-whole-number': 'is not a whole number',
};

/** A row of cells the reader cannot read: the English message, and the cells as fields. */
function unreadableRow(line: number, wrong: CellProblem[]): RowError {
  return {
    line,
    code: 'VALIDATION_FAILED',
    message: wrong
      .map((cell) => `${cell.column} ${quoteCell(cell.value)} ${UNREADABLE[cell.reason]}`)
      .join('; '),
    cells: wrong.map((cell) => ({ ...cell, value: shortCell(cell.value) })),
  };
}

/**
 * A CSV row's cells as the same record a JSON post would carry, or the cells it cannot read
 * (their whole text).
 */
function rowInput(
  columns: CsvColumn[],
  cells: string[],
): { input: Record<string, unknown> } | { wrong: CellProblem[] } {
  const input: Record<string, unknown> = { source: 'import' };
  const wrong: CellProblem[] = [];
  columns.forEach((column, position) => {
    const value = (cells[position] ?? '').trim().normalize('NFC');
    if (value === '') return;
    switch (column) {
      case 'startedAt':
      case 'endedAt': {
        const instant = parseInstantCell(value);
        if (instant === null) {
          wrong.push({ column, value, reason: 'not-date-time' });
        } else {
          input[column] = instant;
        }
        break;
      }
      case 'playedMs':
      case 'correctsSeq':
        if (!/^\d{1,10}$/.test(value)) {
          wrong.push({ column, value, reason: 'not-whole-number' });
        } else {
          input[column] = Number(value);
        }
        break;
      case 'topics':
        input.topics = value.split(/[|,;\s]+/).filter((code) => code !== '');
        break;
      case 'outcome':
        input.outcome = value.toLowerCase();
        break;
      default:
        input[column] = value;
    }
  });
  return wrong.length > 0 ? { wrong } : { input };
}

/**
 * Rows of a CSV as-run log, validated as JSON posts are, with every problem found and its
 * line. Nothing here touches the database.
 */
export async function importRowsFromCsv(
  text: string,
): Promise<{ rows: ImportRow[]; errors: RowError[] }> {
  let lines: CsvLine[];
  try {
    lines = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      return {
        rows: [],
        errors: [{ line: error.line, code: error.code, message: error.message }],
      };
    }
    throw error;
  }
  const [header, ...body] = lines;
  if (!header)
    return { rows: [], errors: [{ line: 1, code: 'CSV_EMPTY', message: 'The file is empty' }] };
  const headerError = (message: string, problem: HeaderProblem) => ({
    rows: [],
    errors: [{ line: header.line, code: 'CSV_HEADER', message, header: problem }],
  });
  const columns = header.cells.map(columnOf);
  const unknown = header.cells.filter((_, position) => !columns[position]);
  if (unknown.length > 0) {
    const listed = unknown.slice(0, LISTED_NAMES).map((name) => quoteCell(name.trim()));
    if (unknown.length > LISTED_NAMES) listed.push(`${unknown.length - LISTED_NAMES} more`);
    return headerError(
      `Unknown column(s): ${listed.join(', ')}; the columns are ${CSV_COLUMNS.join(', ')}`,
      {
        problem: 'unknown-columns',
        names: unknown.slice(0, LISTED_NAMES).map((name) => shortCell(name.trim())),
        more: Math.max(0, unknown.length - LISTED_NAMES),
        columns: CSV_COLUMNS,
      },
    );
  }
  const known = columns as CsvColumn[];
  const repeated = known.filter((column, position) => known.indexOf(column) !== position);
  if (repeated.length > 0) {
    return headerError(`Column(s) named twice: ${repeated.join(', ')}`, {
      problem: 'repeated-columns',
      names: repeated,
    });
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !known.includes(column));
  if (missing.length > 0) {
    return headerError(`Missing column(s): ${missing.join(', ')}`, {
      problem: 'missing-columns',
      names: missing,
    });
  }
  if (body.length === 0) {
    return headerError('The file has a header but no rows', { problem: 'no-rows' });
  }
  if (body.length > MAX_CSV_ROWS) {
    return headerError(`At most ${MAX_CSV_ROWS} rows per file, got ${body.length}`, {
      problem: 'too-many-rows',
      rows: body.length,
      maxRows: MAX_CSV_ROWS,
    });
  }

  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  for (const { line, cells } of body) {
    if (cells.length !== known.length) {
      errors.push({
        line,
        code: 'CSV_CELLS',
        message: `${cells.length} cell(s), the header has ${known.length}`,
        cellCount: cells.length,
        columnCount: known.length,
      });
      continue;
    }
    const parsed = rowInput(known, cells);
    if ('wrong' in parsed) {
      errors.push(unreadableRow(line, parsed.wrong));
      continue;
    }
    const input = plainToInstance(PostPlayoutRecordDto, parsed.input);
    const failed = await validate(input, { whitelist: true, forbidNonWhitelisted: true });
    if (failed.length > 0) {
      const text = new Map(known.map((column, position) => [column, cells[position].trim()]));
      errors.push({
        line,
        code: 'VALIDATION_FAILED',
        message: messagesOf(failed).join('; '),
        cells: cellProblemsOf(failed, text),
      });
    } else {
      rows.push({ place: { line }, input });
    }
  }
  return { rows, errors };
}
