import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { BulletinPriority } from '../../bulletins/entities/bulletin.entity';
import { InstantColumn } from '../../database/columns';

/**
 * `planned` until the playout dispatcher takes it (`dispatched`), then the outcome the as-run
 * log recorded; `cancelled` when taken off the log.
 */
export const SCHEDULE_ITEM_STATUSES = [
  'planned',
  'dispatched',
  'aired',
  'partial',
  'failed',
  'missed',
  'cancelled',
] as const;
export type ScheduleItemStatus = (typeof SCHEDULE_ITEM_STATUSES)[number];

/**
 * An item's statuses before its as-run record: it may still be moved or taken off the log, and
 * its record is still to be written. Every record naming an item moves it to the record's
 * outcome in the same transaction (the ledger), and every open item whose time has come gets
 * one: from its play, or from the scheduler's tick (the missed-item check, or for a commune with
 * devices the receipts' grace sweep). So an open item's record may still come; a closed one's
 * has.
 */
export const OPEN_ITEM_STATUSES: readonly ScheduleItemStatus[] = ['planned', 'dispatched'];

/** Statuses that hold air time: the item is (or was) on the log. */
export const ACTIVE_ITEM_STATUSES: readonly ScheduleItemStatus[] = SCHEDULE_ITEM_STATUSES.filter(
  (status) => status !== 'cancelled',
);

/** `live`: a live announcement played by the commune's devices (src/live), placed when it begins. */
export const SCHEDULE_ITEM_SOURCES = ['manual', 'planner', 'emergency', 'live'] as const;
export type ScheduleItemSource = (typeof SCHEDULE_ITEM_SOURCES)[number];

/**
 * One entry of a commune's program log (lịch phát sóng): a bulletin at an instant, or a relay
 * (tiếp âm) of a province's stream source for a set duration (`sourceId`, no bulletin).
 */
@Entity('schedule_item')
@Index(['communeCode', 'startsAt'])
@Index(['status', 'startsAt'])
@Index(['bulletinId'])
@Index(['sourceId'])
export class ScheduleItem {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  /** Null for a relay. */
  @Column({ type: 'varchar', length: 36, name: 'bulletin_id', nullable: true })
  bulletinId!: string | null;

  /** The stream source a relay plays (src/sources); null for a bulletin. */
  @Column({ type: 'varchar', length: 36, name: 'source_id', nullable: true })
  sourceId?: string | null;

  /**
   * Topic codes, sorted: a relay's own; for a bulletin, a copy of the bulletin's (see `title`).
   * Null for a live announcement's item of old, and for bulletin items made before the copy.
   */
  @Column({ type: 'simple-json', nullable: true })
  topics?: string[] | null;

  /**
   * What the item plays as it stands on the log: copies of its bulletin's title and priority
   * (and `topics`), taken when the item is made and kept in step with the bulletin while the item
   * is open and ahead. Once it has started, aired, failed, been missed or cancelled, they stay as
   * they were, so the log's history does not change with later edits of the bulletin. Null for a
   * relay or a live announcement.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  title!: string | null;

  @Column({ type: 'varchar', length: 12, nullable: true })
  priority!: BulletinPriority | null;

  /**
   * Bumped by each move, cancellation or other change of the item's times, as the calendar feed's
   * SEQUENCE (RFC 5545: calendar clients ignore an update that does not raise it).
   */
  @Column({ type: 'integer', default: 0 })
  revision!: number;

  @InstantColumn({ name: 'starts_at' })
  startsAt!: Date;

  /** `startsAt` + the rendition's duration (a relay: + its duration). */
  @InstantColumn({ name: 'ends_at' })
  endsAt!: Date;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs!: number;

  @Column({ type: 'varchar', length: 12 })
  status!: ScheduleItemStatus;

  @Column({ type: 'varchar', length: 12 })
  source!: ScheduleItemSource;

  /** Zone codes the item goes to, sorted; null: every device of the commune. */
  @Column({ type: 'simple-json', nullable: true })
  zones!: string[] | null;

  /** Why the item was taken off the log (cancelled by hand, bulletin back to draft, window removed). */
  @Column({ type: 'varchar', length: 200, name: 'cancel_reason', nullable: true })
  cancelReason!: string | null;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'boolean', default: false })
  demo!: boolean;
}
