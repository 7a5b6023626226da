import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

export const ALERT_KINDS = [
  'device-offline',
  'cache-incomplete',
  'clock-skew',
  'receipt-refused',
  'dead-air',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * Something about a commune's fleet that needs a person: raised while its condition holds, then
 * cleared (`clearedAt`) and kept as history. `openKey` is the alert's identity while it is open
 * (commune, kind, device, subject) and null once cleared: its unique index keeps one open alert
 * per identity, whichever process or instance raises it.
 */
@Entity('fleet_alert')
@Index(['communeCode', 'since'])
@Index(['provinceCode', 'since'])
export class Alert {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: AlertKind;

  /** The device it is about, if any; kept after the device is deleted (history). */
  @Column({ type: 'varchar', length: 36, name: 'device_id', nullable: true })
  deviceId!: string | null;

  /** What else tells two alerts of one kind and device apart (a receipt, a window); '' if none. */
  @Column({ type: 'varchar', length: 100 })
  subject!: string;

  /** Vietnamese, for the people who read it. */
  @Column({ type: 'text' })
  message!: string;

  @InstantColumn()
  since!: Date;

  @InstantColumn({ name: 'cleared_at', nullable: true })
  clearedAt!: Date | null;

  @Column({ type: 'varchar', length: 200, name: 'open_key', nullable: true })
  @Index({ unique: true })
  openKey!: string | null;
}
