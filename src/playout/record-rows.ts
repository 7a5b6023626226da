import type { ChainedRecord } from './hash-chain';
import type { RelaySegment } from './player/relay-segments';
import {
  PlayoutOutcome,
  PlayoutRecord,
  PlayoutSource,
  topicsFromColumn,
} from './entities/playout-record.entity';

/**
 * `playout_record` rows read with plain SQL (`selectRows`), turned into records as TypeORM would
 * build them, without its per-row bookkeeping: the group commit of single posts reads the
 * records its keys name in one query, and building entities cost more than the query; the chain
 * check reads every record of a chain, and TypeORM's entities were most of what it allocated.
 */

/** The columns the chain covers and its links (`ChainedRecord`), aliased to the field names. */
const CHAINED_COLUMNS = [
  'commune_code AS "communeCode"',
  'seq',
  'schedule_item_id AS "scheduleItemId"',
  'bulletin_id AS "bulletinId"',
  'topics',
  'started_at AS "startedAt"',
  'ended_at AS "endedAt"',
  'played_ms AS "playedMs"',
  'outcome',
  'source',
  'corrects_seq AS "correctsSeq"',
  'segments',
  'prev_hash AS "prevHash"',
  'hash',
];

/** What the chain check reads of a record (`ChainedRow`). */
export const CHAINED_SELECT = CHAINED_COLUMNS.join(', ');

/** The columns of a whole record, aliased to the entity's field names. */
export const RECORD_SELECT = [
  ...CHAINED_COLUMNS,
  'id',
  'attempt',
  'title',
  'reason',
  'idempotency_key AS "idempotencyKey"',
  'content_key AS "contentKey"',
  'import_id AS "importId"',
  'created_by AS "createdBy"',
  'created_at AS "createdAt"',
  'demo',
  'devices_targeted AS "devicesTargeted"',
  'devices_aired AS "devicesAired"',
  'devices_partial AS "devicesPartial"',
  'devices_missed AS "devicesMissed"',
  'devices_unreported AS "devicesUnreported"',
].join(', ');

/** A row of `CHAINED_SELECT` as either driver returns it. */
export interface ChainedRow {
  communeCode: string;
  seq: number | string;
  scheduleItemId: string | null;
  bulletinId: string | null;
  topics: string;
  startedAt: string;
  endedAt: string;
  playedMs: number | string;
  outcome: PlayoutOutcome;
  source: PlayoutSource;
  correctsSeq: number | string | null;
  segments: string | null;
  prevHash: string;
  hash: string;
}

/** A row of `RECORD_SELECT` as either driver returns it. */
export interface RecordRow extends ChainedRow {
  id: string;
  attempt: number | string;
  title: string | null;
  reason: string | null;
  idempotencyKey: string | null;
  contentKey: string;
  importId: string | null;
  createdBy: string | null;
  createdAt: string;
  demo: boolean | number | string;
  devicesTargeted: number | string | null;
  devicesAired: number | string | null;
  devicesPartial: number | string | null;
  devicesMissed: number | string | null;
  devicesUnreported: number | string | null;
}

function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

/** A record's chained fields as the entity holds them. */
export type ChainedColumns = Required<ChainedRecord> & {
  topics: string[];
  segments: RelaySegment[] | null;
};

/** What the entity's column options and transformers make of the chained columns. */
export function chainedFromRow(row: ChainedRow): ChainedColumns {
  return {
    communeCode: row.communeCode,
    seq: Number(row.seq),
    scheduleItemId: row.scheduleItemId,
    bulletinId: row.bulletinId,
    topics: topicsFromColumn(row.topics),
    startedAt: new Date(row.startedAt),
    endedAt: new Date(row.endedAt),
    playedMs: Number(row.playedMs),
    outcome: row.outcome,
    source: row.source,
    correctsSeq: numberOrNull(row.correctsSeq),
    segments: row.segments === null ? null : (JSON.parse(row.segments) as RelaySegment[]),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** What the entity's column options and transformers make of a row. */
export function recordFromRow(row: RecordRow): PlayoutRecord {
  return {
    ...chainedFromRow(row),
    id: row.id,
    attempt: Number(row.attempt),
    title: row.title,
    reason: row.reason,
    idempotencyKey: row.idempotencyKey,
    contentKey: row.contentKey,
    importId: row.importId,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt),
    demo: row.demo === true || row.demo === 1 || row.demo === '1' || row.demo === 't',
    devicesTargeted: numberOrNull(row.devicesTargeted),
    devicesAired: numberOrNull(row.devicesAired),
    devicesPartial: numberOrNull(row.devicesPartial),
    devicesMissed: numberOrNull(row.devicesMissed),
    devicesUnreported: numberOrNull(row.devicesUnreported),
  };
}
