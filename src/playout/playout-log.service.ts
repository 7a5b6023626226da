import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { GroupCommit, Settled } from '../common/group-commit';
import { newId } from '../common/ids';
import { isLocalDate, addDays, localMidnight } from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { insertRows, selectRows, settleAll } from '../database/bulk-insert';
import { toInstant } from '../database/columns';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { TopicsService } from '../topics/topics.service';
import { AsRunLedger, RecordDraft } from './as-run-ledger';
import { CheckpointsService } from './checkpoints.service';
import { PlayoutLogQueryDto, PostPlayoutRecordDto } from './dto/playout-record.dto';
import { PlayoutChain } from './entities/playout-chain.entity';
import {
  PlayoutImport,
  PlayoutImportKind,
  PlayoutImportSummary,
} from './entities/playout-import.entity';
import { PlayoutRecord } from './entities/playout-record.entity';
import { ChainVerdict } from './hash-chain';
import {
  assertCorrectable,
  communeKey,
  effectiveRecordsAround,
  effectiveRecordsBetween,
  existingContentKeys,
  IntervalIndex,
  nextAttempts,
  recordsByKey,
} from './log-checks';
import { describePlace, ImportRow, RowError, RowPlace } from './import-rows';
import {
  invalid,
  PreparedRecord,
  RecordLookups,
  RecordPreparer,
  RecordTimeRules,
} from './record-preparer';
import { RefusalFields } from './record-refusal.view';
import { dailyLimitMs } from '../schedule/broadcast-policy';
import { claimedDays, countedOnDays, recordKind, recordViolation } from './record-policy';
import { policyRefusal } from '../schedule/policy-refusal';
import { PolicyChecks } from '../schedule/policy-checks';
import { keyConflict, overlapError, PostedRecordResult, PostGroup } from './post-group';

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export type { PostedRecordResult } from './post-group';

export interface ImportRequest {
  kind: PlayoutImportKind;
  rows: ImportRow[];
  /** sha256 of the body as received. */
  bodySha256: string;
  idempotencyKey?: string;
  /** Problems found before the rows reached the service (CSV syntax, field formats). */
  rowErrors?: RowError[];
}

export interface ImportResult extends PlayoutImportSummary {
  id: string;
  replayed: boolean;
  records: PlayoutRecord[];
}

/** One single post waiting for its group. */
interface PostRequest {
  communeCode: string;
  input: PostPlayoutRecordDto;
  idempotencyKey?: string;
  actor: AuthUser;
}

/** Posts committed in one transaction at most: a group's statements stay a few hundred rows. */
const MAX_POSTS_PER_GROUP = 200;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The as-run log as clients see it: reads, verification, and records posted by operators or
 * imported from other systems. Every write goes through the ledger's append in one transaction.
 */
@Injectable()
export class PlayoutLogService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly ledger: AsRunLedger,
    private readonly topics: TopicsService,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly checkpoints: CheckpointsService,
    private readonly policy: PolicyChecks,
  ) {}

  /** Single posts, committed in groups (see `post`). */
  private readonly posts = new GroupCommit<PostRequest, PostedRecordResult>(
    (group) => this.db.write((manager) => this.postGroup(manager, group)),
    MAX_POSTS_PER_GROUP,
  );

  /** The commune's records in chain order; `from`/`to` keep those started on those local days. */
  async list(communeCode: string, query: PlayoutLogQueryDto): Promise<PlayoutRecord[]> {
    for (const [name, value] of Object.entries(query)) {
      if (typeof value === 'string' && !isLocalDate(value)) {
        throw new DomainError('VALIDATION_FAILED', `${name} is not a calendar date: ${value}`);
      }
    }
    if (query.from && query.to && query.from > query.to) {
      throw new DomainError('VALIDATION_FAILED', 'from must not be after to');
    }
    const builder = this.db.manager
      .createQueryBuilder(PlayoutRecord, 'record')
      .where('record.commune_code = :communeCode', { communeCode })
      .orderBy('record.seq', 'ASC');
    if (query.from) {
      builder.andWhere('record.started_at >= :from', {
        from: localMidnight(query.from).toISOString(),
      });
    }
    if (query.to) {
      builder.andWhere('record.started_at < :to', {
        to: localMidnight(addDays(query.to, 1)).toISOString(),
      });
    }
    return builder.getMany();
  }

  /** The chain against its records, its stored head and its signed checkpoints. */
  verify(communeCode: string): Promise<ChainVerdict> {
    return this.checkpoints.verify(communeCode);
  }

  /**
   * One manual or imported record; idempotent by `Idempotency-Key` and by content. Posts that
   * arrive together are committed together (`GroupCommit`): one transaction for many, each
   * still checked as if alone, in arrival order, and answered with its own record or error.
   */
  async post(
    communeCode: string,
    input: PostPlayoutRecordDto,
    idempotencyKey: string | undefined,
    actor: AuthUser,
  ): Promise<PostedRecordResult> {
    assertIdempotencyKey(idempotencyKey);
    this.geo.commune(communeCode);
    return this.posts.submit({ communeCode, input, idempotencyKey, actor });
  }

  /**
   * The posts of a group, in one transaction: the chain heads of their communes locked, what
   * they name read once, each post then checked in arrival order against the log and the posts
   * accepted before it (idempotency key, same content, correction target, overlap), and the
   * accepted ones appended, audited and answered together. A refused post only gets its error.
   */
  private async postGroup(
    manager: EntityManager,
    posts: readonly PostRequest[],
  ): Promise<Settled<PostedRecordResult>[]> {
    const heads = await this.ledger.lockHeads(
      manager,
      posts.map((post) => post.communeCode),
    );
    const lookups = new RecordLookups();
    await lookups.learn(
      manager,
      this.topics,
      posts.map((post) => post.input),
    );
    const rules = this.timeRules();
    const prepared: (PreparedRecord | { error: unknown })[] = [];
    for (const post of posts) {
      const preparer = new RecordPreparer(
        this.geo.commune(post.communeCode),
        rules,
        'operator',
        lookups,
      );
      try {
        prepared.push(preparer.prepare(post.input));
      } catch (error) {
        prepared.push({ error });
      }
    }
    const ready = prepared.flatMap((record, index) =>
      'error' in record ? [] : [{ post: posts[index], record }],
    );
    // The broadcast policy of each commune and the airtime of the days the records start on.
    const readyRecords = ready.map(({ record }) => record);
    const [policies, totals] = await settleAll([
      this.policy.forCommunes(manager, [...new Set(ready.map(({ post }) => post.communeCode))]),
      this.ledger.dayTotals(manager, claimedDays(readyRecords)),
    ]);
    const days = await countedOnDays(manager, readyRecords, {
      limitMs: (communeCode) => dailyLimitMs(policies.get(communeCode)!),
      totals,
    });
    const byKey = await recordsByKey(
      manager,
      'idempotencyKey',
      ready.flatMap(({ post }) =>
        post.idempotencyKey ? [{ communeCode: post.communeCode, key: post.idempotencyKey }] : [],
      ),
    );
    const byContent = await recordsByKey(
      manager,
      'contentKey',
      ready.map(({ post, record }) => ({ communeCode: post.communeCode, key: record.contentKey })),
    );
    const inEffect = new Map<string, IntervalIndex>();
    for (const [communeCode, records] of await effectiveRecordsAround(
      manager,
      ready.map(({ post, record }) => ({
        communeCode: post.communeCode,
        from: record.startedAt,
        to: record.endedAt,
      })),
    )) {
      inEffect.set(communeCode, new IntervalIndex(records));
    }

    const group = new PostGroup(heads, inEffect);
    for (const [index, post] of posts.entries()) {
      const record = prepared[index];
      if ('error' in record) {
        group.refuse(index, record.error);
        continue;
      }
      const keyed = post.idempotencyKey ? communeKey(post.communeCode, post.idempotencyKey) : null;
      const earlier = keyed ? byKey.get(keyed) : undefined;
      if (earlier) {
        if (earlier.contentKey !== record.contentKey) group.refuse(index, keyConflict(earlier.seq));
        else group.replay(index, earlier);
        continue;
      }
      if (keyed && group.keyTaken(index, keyed, record.contentKey)) continue;
      const same = byContent.get(communeKey(post.communeCode, record.contentKey));
      if (same) {
        group.replay(index, same);
        continue;
      }
      if (group.contentTaken(index, post.communeCode, record.contentKey)) continue;
      if (record.correctsSeq) {
        const problem = await group.correctionProblem(manager, post.communeCode, record);
        if (problem) {
          group.refuse(index, problem);
          continue;
        }
      }
      if (group.overlapRefused(index, post.communeCode, record)) continue;
      const kind = recordKind(record, lookups);
      const violation = recordViolation(policies.get(post.communeCode)!, record, kind, days);
      if (violation) {
        group.refuse(index, policyRefusal(violation));
        continue;
      }
      group.accept(index, post.communeCode, record, keyed);
      days.accept(record, kind);
    }

    const accepted = group.accepted.map((index) => ({ post: posts[index], index }));
    const attempts = await nextAttempts(
      manager,
      accepted.flatMap(({ index }) => {
        const record = prepared[index] as PreparedRecord;
        return record.scheduleItemId ? [record.scheduleItemId] : [];
      }),
    );
    const drafts = accepted.map(({ post, index }): RecordDraft => {
      const record = prepared[index] as PreparedRecord;
      let attempt = 1;
      if (record.scheduleItemId) {
        attempt = attempts.get(record.scheduleItemId) ?? 2;
        attempts.set(record.scheduleItemId, attempt + 1);
      }
      return {
        ...record,
        attempt,
        idempotencyKey: post.idempotencyKey ?? null,
        createdBy: post.actor.id,
      };
    });
    const records = await this.ledger.appendMany(manager, heads, drafts);
    await this.audit.recordAll(
      records.map((record, position) => ({
        action: 'playout.recorded',
        actor: accepted[position].post.actor,
        targetType: 'playout_record',
        targetId: record.id,
        communeCode: record.communeCode,
        detail: { seq: record.seq, outcome: record.outcome, correctsSeq: record.correctsSeq },
      })),
      manager,
    );
    return group.answers(records);
  }

  /**
   * Many records at once (CSV import, JSON batch): all or nothing, every bad row named. A replay
   * (same key, or the same body) returns the first result; rows that repeat records already in
   * the log are counted as duplicates and skipped.
   */
  async importMany(
    communeCode: string,
    request: ImportRequest,
    actor: AuthUser,
  ): Promise<ImportResult> {
    assertIdempotencyKey(request.idempotencyKey);
    const commune = this.geo.commune(communeCode);
    return this.db.write(async (manager) => {
      const head = await this.ledger.lockHead(manager, communeCode);
      const earlier = await this.earlierImport(manager, communeCode, request);
      if (earlier) return this.replay(manager, communeCode, earlier);
      if (request.rowErrors && request.rowErrors.length > 0 && request.rows.length === 0) {
        throw importInvalid(request.rowErrors);
      }

      const errors: RowError[] = [...(request.rowErrors ?? [])];
      const lookups = new RecordLookups();
      await lookups.learn(
        manager,
        this.topics,
        request.rows.map((row) => row.input),
      );
      const preparer = new RecordPreparer(commune, this.timeRules(), 'import', lookups);
      const prepared: { place: RowPlace; record: PreparedRecord }[] = [];
      for (const row of request.rows) {
        try {
          prepared.push({ place: row.place, record: preparer.prepare(row.input) });
        } catch (error) {
          errors.push(rowError(row.place, error));
        }
      }

      // The log's records the rows repeat, and those in effect around them: read together.
      const preparedRecords = prepared.map((row) => row.record);
      const window = spanOf(preparedRecords);
      const [existing, effective, policy, totals] = await settleAll([
        existingContentKeys(manager, communeCode, preparedRecords),
        window
          ? effectiveRecordsBetween(manager, communeCode, window.from, window.to)
          : Promise.resolve([]),
        this.policy.forCommune(manager, communeCode),
        this.ledger.dayTotals(manager, claimedDays(preparedRecords)),
      ]);
      const days = await countedOnDays(manager, preparedRecords, {
        limitMs: () => dailyLimitMs(policy),
        totals,
      });
      const inEffect = new IntervalIndex(effective);
      const accepted: { place: RowPlace; record: PreparedRecord }[] = [];
      const seen = new Map<string, RowPlace>();
      const corrected = new Set<number>();
      let duplicates = 0;
      for (const row of prepared) {
        const key = row.record.contentKey;
        const twin = seen.get(key);
        if (twin) {
          const repeated = invalid(`Repeats ${describePlace(twin)}`, {
            rule: 'repeats-row',
            repeats: twin,
          });
          errors.push(rowError(row.place, repeated));
          continue;
        }
        seen.set(key, row.place);
        if (existing.has(key)) {
          duplicates += 1;
          continue;
        }
        try {
          // Awaited only when it reads (a correction): a batch's records are checked in a row.
          const reading = this.fits(manager, head, row.record, corrected, inEffect);
          if (reading) await reading;
        } catch (error) {
          errors.push(rowError(row.place, error));
          continue;
        }
        const kind = recordKind(row.record, lookups);
        const violation = recordViolation(policy, row.record, kind, days);
        if (violation) {
          errors.push(rowError(row.place, policyRefusal(violation)));
          continue;
        }
        days.accept(row.record, kind);
        const correctsSeq = row.record.correctsSeq;
        if (correctsSeq) {
          corrected.add(correctsSeq);
          inEffect.remove(correctsSeq);
        }
        const { startedAt, endedAt, title } = row.record;
        inEffect.add({ startedAt, endedAt, title, row: row.place });
        accepted.push(row);
      }
      if (errors.length > 0) throw importInvalid(errors);

      const importId = newId();
      // Every accepted record is appended: the import's row and its audit row go beside them.
      const summary: PlayoutImportSummary = { imported: accepted.length, duplicates };
      const [records] = await settleAll([
        this.appendPosted(
          manager,
          head,
          accepted.map((row) => row.record),
          { importId, createdBy: actor.id },
        ),
        // Plain SQL: TypeORM's insert builder would read the row back after writing it.
        insertRows(
          manager,
          'playout_import',
          [
            'id',
            'commune_code',
            'kind',
            'idempotency_key',
            'body_sha256',
            'summary',
            'created_by',
            'created_at',
          ],
          [
            [
              importId,
              communeCode,
              request.kind,
              request.idempotencyKey ?? null,
              request.bodySha256,
              JSON.stringify(summary),
              actor.id,
              toInstant(this.clock.now()),
            ],
          ],
        ),
        this.audit.record(
          {
            action: 'playout.imported',
            actor,
            targetType: 'playout_import',
            targetId: importId,
            communeCode,
            detail: { kind: request.kind, ...summary },
          },
          manager,
        ),
      ]);
      return { id: importId, ...summary, replayed: false, records };
    });
  }

  private timeRules(): RecordTimeRules {
    return { now: this.clock.now(), lateToleranceMs: this.config.playout.lateToleranceMs };
  }

  /**
   * Checks that need the lock: the correction target (read only for a correction), and overlap
   * with the records in effect. Without a correction nothing is read, nor awaited.
   */
  private fits(
    manager: EntityManager,
    head: PlayoutChain,
    record: PreparedRecord,
    corrected: ReadonlySet<number>,
    inEffect: IntervalIndex,
  ): Promise<void> | void {
    if (!record.correctsSeq) return assertNoOverlap(record, inEffect);
    return assertCorrectable(
      manager,
      head.communeCode,
      head.lastSeq,
      record.correctsSeq,
      corrected,
    ).then(() => assertNoOverlap(record, inEffect));
  }

  private async appendPosted(
    manager: EntityManager,
    head: PlayoutChain,
    prepared: readonly PreparedRecord[],
    extra: Pick<RecordDraft, 'idempotencyKey' | 'importId' | 'createdBy'>,
  ): Promise<PlayoutRecord[]> {
    const attempts = await nextAttempts(
      manager,
      prepared.flatMap((record) => (record.scheduleItemId ? [record.scheduleItemId] : [])),
    );
    const drafts = prepared.map((record): RecordDraft => {
      let attempt = 1;
      if (record.scheduleItemId) {
        attempt = attempts.get(record.scheduleItemId) ?? 2;
        attempts.set(record.scheduleItemId, attempt + 1);
      }
      return { ...record, attempt, ...extra };
    });
    return this.ledger.append(manager, head, drafts);
  }

  /**
   * The first import of the commune that this request repeats (same key, or same kind and body),
   * or null. Plain SQL, one statement each way: every import asks, before it writes anything.
   */
  private async earlierImport(
    manager: EntityManager,
    communeCode: string,
    request: ImportRequest,
  ): Promise<EarlierImport | null> {
    const select =
      'SELECT id, kind, body_sha256 AS "bodySha256", summary ' +
      'FROM playout_import WHERE commune_code = ? AND ';
    if (request.idempotencyKey) {
      const [byKey] = await selectRows<EarlierImportRow>(manager, `${select}idempotency_key = ?`, [
        communeCode,
        request.idempotencyKey,
      ]);
      if (byKey) {
        if (byKey.bodySha256 !== request.bodySha256 || byKey.kind !== request.kind) {
          throw new DomainError(
            'IDEMPOTENCY_CONFLICT',
            'This Idempotency-Key was used for a different import',
            { importId: byKey.id },
          );
        }
        return earlierOf(byKey);
      }
    }
    const [byBody] = await selectRows<EarlierImportRow>(
      manager,
      `${select}kind = ? AND body_sha256 = ? ORDER BY created_at LIMIT 1`,
      [communeCode, request.kind, request.bodySha256],
    );
    return byBody ? earlierOf(byBody) : null;
  }

  private async replay(
    manager: EntityManager,
    communeCode: string,
    earlier: EarlierImport,
  ): Promise<ImportResult> {
    const records = await manager.find(PlayoutRecord, {
      where: { communeCode, importId: earlier.id },
      order: { seq: 'ASC' },
    });
    return { id: earlier.id, ...earlier.summary, replayed: true, records };
  }
}

/** An earlier import as `earlierImport` reads it. */
interface EarlierImportRow {
  id: string;
  kind: PlayoutImportKind;
  bodySha256: string;
  /** `PlayoutImportSummary` as JSON text (the column is TypeORM's `simple-json`). */
  summary: string;
}

/** What a replay needs of the earlier import. */
type EarlierImport = Pick<PlayoutImport, 'id' | 'summary'>;

function earlierOf(row: EarlierImportRow): EarlierImport {
  return {
    id: row.id,
    summary: JSON.parse(row.summary) as PlayoutImportSummary,
  };
}

function assertIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'Idempotency-Key must be 1 to 200 visible ASCII characters',
    );
  }
}

/** A row's refusal, with the values it names as fields, as a single post's problem has them. */
function rowError(place: RowPlace, error: unknown): RowError {
  if (!(error instanceof DomainError)) throw error;
  const fields = error.details as RefusalFields | undefined;
  return { ...fields, ...place, code: error.code, message: error.message };
}

/** Rows an import refusal lists (`errorCount` tells how many there were): a short answer. */
export const MAX_LISTED_ROW_ERRORS = 50;
/** Characters of one row's message in a refusal. */
const MAX_ROW_MESSAGE_CHARS = 500;

function importInvalid(errors: RowError[]): DomainError {
  const sorted = [...errors]
    .sort((a, b) => sortKey(a) - sortKey(b))
    .slice(0, MAX_LISTED_ROW_ERRORS)
    .map((error) => ({ ...error, message: clip(error.message, MAX_ROW_MESSAGE_CHARS) }));
  return new DomainError(
    'PLAYOUT_IMPORT_INVALID',
    `${errors.length} row(s) refused, nothing imported: ` +
      sorted
        .slice(0, 5)
        .map((error) => `${describePlace(error)}: ${clip(error.message, 200)}`)
        .join('; '),
    { errorCount: errors.length, errors: sorted },
  );
}

function clip(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars)}…`;
}

function sortKey(error: RowError): number {
  return 'line' in error ? error.line : error.index;
}

/** Refuses a record that overlaps one in effect (other than the one it corrects). */
function assertNoOverlap(record: PreparedRecord, inEffect: IntervalIndex): void {
  if (record.endedAt <= record.startedAt) return;
  const clash = inEffect.firstOverlap(record);
  if (clash) throw overlapError(clash);
}

function spanOf(records: readonly PreparedRecord[]): { from: Date; to: Date } | null {
  if (records.length === 0) return null;
  let from = records[0].startedAt;
  let to = records[0].endedAt;
  for (const record of records) {
    if (record.startedAt < from) from = record.startedAt;
    if (record.endedAt > to) to = record.endedAt;
  }
  return { from, to };
}
