import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * The zones a device had from one time to another (`endedAt` null: it still has them). An item
 * was sent to the device if it reaches the zones of a span that held while it ran
 * (`src/fleet/device-targeting.ts`): editing a cluster's zones does not unsend what it was sent
 * under the old ones, so its receipts of those items still count. The first span begins at the
 * device's creation; a zones change ends the open span and opens the next, in the same
 * transaction. `device.zones` is the open span's.
 */
@Entity('device_zone_span')
export class DeviceZoneSpan {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'device_id' })
  deviceId!: string;

  /** 1, 2, … in the order of the device's zones changes. */
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  /** Zone codes, sorted (as `device.zones`). */
  @Column({ type: 'simple-json' })
  zones!: string[];

  @InstantColumn({ name: 'started_at' })
  startedAt!: Date;

  @InstantColumn({ name: 'ended_at', nullable: true })
  endedAt!: Date | null;
}
