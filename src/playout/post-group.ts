import { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { Settled } from '../common/group-commit';
import { PlayoutChain } from './entities/playout-chain.entity';
import { PlayoutRecord } from './entities/playout-record.entity';
import { assertCorrectable, communeKey, Interval, IntervalIndex } from './log-checks';
import { describePlace } from './import-rows';
import { PreparedRecord } from './record-preparer';
import { Overlap } from './record-refusal.view';

/** One single post's answer: its record, and whether the post repeated one already stored. */
export interface PostedRecordResult {
  record: PlayoutRecord;
  /** True when the key or the content named a record that already existed. */
  replayed: boolean;
}

export function keyConflict(seq: number): DomainError {
  return new DomainError(
    'IDEMPOTENCY_CONFLICT',
    'This Idempotency-Key was used for a different record',
    { seq },
  );
}

/** PLAYOUT_OVERLAP naming the record in the way: its seq (or import row), times and title. */
export function overlapError(clash: Interval): DomainError {
  const other = clash.seq
    ? `record ${clash.seq}`
    : clash.row
      ? describePlace(clash.row)
      : 'another record of this request';
  const overlap: Overlap = {
    overlapsSeq: clash.seq ?? null,
    overlapsStartedAt: clash.startedAt.toISOString(),
    overlapsEndedAt: clash.endedAt.toISOString(),
    overlapsTitle: clash.title ?? null,
    ...(clash.row ? { overlapsRow: clash.row } : {}),
  };
  return new DomainError(
    'PLAYOUT_OVERLAP',
    `The record overlaps ${other} (${overlap.overlapsStartedAt} – ${overlap.overlapsEndedAt})`,
    overlap,
  );
}

/**
 * The answers of a group of posts as they are decided, in arrival order. A post that repeats
 * one accepted earlier in the group (same key, or same content), or that overlaps it, is
 * answered once the group's records are appended, with the seq that post got: the answer it
 * would have had, had the two come one after the other.
 */
export class PostGroup {
  readonly accepted: number[] = [];
  private readonly decided = new Map<number, Settled<PostedRecordResult>>();
  /** Answers that name another post of the group, by that post's index. */
  private readonly deferred = new Map<number, { of: number; kind: 'replay' | 'conflict' }>();
  private readonly overlapping = new Map<number, Interval>();
  private readonly keys = new Map<string, { index: number; contentKey: string }>();
  private readonly contents = new Map<string, number>();
  private readonly corrected = new Map<string, Set<number>>();
  private readonly added = new Map<string, number>();
  private readonly owners = new Map<Interval, number>();

  constructor(
    private readonly heads: ReadonlyMap<string, PlayoutChain>,
    private readonly inEffect: Map<string, IntervalIndex>,
  ) {}

  refuse(index: number, error: unknown): void {
    this.decided.set(index, { ok: false, error });
  }

  replay(index: number, record: PlayoutRecord): void {
    this.decided.set(index, { ok: true, value: { record, replayed: true } });
  }

  /** True (and answered) when an earlier post of the group took this key. */
  keyTaken(index: number, keyed: string, contentKey: string): boolean {
    const taken = this.keys.get(keyed);
    if (!taken) return false;
    this.deferred.set(index, {
      of: taken.index,
      kind: taken.contentKey === contentKey ? 'replay' : 'conflict',
    });
    return true;
  }

  /** True (and answered) when an earlier post of the group has the same content. */
  contentTaken(index: number, communeCode: string, contentKey: string): boolean {
    const taken = this.contents.get(communeKey(communeCode, contentKey));
    if (taken === undefined) return false;
    this.deferred.set(index, { of: taken, kind: 'replay' });
    return true;
  }

  /** Why the correction cannot be taken (`assertCorrectable`, with the group's posts counted). */
  async correctionProblem(
    manager: EntityManager,
    communeCode: string,
    record: PreparedRecord,
  ): Promise<unknown> {
    const head = this.heads.get(communeCode)!;
    const lastSeq = head.lastSeq + (this.added.get(communeCode) ?? 0);
    const pending = this.corrected.get(communeCode) ?? new Set<number>();
    try {
      await assertCorrectable(manager, communeCode, lastSeq, record.correctsSeq!, pending);
      return null;
    } catch (error) {
      return error;
    }
  }

  /** True (and answered) when the record overlaps one in effect or accepted in the group. */
  overlapRefused(index: number, communeCode: string, record: PreparedRecord): boolean {
    if (record.endedAt <= record.startedAt) return false;
    const clash = this.index(communeCode).firstOverlap(record);
    if (!clash) return false;
    if (this.owners.has(clash)) this.overlapping.set(index, clash);
    else this.refuse(index, overlapError(clash));
    return true;
  }

  accept(index: number, communeCode: string, record: PreparedRecord, keyed: string | null): void {
    this.accepted.push(index);
    if (keyed) this.keys.set(keyed, { index, contentKey: record.contentKey });
    this.contents.set(communeKey(communeCode, record.contentKey), index);
    this.added.set(communeCode, (this.added.get(communeCode) ?? 0) + 1);
    const index_ = this.index(communeCode);
    if (record.correctsSeq) {
      const pending = this.corrected.get(communeCode) ?? new Set<number>();
      pending.add(record.correctsSeq);
      this.corrected.set(communeCode, pending);
      index_.remove(record.correctsSeq);
    }
    const interval: Interval = {
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      title: record.title,
    };
    this.owners.set(interval, index);
    index_.add(interval);
  }

  /** Every post's answer, once `records` (of the accepted posts, in order) are appended. */
  answers(records: readonly PlayoutRecord[]): Settled<PostedRecordResult>[] {
    const appended = new Map<number, PlayoutRecord>(
      this.accepted.map((index, position) => [index, records[position]]),
    );
    const total = this.decided.size + this.deferred.size + this.overlapping.size + appended.size;
    return Array.from({ length: total }, (_, index): Settled<PostedRecordResult> => {
      const record = appended.get(index);
      if (record) return { ok: true, value: { record, replayed: false } };
      const deferred = this.deferred.get(index);
      if (deferred) {
        const earlier = appended.get(deferred.of)!;
        return deferred.kind === 'replay'
          ? { ok: true, value: { record: earlier, replayed: true } }
          : { ok: false, error: keyConflict(earlier.seq) };
      }
      const clash = this.overlapping.get(index);
      if (clash) {
        const owner = appended.get(this.owners.get(clash)!)!;
        return { ok: false, error: overlapError({ ...clash, seq: owner.seq }) };
      }
      return this.decided.get(index)!;
    });
  }

  private index(communeCode: string): IntervalIndex {
    let index = this.inEffect.get(communeCode);
    if (!index) {
      index = new IntervalIndex();
      this.inEffect.set(communeCode, index);
    }
    return index;
  }
}
