import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * One device an emergency targeted: its `play-emergency` command (a device_command row of the
 * same id), whether it was enrolled and online when sent, its acknowledgement and when it started
 * playing.
 */
@Entity('emergency_device')
@Index(['commandId'], { unique: true })
@Index(['deviceId', 'scheduleItemId'])
@Index(['communeCode', 'emergencyId'])
export class EmergencyDevice {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'emergency_id' })
  emergencyId!: string;

  @PrimaryColumn({ type: 'varchar', length: 36, name: 'device_id' })
  deviceId!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  /** The device's name when sent: the record stays readable if the device is renamed or removed. */
  @Column({ type: 'varchar', length: 100, name: 'device_name' })
  deviceName!: string;

  @Column({ type: 'varchar', length: 36, name: 'schedule_item_id' })
  scheduleItemId!: string;

  @Column({ type: 'varchar', length: 36, name: 'command_id' })
  commandId!: string;

  @Column({ type: 'boolean', name: 'online_when_sent' })
  onlineWhenSent!: boolean;

  /**
   * Whether it was enrolled when sent. A registered cluster not enrolled yet is sent it too: it
   * gets it if it enrols and connects while the emergency is on air (`deviceMayBeTargeted`).
   */
  @Column({ type: 'boolean', name: 'enrolled_when_sent', default: true })
  enrolledWhenSent!: boolean;

  @InstantColumn({ name: 'acknowledged_at', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ type: 'boolean', nullable: true })
  ok!: boolean | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @InstantColumn({ name: 'started_at', nullable: true })
  startedAt!: Date | null;
}
