import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import {
  execute,
  insertRows,
  placeholders,
  selectRows,
  settleAll,
  sqlBoolean,
  SqlValue,
} from '../database/bulk-insert';
import { toInstant } from '../database/columns';
import { Db } from '../database/db.service';
import { PlayoutChain } from './entities/playout-chain.entity';
import { chunks, LOOKUP_CHUNK } from './log-checks';
import { CHAINED_SELECT, chainedFromRow, ChainedRow } from './record-rows';
import {
  DeviceCoverage,
  PlayoutOutcome,
  PlayoutRecord,
  PlayoutSource,
} from './entities/playout-record.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import {
  canonicalTailWithoutSegments,
  chainHash,
  chainHashOfTail,
  ChainVerdict,
  ChainWalker,
  contentKeyOfTail,
  GENESIS_HASH,
  sortTopics,
} from './hash-chain';
import type { RelaySegment } from './player/relay-segments';

/** A record before it takes its place in the chain. */
export interface RecordDraft {
  communeCode: string;
  scheduleItemId: string | null;
  attempt: number;
  bulletinId: string | null;
  title: string | null;
  topics: readonly string[];
  startedAt: Date;
  endedAt: Date;
  playedMs: number;
  outcome: PlayoutOutcome;
  source: PlayoutSource;
  correctsSeq: number | null;
  reason: string | null;
  idempotencyKey?: string | null;
  importId?: string | null;
  createdBy?: string | null;
  demo?: boolean;
  /** The devices' coverage, for records built from their receipts. */
  devices?: DeviceCoverage | null;
  /** A relay's segments (hashed: see `canonicalJson`); absent for every other record. */
  segments?: RelaySegment[] | null;
  /** `draftContentKey` of this draft when the caller computed it already (it is not hashed). */
  contentKey?: string;
  /** `canonicalTail` of this draft when the caller computed it already (`draftKeys`). */
  canonicalTail?: string;
}

/** The fields that make two posts "the same record". */
export type ContentFields = Pick<
  RecordDraft,
  | 'communeCode'
  | 'scheduleItemId'
  | 'bulletinId'
  | 'topics'
  | 'startedAt'
  | 'endedAt'
  | 'playedMs'
  | 'outcome'
  | 'source'
  | 'correctsSeq'
  | 'reason'
>;

/** The content key of a draft: what makes two posts "the same record". */
export function draftContentKey(draft: ContentFields): string {
  return draftKeys(draft).contentKey;
}

/**
 * `draftContentKey`, with the draft's canonical tail: given to the ledger with the draft, the
 * chain hash reuses it instead of writing the record's canonical JSON a second time. For a draft
 * without segments (the tail has none).
 */
export function draftKeys(draft: ContentFields): { contentKey: string; canonicalTail: string } {
  // A content key never covers segments, even when a full draft is given as its content fields.
  const tail = canonicalTailWithoutSegments(draft);
  return {
    contentKey: contentKeyOfTail(draft.communeCode, tail, draft.reason),
    canonicalTail: tail,
  };
}

/**
 * Records read at a time by the chain check. Small on purpose: a page lives while it is read and
 * hashed, so a page larger than the young generation (`--max-semi-space-size=2`, `npm start`)
 * survives its collections and is promoted, to stay as garbage in the old space until a full
 * collection. Checking 166 chains of 930 records (2026-12-03, `--max-semi-space-size=2`): pages
 * of 1,000 whole records, heap peak 21 → 92 MB, RSS +120 MB, 7.1 s of CPU; 100 records of the
 * chained fields only, heap peak 24.5 MB, RSS +37 MB (SQLite's page cache), 3.7 s. The page is
 * read as plain rows (`CHAINED_SELECT`), not as TypeORM entities.
 */
const VERIFY_PAGE = 100;

/** A reading of a commune's chain: the verdict, and the last record that chained well. */
export interface ChainReading {
  verdict: ChainVerdict;
  lastSeq: number;
  lastHash: string;
}

/** Something outside the records that the chain must also agree with (signed checkpoints). */
export interface ChainAnchor {
  /** The verdict on `reading` once checked against the anchor, read through `manager`. */
  check(manager: EntityManager, communeCode: string, reading: ChainReading): Promise<ChainVerdict>;
}

/** A local day (Asia/Ho_Chi_Minh, `YYYY-MM-DD`) of a commune. */
export interface CommuneDay {
  communeCode: string;
  date: string;
}

/**
 * Each commune-day's aired total as it is kept with every append (the reports' roll-ups): the
 * played time of the `aired` and `partial` records in effect that start on the day, live
 * speech and emergencies included. By `communeKey(communeCode, date)`; the days of communes
 * whose totals are behind their log are left out.
 */
export type DayTotalsReader = (
  manager: EntityManager,
  days: readonly CommuneDay[],
) => Promise<Map<string, number>>;

/**
 * Work that must commit with every append (the reports' roll-ups): called in the append's
 * transaction, with the chain heads held, once per append with its records: grouped by commune
 * (a group commit appends to several), each commune's in seq order. A hook that throws rolls
 * the append back.
 */
export type AppendHook = (
  manager: EntityManager,
  records: readonly PlayoutRecord[],
) => Promise<void>;

/** A `playout_chain` row as `lockHeads` reads it. */
interface HeadRow {
  communeCode: string;
  lastSeq: number | string;
  lastHash: string;
  updatedAt: string;
}

/** The columns of `playout_record`, in the order of `recordValues`. */
const RECORD_COLUMNS = [
  'id',
  'commune_code',
  'seq',
  'schedule_item_id',
  'attempt',
  'bulletin_id',
  'title',
  'topics',
  'started_at',
  'ended_at',
  'played_ms',
  'outcome',
  'source',
  'corrects_seq',
  'reason',
  'prev_hash',
  'hash',
  'idempotency_key',
  'content_key',
  'import_id',
  'created_by',
  'created_at',
  'demo',
  'devices_targeted',
  'devices_aired',
  'devices_partial',
  'devices_missed',
  'devices_unreported',
  'segments',
] as const;

/** `createdAt`: `toInstant(record.createdAt)`, the same for every record of an append. */
function recordValues(
  manager: EntityManager,
  record: PlayoutRecord,
  createdAt: string,
): SqlValue[] {
  return [
    record.id,
    record.communeCode,
    record.seq,
    record.scheduleItemId,
    record.attempt,
    record.bulletinId,
    record.title,
    JSON.stringify(record.topics),
    toInstant(record.startedAt),
    toInstant(record.endedAt),
    record.playedMs,
    record.outcome,
    record.source,
    record.correctsSeq,
    record.reason,
    record.prevHash,
    record.hash,
    record.idempotencyKey,
    record.contentKey,
    record.importId,
    record.createdBy,
    createdAt,
    sqlBoolean(manager, record.demo),
    record.devicesTargeted,
    record.devicesAired,
    record.devicesPartial,
    record.devicesMissed,
    record.devicesUnreported,
    record.segments ? JSON.stringify(record.segments) : null,
  ];
}

/**
 * The only code that writes as-run records. It appends (never updates or deletes), numbering and
 * hashing each record under the commune's chain-head lock, in the caller's transaction, so the
 * record, its topics, the new head and the program-log status commit together or not at all.
 */
@Injectable()
export class AsRunLedger {
  private readonly hooks: AppendHook[] = [];
  private dayTotalsReader: DayTotalsReader | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Registers work to run in every append's transaction (see `AppendHook`). The ledger knows
   * nothing of who registers: the reports module keeps its roll-ups this way, so the log does
   * not depend on how it is summed.
   */
  onAppend(hook: AppendHook): () => void {
    this.hooks.push(hook);
    return () => {
      const index = this.hooks.indexOf(hook);
      if (index >= 0) this.hooks.splice(index, 1);
    };
  }

  /**
   * Registers the reader of the day totals that the appends' hook keeps (see `DayTotalsReader`):
   * the reports module's, as for `onAppend`.
   */
  onDayTotals(reader: DayTotalsReader): () => void {
    this.dayTotalsReader = reader;
    return () => {
      if (this.dayTotalsReader === reader) this.dayTotalsReader = null;
    };
  }

  /** The kept day totals of `days` (see `DayTotalsReader`); none when no reader is registered. */
  dayTotals(manager: EntityManager, days: readonly CommuneDay[]): Promise<Map<string, number>> {
    if (!this.dayTotalsReader || days.length === 0)
      return Promise.resolve(new Map<string, number>());
    return this.dayTotalsReader(manager, days);
  }

  /**
   * Locks the commune's chain head for the rest of the transaction (created on first use).
   * PostgreSQL: `SELECT … FOR UPDATE`, so concurrent appends to one commune queue here; SQLite:
   * the insert takes the database's write lock and `Db.write` serializes writers anyway.
   */
  async lockHead(manager: EntityManager, communeCode: string): Promise<PlayoutChain> {
    const heads = await this.lockHeads(manager, [communeCode]);
    return heads.get(communeCode)!;
  }

  /**
   * `lockHead` for several communes at once (a group commit): two statements whatever their
   * number, locked in commune-code order on PostgreSQL so that two such groups never deadlock.
   */
  async lockHeads(
    manager: EntityManager,
    communeCodes: readonly string[],
  ): Promise<Map<string, PlayoutChain>> {
    const codes = [...new Set(communeCodes)].sort();
    const now = toInstant(this.clock.now());
    await insertRows(
      manager,
      'playout_chain',
      ['commune_code', 'last_seq', 'last_hash', 'updated_at'],
      codes.map((code) => [code, 0, GENESIS_HASH, now]),
      '(commune_code) DO NOTHING',
    );
    const heads = new Map<string, PlayoutChain>();
    // Plain SQL: one query for the group, no entity built per head.
    const lock = this.db.isSqlite ? '' : ' FOR UPDATE';
    for (const slice of chunks(codes, LOOKUP_CHUNK)) {
      const rows = await selectRows<HeadRow>(
        manager,
        'SELECT commune_code AS "communeCode", last_seq AS "lastSeq", last_hash AS "lastHash", ' +
          `updated_at AS "updatedAt" FROM playout_chain WHERE commune_code IN ` +
          `(${placeholders(slice.length)}) ORDER BY commune_code${lock}`,
        slice,
      );
      for (const row of rows) {
        heads.set(row.communeCode, {
          communeCode: row.communeCode,
          lastSeq: Number(row.lastSeq),
          lastHash: row.lastHash,
          updatedAt: new Date(row.updatedAt),
        });
      }
    }
    for (const code of codes) {
      if (!heads.has(code)) throw new Error(`Chain head of commune ${code} vanished`);
    }
    return heads;
  }

  /** The commune's chain head, locked for the transaction when it exists; never creates it. */
  private headForUpdate(manager: EntityManager, communeCode: string): Promise<PlayoutChain | null> {
    const query = manager
      .createQueryBuilder(PlayoutChain, 'head')
      .where('head.commune_code = :communeCode', { communeCode });
    if (!this.db.isSqlite) query.setLock('pessimistic_write');
    return query.getOne();
  }

  /** Appends drafts of the head's commune in order; `head` must come from `lockHead` in `manager`. */
  async append(
    manager: EntityManager,
    head: PlayoutChain,
    drafts: readonly RecordDraft[],
  ): Promise<PlayoutRecord[]> {
    for (const draft of drafts) {
      if (draft.communeCode !== head.communeCode) {
        throw new Error(`Draft of commune ${draft.communeCode} appended to ${head.communeCode}`);
      }
    }
    return this.appendMany(manager, new Map([[head.communeCode, head]]), drafts);
  }

  /**
   * Appends drafts of several communes, each commune's in the order given, in a few statements
   * whatever their number (a group commit of many posts). `heads` come from `lockHead(s)` in
   * `manager`; each is moved on. The records come back in the order of `drafts`.
   */
  async appendMany(
    manager: EntityManager,
    heads: ReadonlyMap<string, PlayoutChain>,
    drafts: readonly RecordDraft[],
  ): Promise<PlayoutRecord[]> {
    if (drafts.length === 0) return [];
    const now = this.clock.now();
    const tips = new Map<string, { seq: number; hash: string; from: number }>();
    const records = drafts.map((draft): PlayoutRecord => {
      const head = heads.get(draft.communeCode);
      if (!head) throw new Error(`Draft of commune ${draft.communeCode} without its chain head`);
      let tip = tips.get(draft.communeCode);
      if (!tip) {
        tip = { seq: head.lastSeq, hash: head.lastHash, from: head.lastSeq };
        tips.set(draft.communeCode, tip);
      }
      const prevHash = tip.hash;
      const seq = tip.seq + 1;
      const topics = sortTopics(draft.topics);
      // A draft's tail holds no segments: one with segments is hashed from its fields.
      const hash =
        draft.canonicalTail !== undefined && !draft.segments
          ? chainHashOfTail(prevHash, draft.communeCode, seq, draft.canonicalTail)
          : chainHash(prevHash, { ...draft, seq, topics });
      tip.seq = seq;
      tip.hash = hash;
      return {
        id: newId(),
        communeCode: draft.communeCode,
        seq,
        scheduleItemId: draft.scheduleItemId,
        attempt: draft.attempt,
        bulletinId: draft.bulletinId,
        title: draft.title,
        topics,
        startedAt: draft.startedAt,
        endedAt: draft.endedAt,
        playedMs: draft.playedMs,
        outcome: draft.outcome,
        source: draft.source,
        correctsSeq: draft.correctsSeq,
        reason: draft.reason,
        prevHash,
        hash,
        idempotencyKey: draft.idempotencyKey ?? null,
        contentKey: draft.contentKey ?? draftContentKey(draft),
        importId: draft.importId ?? null,
        createdBy: draft.createdBy ?? null,
        createdAt: now,
        demo: draft.demo ?? false,
        devicesTargeted: draft.devices?.targeted ?? null,
        devicesAired: draft.devices?.aired ?? null,
        devicesPartial: draft.devices?.partial ?? null,
        devicesMissed: draft.devices?.missed ?? null,
        devicesUnreported: draft.devices?.unreported ?? null,
        segments: draft.segments ?? null,
      };
    });

    // Plain multi-row INSERTs: a batch writes hundreds of records, and TypeORM's insert builder
    // would spend more time on its parameters than the database on the rows. A batch's records
    // share their commune, source, import, author, creation time and the columns it leaves empty:
    // each of those is bound once a statement (about half of a record's 29 values).
    // The records, their topics, the heads and the program log are written together: none reads
    // what another writes, so their statements go at once. The hooks read the records after.
    const createdAt = toInstant(now);
    await settleAll([
      insertRows(
        manager,
        'playout_record',
        RECORD_COLUMNS,
        records.map((record) => recordValues(manager, record, createdAt)),
        undefined,
        true,
      ),
      insertRows(
        manager,
        'playout_record_topic',
        ['record_id', 'topic_code'],
        records.flatMap((record) => record.topics.map((topicCode) => [record.id, topicCode])),
      ),
      this.moveHeads(manager, tips, now),
      this.followOnProgramLog(manager, records, now),
    ]);
    for (const [communeCode, tip] of tips) {
      const head = heads.get(communeCode)!;
      head.lastSeq = tip.seq;
      head.lastHash = tip.hash;
      head.updatedAt = now;
    }
    if (this.hooks.length > 0) {
      // Each commune's records together, in seq order (the hooks' contract).
      const byCommune = [...records].sort((a, b) =>
        a.communeCode === b.communeCode ? a.seq - b.seq : a.communeCode < b.communeCode ? -1 : 1,
      );
      for (const hook of this.hooks) await hook(manager, byCommune);
    }
    return records;
  }

  /**
   * Moves the chain heads to their new tips in one statement a slice; each only from the seq it
   * was read at, so a head another writer moved meanwhile fails the append.
   */
  private async moveHeads(
    manager: EntityManager,
    tips: ReadonlyMap<string, { seq: number; hash: string; from: number }>,
    now: Date,
  ): Promise<void> {
    for (const slice of chunks([...tips], LOOKUP_CHUNK / 5)) {
      const cases = slice.map(() => 'WHEN ? THEN CAST(? AS INTEGER)').join(' ');
      const hashes = slice.map(() => 'WHEN ? THEN ?').join(' ');
      const parameters: SqlValue[] = [];
      for (const [code, tip] of slice) parameters.push(code, tip.seq);
      for (const [code, tip] of slice) parameters.push(code, tip.hash);
      parameters.push(toInstant(now));
      for (const [code, tip] of slice) parameters.push(code, tip.from);
      const affected = await execute(
        manager,
        `UPDATE playout_chain SET last_seq = CASE commune_code ${cases} END, ` +
          `last_hash = CASE commune_code ${hashes} END, updated_at = ? ` +
          `WHERE ${slice.map(() => '(commune_code = ? AND last_seq = ?)').join(' OR ')}`,
        parameters,
      );
      if (affected !== undefined && affected !== slice.length) {
        throw new Error(
          `Chain head of commune(s) ${slice.map(([code]) => code).join(', ')} moved during an append`,
        );
      }
    }
  }

  /** The program log's item statuses follow the as-run: the latest record of an item decides. */
  private async followOnProgramLog(
    manager: EntityManager,
    records: readonly PlayoutRecord[],
    now: Date,
  ): Promise<void> {
    const latest = new Map<string, PlayoutOutcome>();
    for (const record of records) {
      if (record.scheduleItemId) latest.set(record.scheduleItemId, record.outcome);
    }
    // One UPDATE per outcome (a day of receipts settles hundreds of items at once).
    const byOutcome = new Map<PlayoutOutcome, string[]>();
    for (const [itemId, outcome] of latest) {
      const ids = byOutcome.get(outcome);
      if (ids) ids.push(itemId);
      else byOutcome.set(outcome, [itemId]);
    }
    for (const [outcome, itemIds] of byOutcome) {
      for (const ids of chunks(itemIds, LOOKUP_CHUNK)) {
        await manager
          .createQueryBuilder()
          .update(ScheduleItem)
          .set({ status: outcome, updatedAt: now })
          .where('id IN (:...ids) AND status <> :cancelled', { ids, cancelled: 'cancelled' })
          .execute();
      }
    }
  }

  /**
   * Recomputes a commune's chain from the database, page by page; names the first broken seq.
   * The first reading takes no lock, so appends go on meanwhile; a record arriving between the
   * reads of the head and of the records makes that reading look broken (the head and the last
   * record disagree). A "broken" reading is therefore read again with the chain head locked,
   * when no append of the commune is in flight, and only that answer is given.
   */
  async verify(communeCode: string, anchor?: ChainAnchor): Promise<ChainVerdict> {
    return (await this.read(communeCode, anchor)).verdict;
  }

  /** `verify`, with the last record that chained well; `anchor` checks the reading too. */
  async read(communeCode: string, anchor?: ChainAnchor): Promise<ChainReading> {
    const reading = await this.walk(
      this.db.manager,
      communeCode,
      async (manager) => manager.findOneBy(PlayoutChain, { communeCode }),
      anchor,
    );
    if (reading.verdict.ok) return reading;
    return this.db.write((manager) =>
      this.walk(manager, communeCode, (locked) => this.headForUpdate(locked, communeCode), anchor),
    );
  }

  private async walk(
    manager: EntityManager,
    communeCode: string,
    readHead: (manager: EntityManager) => Promise<PlayoutChain | null>,
    anchor: ChainAnchor | undefined,
  ): Promise<ChainReading> {
    const head = await readHead(manager);
    const walker = new ChainWalker();
    let after = 0;
    for (;;) {
      const rows = await selectRows<ChainedRow>(
        manager,
        `SELECT ${CHAINED_SELECT} FROM playout_record WHERE commune_code = ? AND seq > ? ` +
          `ORDER BY seq LIMIT ${VERIFY_PAGE}`,
        [communeCode, after],
      );
      if (rows.length === 0) break;
      const page = rows.map(chainedFromRow);
      if (!page.every((record) => walker.next(record))) break;
      after = page[page.length - 1].seq;
    }
    const verdict = walker.verdict(head?.lastSeq);
    const reading: ChainReading = {
      verdict,
      lastSeq: walker.chained,
      lastHash: walker.lastHash,
    };
    return anchor
      ? { ...reading, verdict: await anchor.check(manager, communeCode, reading) }
      : reading;
  }
}
