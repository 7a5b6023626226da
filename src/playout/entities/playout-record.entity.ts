import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import type { RelaySegment } from '../player/relay-segments';

export const PLAYOUT_OUTCOMES = ['aired', 'partial', 'failed', 'missed'] as const;
export type PlayoutOutcome = (typeof PLAYOUT_OUTCOMES)[number];

/**
 * `devices`: built by the service from the signed play receipts of the commune's devices;
 * `live`: a live announcement (src/live), who spoke in `createdBy` and the title; on a commune's
 * clusters it too is built from their receipts (`builtFromReceipts` tells, not the source).
 */
export const PLAYOUT_SOURCES = ['automation', 'operator', 'import', 'devices', 'live'] as const;
export type PlayoutSource = (typeof PLAYOUT_SOURCES)[number];

/** Topic codes stored as the JSON array that was hashed (sorted), e.g. `["kinh-te-so"]`. */
const topicsTransformer: ValueTransformer = {
  to: (topics: string[] | undefined): string | undefined =>
    topics === undefined ? undefined : JSON.stringify(topics),
  from: (value: string): string[] => topicsFromColumn(value),
};

/** The topic codes of a stored `topics` value; a damaged value is kept as it is. */
export function topicsFromColumn(value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.every((code) => typeof code === 'string')) return parsed;
  } catch {
    // fall through: a damaged value is kept as it is, so the chain check sees the change.
  }
  return [value];
}

/**
 * A record built by the service from its commune's devices' receipts, whatever its `source`:
 * `devices` for an item (bulletins, emergencies, relays), `live` for a live announcement on the
 * clusters (a `live` record of the server's own output has none). Such a record, and only such
 * a record, carries the devices' counts: `devices_targeted` is set. SQL over `playout_record`
 * (the partial index of the clusters' coverage has the same predicate).
 */
export const BUILT_FROM_RECEIPTS_SQL = 'devices_targeted IS NOT NULL';

/** `BUILT_FROM_RECEIPTS_SQL` for a loaded record. */
export function builtFromReceipts<T extends Pick<PlayoutRecord, 'devicesTargeted'>>(
  record: T,
): record is T & { devicesTargeted: number } {
  return record.devicesTargeted !== null;
}

/**
 * How many of the devices an item was sent to played it, by their receipts: `aired` the whole
 * item, `partial` part of it, `missed` nothing (missed or failed), `unreported` no receipt yet.
 */
export class DeviceCoverage {
  targeted!: number;
  aired!: number;
  partial!: number;
  missed!: number;
  unreported!: number;
}

/**
 * One as-run record (nhật ký phát thanh): what actually went on air, or did not. Append-only:
 * nothing updates or deletes a row; a correction is a new row with `correctsSeq`. The rows of a
 * commune form the hash chain of DESIGN.md (`seq`, `prevHash`, `hash`).
 */
@Entity('playout_record')
@Index(['communeCode', 'seq'], { unique: true })
@Index(['scheduleItemId', 'attempt'], { unique: true })
@Index(['communeCode', 'idempotencyKey'], { unique: true })
@Index(['communeCode', 'contentKey'], { unique: true })
@Index(['communeCode', 'startedAt'])
@Index(['communeCode', 'correctsSeq'])
@Index('IDX_playout_record_device_coverage', ['communeCode', 'startedAt'], {
  where: BUILT_FROM_RECEIPTS_SQL,
})
export class PlayoutRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  /** 1, 2, … per commune, gapless. */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 36, name: 'schedule_item_id', nullable: true })
  scheduleItemId!: string | null;

  /** 1 for the player's play of an item; manual and imported records of an item take the next. */
  @Column({ type: 'integer' })
  attempt!: number;

  /** Null only for imported records naming a program this service does not know. */
  @Column({ type: 'varchar', length: 36, name: 'bulletin_id', nullable: true })
  bulletinId!: string | null;

  /** The bulletin's or program's title as it was (not hashed). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  title!: string | null;

  /** Sorted topic codes as they were when it aired. */
  @Column({ type: 'text', transformer: topicsTransformer })
  topics!: string[];

  /** When the first audio reached the sink (missed: the planned start). */
  @InstantColumn({ name: 'started_at' })
  startedAt!: Date;

  @InstantColumn({ name: 'ended_at' })
  endedAt!: Date;

  @Column({ type: 'integer', name: 'played_ms' })
  playedMs!: number;

  @Column({ type: 'varchar', length: 10 })
  outcome!: PlayoutOutcome;

  @Column({ type: 'varchar', length: 12 })
  source!: PlayoutSource;

  /** The seq (same commune) this record corrects; the corrected one no longer counts. */
  @Column({ type: 'integer', name: 'corrects_seq', nullable: true })
  correctsSeq!: number | null;

  /** Why: the error of a `failed`, the cause of a `missed`, the reason of a correction. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'prev_hash' })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  /** The `Idempotency-Key` of the single POST that made it. */
  @Column({ type: 'varchar', length: 200, name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  /** sha256 of the record's content (canonical form without seq): the same record twice is one. */
  @Column({ type: 'varchar', length: 64, name: 'content_key' })
  contentKey!: string;

  /** The CSV or batch import that brought it in. */
  @Column({ type: 'varchar', length: 36, name: 'import_id', nullable: true })
  importId!: string | null;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  /** Sample content made by the demo seeder. */
  @Column({ type: 'boolean', default: false })
  demo!: boolean;

  /**
   * Records built from device receipts (`builtFromReceipts`): the coverage behind it (see
   * `DeviceCoverage`); null for the others. Not hashed: the signed receipts behind the record
   * are its evidence.
   */
  @Column({ type: 'integer', name: 'devices_targeted', nullable: true })
  devicesTargeted!: number | null;

  @Column({ type: 'integer', name: 'devices_aired', nullable: true })
  devicesAired!: number | null;

  @Column({ type: 'integer', name: 'devices_partial', nullable: true })
  devicesPartial!: number | null;

  @Column({ type: 'integer', name: 'devices_missed', nullable: true })
  devicesMissed!: number | null;

  @Column({ type: 'integer', name: 'devices_unreported', nullable: true })
  devicesUnreported!: number | null;

  /** A relay's segments (what played when, and why it switched); null for every other record. */
  @Column({ type: 'simple-json', nullable: true })
  segments?: RelaySegment[] | null;
}

/** The devices' coverage of a record built from receipts; null for the others. */
export function deviceCoverageOf(
  record: Pick<
    PlayoutRecord,
    'devicesTargeted' | 'devicesAired' | 'devicesPartial' | 'devicesMissed' | 'devicesUnreported'
  >,
): DeviceCoverage | null {
  if (!builtFromReceipts(record)) return null;
  return {
    targeted: record.devicesTargeted,
    aired: record.devicesAired ?? 0,
    partial: record.devicesPartial ?? 0,
    missed: record.devicesMissed ?? 0,
    unreported: record.devicesUnreported ?? 0,
  };
}
