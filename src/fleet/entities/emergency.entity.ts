import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

export const EMERGENCY_SCOPES = ['commune', 'province'] as const;
export type EmergencyScope = (typeof EMERGENCY_SCOPES)[number];

/** An emergency sent to the fleet: a commune's (some zones or all) or a province's. */
@Entity('emergency')
@Index(['communeCode', 'createdAt'])
@Index(['provinceCode', 'createdAt'])
export class Emergency {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 10 })
  scope!: EmergencyScope;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  /** The commune of a commune emergency; null for a province's. */
  @Column({ type: 'varchar', length: 5, name: 'commune_code', nullable: true })
  communeCode!: string | null;

  @Column({ type: 'varchar', length: 36, name: 'bulletin_id' })
  bulletinId!: string;

  /** The zones a commune emergency went to; null: every device. */
  @Column({ type: 'simple-json', nullable: true })
  zones!: string[] | null;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  /** When its program log items end: a device that gets the command later refuses it. */
  @InstantColumn({ name: 'ends_at' })
  endsAt!: Date;
}
