import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';
import { InstantColumn, LocalDateColumn } from '../../database/columns';

/** ISO days of week stored as digits, e.g. `[1, 3, 5]` ↔ `"135"`. */
const daysTransformer: ValueTransformer = {
  to: (days: number[] | undefined): string | undefined =>
    days === undefined ? undefined : [...days].sort((a, b) => a - b).join(''),
  from: (value: string): number[] => [...value].map(Number),
};

/** A weekly recurring on-air window of a commune (khung giờ phát), never crossing midnight. */
@Entity('broadcast_window')
@Index(['communeCode'])
export class BroadcastWindow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** ISO days, Monday = 1 … Sunday = 7 (stored as `"135"`). */
  @Column({ type: 'varchar', length: 7, name: 'days_of_week', transformer: daysTransformer })
  daysOfWeek!: number[];

  /** Local wall-clock start `HH:mm`. */
  @Column({ type: 'varchar', length: 5, name: 'start_time' })
  startTime!: string;

  @Column({ type: 'integer', name: 'duration_minutes' })
  durationMinutes!: number;

  /** First local date the window applies (null: always). */
  @LocalDateColumn({ name: 'valid_from', nullable: true })
  validFrom!: string | null;

  /** Last local date the window applies (null: no end). */
  @LocalDateColumn({ name: 'valid_to', nullable: true })
  validTo!: string | null;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'boolean', default: false })
  demo!: boolean;
}
