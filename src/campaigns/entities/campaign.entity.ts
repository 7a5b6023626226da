import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn, LocalDateColumn } from '../../database/columns';

export class CampaignRule {
  topic!: string;
  minSecondsPerWeek?: number;
  minPlaysPerWeek?: number;
}

@Entity('campaign')
export class Campaign {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /**
   * The province whose communes the campaign judges, edited by that province's monitors; null
   * for a national campaign, edited by admins only.
   */
  @Column({ type: 'varchar', length: 2, name: 'province_code', nullable: true })
  provinceCode!: string | null;

  @LocalDateColumn({ name: 'starts_on' })
  startsOn!: string;

  @LocalDateColumn({ name: 'ends_on' })
  endsOn!: string;

  @Column({ type: 'simple-json' })
  rules!: CampaignRule[];

  @Column({ type: 'integer', name: 'min_daily_seconds', default: 0 })
  minDailySeconds!: number;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
