import { EntityManager, In } from 'typeorm';
import { placeholders, selectRows, SqlValue } from '../database/bulk-insert';
import { toInstant } from '../database/columns';
import { DomainError } from '../common/domain-error';
import { PlayoutClaim } from './entities/playout-claim.entity';
import { PlayoutRecord } from './entities/playout-record.entity';
import type { RowPlace } from './import-rows';
import { PreparedRecord } from './record-preparer';
import type { CorrectionRefusal } from './record-refusal.view';
import { RECORD_SELECT, recordFromRow, RecordRow } from './record-rows';

/** Keys or ids per lookup query (under SQLite's bound-parameter limit). */
export const LOOKUP_CHUNK = 500;

/** `values` in slices of at most `size`, for `IN (…)` lookups. */
export function chunks<T>(values: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < values.length; start += size) {
    slices.push(values.slice(start, start + size));
  }
  return slices;
}

/**
 * Checks of posted records against the commune's log, run under the chain-head lock so that
 * what they saw is still true when the records are appended.
 */

/** Existing records with the same content, by content key. */
export async function existingByContent(
  manager: EntityManager,
  communeCode: string,
  prepared: readonly PreparedRecord[],
): Promise<Map<string, PlayoutRecord>> {
  const keys = [...new Set(prepared.map((record) => record.contentKey))];
  const found = new Map<string, PlayoutRecord>();
  for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
    const rows = await manager.findBy(PlayoutRecord, {
      communeCode,
      contentKey: In(keys.slice(start, start + LOOKUP_CHUNK)),
    });
    for (const row of rows) found.set(row.contentKey, row);
  }
  return found;
}

/** A key of a commune: `communeKey(communeCode, key)`. */
export function communeKey(communeCode: string, key: string): string {
  return `${communeCode}\n${key}`;
}

/**
 * Records of several communes by one of their keys (`idempotencyKey` or `contentKey`), as
 * `communeKey(communeCode, key)` → record: one lookup for a group of posts, in plain SQL.
 */
export async function recordsByKey(
  manager: EntityManager,
  column: 'idempotencyKey' | 'contentKey',
  wanted: readonly { communeCode: string; key: string }[],
): Promise<Map<string, PlayoutRecord>> {
  const ids = new Set(wanted.map((one) => communeKey(one.communeCode, one.key)));
  const keys = [...new Set(wanted.map((one) => one.key))];
  // Both columns constrained, so that the (commune_code, key) unique index answers.
  const communes = [...new Set(wanted.map((one) => one.communeCode))];
  const name = column === 'idempotencyKey' ? 'idempotency_key' : 'content_key';
  const found = new Map<string, PlayoutRecord>();
  for (const slice of chunks(keys, LOOKUP_CHUNK / 2)) {
    for (const codes of chunks(communes, LOOKUP_CHUNK / 2)) {
      const rows = await selectRows<RecordRow>(
        manager,
        `SELECT ${RECORD_SELECT} FROM playout_record ` +
          `WHERE commune_code IN (${placeholders(codes.length)}) ` +
          `AND ${name} IN (${placeholders(slice.length)})`,
        [...codes, ...slice],
      );
      for (const row of rows) {
        const id = communeKey(row.communeCode, row[column]!);
        if (ids.has(id)) found.set(id, recordFromRow(row));
      }
    }
  }
  return found;
}

/** The content keys among those of `prepared` that the commune's log holds already. */
export async function existingContentKeys(
  manager: EntityManager,
  communeCode: string,
  prepared: readonly PreparedRecord[],
): Promise<Set<string>> {
  const keys = [...new Set(prepared.map((record) => record.contentKey))];
  const found = new Set<string>();
  for (const slice of chunks(keys, LOOKUP_CHUNK)) {
    // Only the keys, in plain SQL: no entity is built per row, and no query builder names each
    // of the hundreds of parameters a batch looks up.
    const rows = await selectRows<{ contentKey: string }>(
      manager,
      'SELECT content_key AS "contentKey" FROM playout_record ' +
        `WHERE commune_code = ? AND content_key IN (${placeholders(slice.length)})`,
      [communeCode, ...slice],
    );
    for (const row of rows) found.add(row.contentKey);
  }
  return found;
}

/**
 * A correction must point to an existing seq of the commune that nothing corrects yet (to amend
 * a correction, correct the correction). `pending` holds seqs corrected earlier in the request.
 */
export async function assertCorrectable(
  manager: EntityManager,
  communeCode: string,
  lastSeq: number,
  correctsSeq: number,
  pending: ReadonlySet<number>,
): Promise<void> {
  if (correctsSeq > lastSeq) {
    throw new DomainError(
      'PLAYOUT_CORRECTS_UNKNOWN',
      `correctsSeq ${correctsSeq}: commune ${communeCode} has no record with that seq`,
      { correctsSeq } satisfies CorrectionRefusal,
    );
  }
  const already =
    pending.has(correctsSeq) ||
    (await manager.existsBy(PlayoutRecord, { communeCode, correctsSeq }));
  if (already) {
    throw new DomainError(
      'PLAYOUT_ALREADY_CORRECTED',
      `Record ${correctsSeq} is already corrected; correct the correction instead`,
      { correctsSeq } satisfies CorrectionRefusal,
    );
  }
}

/** A record's span as the overlap checks see it, with what an overlap's refusal names of it. */
export interface Interval {
  seq?: number;
  startedAt: Date;
  endedAt: Date;
  title?: string | null;
  /** The import's row it came from, for a record of the same import (it has no seq yet). */
  row?: RowPlace;
}

/** True when both have a duration and share some of it (touching ends do not overlap). */
export function overlaps(a: Interval, b: Interval): boolean {
  return (
    a.endedAt > a.startedAt &&
    b.endedAt > b.startedAt &&
    a.startedAt < b.endedAt &&
    b.startedAt < a.endedAt
  );
}

/** A record in effect, as the overlap checks see it. */
export type EffectiveRecord = Required<Omit<Interval, 'row'>>;

interface EffectiveRow {
  communeCode: string;
  seq: number | string;
  startedAt: string;
  endedAt: string;
  title: string | null;
}

/**
 * Records in effect (not corrected) with a duration that meet one of the spans, each span
 * `(commune_code = ? AND started_at < ? AND ended_at > ?)`, in seq order: plain SQL, only the
 * columns the overlap checks read and an overlap's refusal names.
 */
async function effectiveRows(
  manager: EntityManager,
  spans: readonly (readonly [string, { from: Date; to: Date }])[],
): Promise<EffectiveRow[]> {
  const parameters: SqlValue[] = [];
  for (const [communeCode, span] of spans) {
    parameters.push(communeCode, toInstant(span.to), toInstant(span.from));
  }
  return selectRows<EffectiveRow>(
    manager,
    'SELECT record.commune_code AS "communeCode", record.seq, ' +
      'record.started_at AS "startedAt", record.ended_at AS "endedAt", record.title ' +
      'FROM playout_record record WHERE (' +
      spans
        .map(() => '(record.commune_code = ? AND record.started_at < ? AND record.ended_at > ?)')
        .join(' OR ') +
      ') AND record.ended_at > record.started_at ' +
      'AND NOT EXISTS (SELECT 1 FROM playout_record fix ' +
      'WHERE fix.commune_code = record.commune_code AND fix.corrects_seq = record.seq) ' +
      'ORDER BY record.commune_code, record.seq',
    parameters,
  );
}

function effectiveFromRow(row: EffectiveRow): EffectiveRecord {
  return {
    seq: Number(row.seq),
    startedAt: new Date(row.startedAt),
    endedAt: new Date(row.endedAt),
    title: row.title,
  };
}

/**
 * Records of the commune still in effect (not corrected) that have a duration and meet the
 * span from `from` to `to`, in seq order.
 */
export async function effectiveRecordsBetween(
  manager: EntityManager,
  communeCode: string,
  from: Date,
  to: Date,
): Promise<EffectiveRecord[]> {
  return (await effectiveRows(manager, [[communeCode, { from, to }]])).map(effectiveFromRow);
}

/**
 * `effectiveRecordsBetween` for several communes and spans at once (a group of posts): by
 * commune code, each commune's in seq order. Spans of one commune are merged into the one
 * that covers them.
 */
export async function effectiveRecordsAround(
  manager: EntityManager,
  spans: readonly { communeCode: string; from: Date; to: Date }[],
): Promise<Map<string, EffectiveRecord[]>> {
  const merged = new Map<string, { from: Date; to: Date }>();
  for (const span of spans) {
    const known = merged.get(span.communeCode);
    if (!known) merged.set(span.communeCode, { from: span.from, to: span.to });
    else {
      if (span.from < known.from) known.from = span.from;
      if (span.to > known.to) known.to = span.to;
    }
  }
  const found = new Map<string, EffectiveRecord[]>([...merged.keys()].map((code) => [code, []]));
  for (const slice of chunks([...merged], LOOKUP_CHUNK / 5)) {
    for (const row of await effectiveRows(manager, slice)) {
      found.get(row.communeCode)?.push(effectiveFromRow(row));
    }
  }
  return found;
}

/** The first record in effect that `record` would overlap, other than the one it corrects. */
export function firstOverlap(
  record: PreparedRecord,
  others: readonly Interval[],
): Interval | undefined {
  return others.find((other) => other.seq !== record.correctsSeq && overlaps(record, other));
}

const BUCKET_MS = 3600 * 1000;

/**
 * Records in effect, indexed by the hours they cover, so that checking a batch of n records
 * against m costs about n lookups instead of n × m comparisons (a month's import is ~1,000
 * records). `firstOverlap` answers as the function of that name does on the records in the
 * order they were added.
 */
export class IntervalIndex {
  private readonly buckets = new Map<number, { order: number; interval: Interval }[]>();
  private added = 0;

  constructor(intervals: Iterable<Interval> = []) {
    for (const interval of intervals) this.add(interval);
  }

  add(interval: Interval): void {
    if (interval.endedAt <= interval.startedAt) return;
    const entry = { order: this.added++, interval };
    for (const hour of hoursOf(interval)) {
      const bucket = this.buckets.get(hour);
      if (bucket) bucket.push(entry);
      else this.buckets.set(hour, [entry]);
    }
  }

  /** Takes out the record with this seq (it was corrected). */
  remove(seq: number): void {
    for (const [hour, bucket] of this.buckets) {
      const kept = bucket.filter((entry) => entry.interval.seq !== seq);
      if (kept.length !== bucket.length) this.buckets.set(hour, kept);
    }
  }

  firstOverlap(record: PreparedRecord): Interval | undefined {
    if (record.endedAt <= record.startedAt) return undefined;
    let first: { order: number; interval: Interval } | undefined;
    for (const hour of hoursOf(record)) {
      for (const entry of this.buckets.get(hour) ?? []) {
        if (first && entry.order >= first.order) continue;
        if (entry.interval.seq !== record.correctsSeq && overlaps(record, entry.interval)) {
          first = entry;
        }
      }
    }
    return first?.interval;
  }
}

function hoursOf(interval: Interval): number[] {
  const from = Math.floor(interval.startedAt.getTime() / BUCKET_MS);
  const to = Math.floor((interval.endedAt.getTime() - 1) / BUCKET_MS);
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
}

/** Attempt 1 of an item is the player's; manual and imported records start after it. */
export const AUTOMATION_ATTEMPT = 1;

/**
 * The next attempt number for a posted record of each item: after the player's attempt, every
 * record and every claim of it.
 */
export async function nextAttempts(
  manager: EntityManager,
  itemIds: readonly string[],
): Promise<Map<string, number>> {
  const unique = [...new Set(itemIds)];
  const next = new Map<string, number>(unique.map((id) => [id, AUTOMATION_ATTEMPT + 1]));
  for (let start = 0; start < unique.length; start += LOOKUP_CHUNK) {
    const ids = unique.slice(start, start + LOOKUP_CHUNK);
    for (const entity of [PlayoutRecord, PlayoutClaim]) {
      const rows = await manager
        .createQueryBuilder(entity, 'row')
        .select('row.schedule_item_id', 'itemId')
        .addSelect('MAX(row.attempt)', 'attempt')
        .where('row.schedule_item_id IN (:...ids)', { ids })
        .groupBy('row.schedule_item_id')
        .getRawMany<{ itemId: string; attempt: number | string }>();
      for (const row of rows) {
        next.set(
          row.itemId,
          Math.max(next.get(row.itemId) ?? AUTOMATION_ATTEMPT + 1, Number(row.attempt) + 1),
        );
      }
    }
  }
  return next;
}
