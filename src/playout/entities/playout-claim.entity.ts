import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * A player's claim on one attempt of an item, taken before output starts: a second player (a
 * retry, a restart, another instance) finds it and does not play the item again. Operational
 * state, not the log: the progress columns are updated while it plays, so a crash mid-play can
 * still be logged `partial` with the time that aired.
 */
@Entity('playout_claim')
@Index(['communeCode'])
export class PlayoutClaim {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'schedule_item_id' })
  scheduleItemId!: string;

  @PrimaryColumn({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  /** Which process took it (host:pid:random). */
  @Column({ type: 'varchar', length: 100 })
  owner!: string;

  @InstantColumn({ name: 'claimed_at' })
  claimedAt!: Date;

  /** When the first audio reached the sink. */
  @InstantColumn({ name: 'output_started_at', nullable: true })
  outputStartedAt!: Date | null;

  @Column({ type: 'integer', name: 'progress_ms', default: 0 })
  progressMs!: number;

  @InstantColumn({ name: 'heartbeat_at', nullable: true })
  heartbeatAt!: Date | null;
}
