import { PostPlayoutRecordDto } from './dto/playout-record.dto';
import type { RefusalFields } from './record-refusal.view';

/** Where a row of an import came from: a CSV line, or a position in a batch's `records`. */
export type RowPlace = { line: number } | { index: number };

export interface ImportRow {
  place: RowPlace;
  input: PostPlayoutRecordDto;
}

/** A CSV cell that is wrong: its column, what it holds (quoted short) and why, as a key. */
export interface CellProblem {
  column: string;
  value: string;
  /** `not-date-time`, `not-whole-number`, or the failed class-validator constraint (`isIn`…). */
  reason: string;
}

/** What is wrong with a CSV's header line, and the names at fault. */
export interface HeaderProblem {
  problem: 'unknown-columns' | 'repeated-columns' | 'missing-columns' | 'no-rows' | 'too-many-rows';
  names?: string[];
  /** How many unknown names there are beyond `names`. */
  more?: number;
  /** The columns the import reads (for unknown ones). */
  columns?: readonly string[];
  rows?: number;
  maxRows?: number;
}

/**
 * A refused row: where, a code, and what is wrong, in English; its problems also as fields (a
 * CSV row's `cells`, `header`, the counts of `CSV_CELLS`; a refused record's, as a single post's
 * problem has them: the `rule` of `PLAYOUT_RECORD_INVALID` with its values, the times of
 * `PLAYOUT_TIME_OUT_OF_RANGE`, the record in the way of `PLAYOUT_OVERLAP`…), which the web app
 * words in Vietnamese.
 */
export type RowError = RowPlace & {
  code: string;
  message: string;
  cells?: CellProblem[];
  header?: HeaderProblem;
  cellCount?: number;
  columnCount?: number;
} & RefusalFields;

export function describePlace(place: RowPlace): string {
  return 'line' in place ? `line ${place.line}` : `records[${place.index}]`;
}
