import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Values the service generates once and must keep across restarts and instances. */
@Entity('app_setting')
export class AppSetting {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}
