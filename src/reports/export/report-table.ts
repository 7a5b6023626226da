/**
 * A report as tables, the shape both exports take: CSV writes the first table, XLSX writes
 * every table as a sheet. Column keys are the JSON field names (the pinned ones for compliance),
 * and each column says how its cells are typed in the workbook.
 */
export type CellKind =
  /** Codes and names. */
  | 'text'
  /** A code for people (`00004`): kept as text, leading zeros and all, when a spreadsheet opens it. */
  | 'code'
  /** Minutes with one decimal (exports for people). */
  | 'minutes'
  /** Whole numbers (plays, days, seq). */
  | 'integer'
  /** Seconds, to the millisecond. */
  | 'seconds'
  /** Percent with one decimal (null when undefined). */
  | 'percent'
  /** A local date `YYYY-MM-DD`. */
  | 'date'
  /** An instant, ISO 8601: local time (Asia/Ho_Chi_Minh) in XLSX and in a CSV for people. */
  | 'instant'
  | 'boolean';

export interface TableColumn {
  key: string;
  kind: CellKind;
  /** The header row's text for people (Vietnamese); the key when absent. */
  header?: string;
}

export type CellValue = string | number | boolean | null;

/**
 * Who reads a table's file. People: the CSV writes each cell as a spreadsheet in Vietnamese
 * (vi-VN) reads it and as the XLSX shows it (`cell-format.ts`). Machines: the JSON values as they
 * are (a decimal point, ISO 8601 instants), the columns a program or a script relies on.
 */
export type TableReaders = 'people' | 'machines';

export interface ReportTable {
  /** Sheet name (Vietnamese, at most 31 characters). */
  sheet: string;
  readers: TableReaders;
  columns: readonly TableColumn[];
  rows: readonly Record<string, CellValue>[];
}

export interface ReportDocument {
  /** File name without extension, ASCII. */
  fileName: string;
  tables: readonly ReportTable[];
}

/** Columns from `[key, kind]` pairs. */
export function columns(...pairs: [string, CellKind][]): TableColumn[] {
  return pairs.map(([key, kind]) => ({ key, kind }));
}

/** Columns from `[key, kind, header]` triples: exports for people, with Vietnamese headers. */
export function labelledColumns(...triples: [string, CellKind, string][]): TableColumn[] {
  return triples.map(([key, kind, header]) => ({ key, kind, header }));
}

/** The text of a column's header cell. */
export function headerOf(column: TableColumn): string {
  return column.header ?? column.key;
}
