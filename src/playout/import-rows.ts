import { PostPlayoutRecordDto } from './dto/playout-record.dto';

/** Where a row of an import came from: a CSV line, or a position in a batch's `records`. */
export type RowPlace = { line: number } | { index: number };

export interface ImportRow {
  place: RowPlace;
  input: PostPlayoutRecordDto;
}

/** A refused row: where, a code, and what is wrong, in English. */
export type RowError = RowPlace & { code: string; message: string };

export function describePlace(place: RowPlace): string {
  return 'line' in place ? `line ${place.line}` : `records[${place.index}]`;
}
