import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * One row per cluster and local day on which the server received a live status (`online` or
 * `playing`) from it: the "clusters online" of the statistics feed. Kept apart from `device`, so a
 * day's count stays what it was after a cluster is deleted.
 */
@Entity('device_presence')
@Index(['communeCode', 'localDate'])
export class DevicePresence {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'device_id' })
  deviceId!: string;

  @PrimaryColumn({ type: 'varchar', length: 10, name: 'local_date' })
  localDate!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  /** The first live status of the day, as the server received it. */
  @InstantColumn({ name: 'first_seen_at' })
  firstSeenAt!: Date;
}
