import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A campaign's airtime per commune and local day, over the days of its window only: what
 * `airtime_daily_set` holds for the topic sets carrying any of its topics, summed (each record
 * once, however many campaign topics it has). Kept by every append in the same transaction and
 * rebuilt when the campaign's window, topics or minimum change. A row exists when any set row
 * of a campaign set does that day (a day whose airtime went back to zero keeps its row, as the
 * set roll-up does).
 */
@Entity('campaign_airtime_daily')
export class CampaignAirtimeDaily {
  @PrimaryColumn({ type: 'varchar', length: 40, name: 'campaign_code' })
  campaignCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 10, name: 'local_date' })
  localDate!: string;

  @Column({ type: 'integer', name: 'aired_ms' })
  airedMs!: number;
}

/**
 * `campaign_airtime_daily` per calendar month, with the days whose campaign airtime reached the
 * campaign's `minDailySeconds`, kept as days cross it up or down, so a campaign's national
 * report reads twelve rows a commune instead of every commune-day.
 */
@Entity('campaign_airtime_monthly')
export class CampaignAirtimeMonthly {
  @PrimaryColumn({ type: 'varchar', length: 40, name: 'campaign_code' })
  campaignCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 7 })
  month!: string;

  @Column({ type: 'bigint', name: 'aired_ms' })
  airedMs!: number;

  @Column({ type: 'integer', name: 'days_at_minimum' })
  daysAtMinimum!: number;
}
