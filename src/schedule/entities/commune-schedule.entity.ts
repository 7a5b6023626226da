import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * One row per commune that has a program log. Every change to the commune's log locks this row
 * first (an upsert that bumps `version`: a row lock on PostgreSQL; SQLite serializes writes), so two requests can
 * never both see a slot free and double-book it. It also holds the calendar feed's secret.
 */
@Entity('commune_schedule')
export class CommuneSchedule {
  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  /** Bumped by every committed change to the commune's windows or items. */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  /** sha256 (hex) of the calendar feed token; null when no link is active. */
  @Column({ type: 'varchar', length: 64, name: 'ics_token_hash', nullable: true })
  icsTokenHash!: string | null;

  @InstantColumn({ name: 'ics_token_created_at', nullable: true })
  icsTokenCreatedAt!: Date | null;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
