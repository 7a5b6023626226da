import { localDateOf } from '../common/local-time';
import type { PlayoutRecord } from '../playout/entities/playout-record.entity';

// What one record adds, kept beside the targets: the planner counts a partial play by it too.
export { airtimeOf, type Airtime } from '../campaigns/targets';

/**
 * What the reports count, in one place (DESIGN.md, "Campaign targets"):
 * - airtime is what the as-run log says went on air: `playedMs` of an `aired` record plus the
 *   played part (`playedMs`) of a `partial` one; `failed` and `missed` count nothing, and what
 *   was planned never counts;
 * - a play is a complete broadcast: an `aired` record (a `partial` adds its airtime, not a play);
 * - a record counts for every topic it carries, on the local day (Asia/Ho_Chi_Minh) it started;
 * - a correction replaces the record it corrects: the corrected record stops counting and the
 *   correction counts in its place (a correction of a correction replaces that one in turn), so
 *   only the latest record of a correction chain counts. A `correctsSeq` that does not point
 *   back to an earlier record, or a second correction of the same record, corrects nothing.
 */

/** The fields of a record the counting rules read. */
export type CountedRecord = Pick<
  PlayoutRecord,
  'communeCode' | 'seq' | 'startedAt' | 'topics' | 'outcome' | 'playedMs' | 'correctsSeq'
>;

/** The local day a record counts on. */
export function countedDate(record: Pick<CountedRecord, 'startedAt'>): string {
  return localDateOf(record.startedAt);
}

/** A record's topics as one key, `|a|b|` (sorted, no repeats), or `''` without topics. */
export function topicSetKey(topics: readonly string[]): string {
  const sorted = [...new Set(topics)].sort();
  return sorted.length === 0 ? '' : `|${sorted.join('|')}|`;
}

/** The topics of a `topicSetKey`. */
export function topicsOfSet(key: string): string[] {
  return key.split('|').filter((code) => code !== '');
}

/**
 * Whether `correction` takes the place of the record it names: it points back to an earlier
 * seq and is the first record that does (`firstCorrector` = the lowest seq correcting it).
 */
export function replacesTarget(
  correction: Pick<CountedRecord, 'seq' | 'correctsSeq'>,
  firstCorrector: number | undefined,
): boolean {
  return (
    correction.correctsSeq !== null &&
    correction.correctsSeq < correction.seq &&
    firstCorrector === correction.seq
  );
}

/**
 * The records of one commune that count, given all of them: those no effective correction
 * replaces. The definition the roll-ups are tested against.
 */
export function recordsInEffect<R extends Pick<CountedRecord, 'seq' | 'correctsSeq'>>(
  records: readonly R[],
): R[] {
  const replaced = new Set<number>();
  for (const [target, corrector] of firstCorrectors(records)) {
    if (target < corrector) replaced.add(target);
  }
  return records.filter((record) => !replaced.has(record.seq));
}

/** For every corrected seq, the lowest seq that corrects it from after it. */
export function firstCorrectors(
  records: readonly Pick<CountedRecord, 'seq' | 'correctsSeq'>[],
): Map<number, number> {
  const first = new Map<number, number>();
  for (const record of records) {
    const target = record.correctsSeq;
    if (target === null || target >= record.seq) continue;
    const known = first.get(target);
    if (known === undefined || record.seq < known) first.set(target, record.seq);
  }
  return first;
}

/** Seconds with millisecond precision, as reports show airtime. */
export function msToSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
