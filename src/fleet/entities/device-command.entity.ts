import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import type { CommandType } from '../protocol';

/** A command sent to a device, and its acknowledgement once the device answered. */
@Entity('device_command')
@Index(['deviceId', 'createdAt'])
export class DeviceCommand {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36, name: 'device_id' })
  deviceId!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'varchar', length: 20 })
  type!: CommandType;

  /** The command's own fields (volume, power, scheduleItemId), without id and type. */
  @Column({ type: 'simple-json' })
  params!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'acknowledged_at', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ type: 'boolean', nullable: true })
  ok!: boolean | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
