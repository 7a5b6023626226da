import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn, LocalDateColumn } from '../../../database/columns';

export const STATS_PUSH_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type StatsPushStatus = (typeof STATS_PUSH_STATUSES)[number];

/**
 * One revision of a province's day as pushed: revision 1 when the day is finished, a new one only
 * when a later correction changed the day's numbers (`contentHash`). `body` is the exact JSON
 * sent, so every retry sends the same bytes.
 */
@Entity('stats_push_delivery')
@Index(['provinceCode', 'localDate', 'revision'], { unique: true })
export class StatsPushDelivery {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  @LocalDateColumn({ name: 'local_date' })
  localDate!: string;

  @Column({ type: 'integer' })
  revision!: number;

  /** SHA-256 (hex) of the day's numbers (the feed without `generatedAt`). */
  @Column({ type: 'varchar', length: 64, name: 'content_hash' })
  contentHash!: string;

  @Column({ type: 'text' })
  body!: string;

  /** `pending` until the receiver answers 2xx (`delivered`); `failed` once the retries ran out. */
  @Column({ type: 'varchar', length: 12 })
  status!: StatsPushStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', name: 'last_status_code', nullable: true })
  lastStatusCode!: number | null;

  @Column({ type: 'varchar', length: 500, name: 'last_error', nullable: true })
  lastError!: string | null;

  @InstantColumn({ name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: Date | null;

  @InstantColumn({ name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;
}
