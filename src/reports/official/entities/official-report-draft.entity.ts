import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn, LocalDateColumn } from '../../../database/columns';
import type { OfficialText } from '../official-content';

/**
 * The words of an official report as its author edited them before issuing; the numbers are not
 * kept: they are computed again from the as-run log each time the draft is rendered.
 */
@Entity('official_report_draft')
export class OfficialReportDraft {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 40, name: 'campaign_code' })
  campaignCode!: string;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  /** A commune's own report; null for the province's. */
  @Column({ type: 'varchar', length: 5, name: 'commune_code', nullable: true })
  communeCode!: string | null;

  @LocalDateColumn({ name: 'from_date', nullable: true })
  from!: string | null;

  @LocalDateColumn({ name: 'to_date', nullable: true })
  to!: string | null;

  @Column({ type: 'simple-json' })
  text!: OfficialText;

  @Column({ type: 'varchar', length: 36, name: 'created_by' })
  createdBy!: string;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
