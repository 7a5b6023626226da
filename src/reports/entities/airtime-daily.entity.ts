import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * Daily roll-up of the as-run log: what a commune aired on one topic on one local day
 * (Asia/Ho_Chi_Minh, by the record's start). Only records in effect count (a corrected record
 * is replaced by its correction); see `airtime.ts` for what counts. Maintained in the same
 * transaction as every append (`applyToRollups`), so it always equals the raw sums. Keyed
 * commune, topic, date: a commune × topic over a range is one range of the key.
 */
@Entity('airtime_daily')
export class AirtimeDaily {
  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 40, name: 'topic_code' })
  topicCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 10, name: 'local_date' })
  localDate!: string;

  /** Milliseconds on air: `aired` records' playedMs plus the played part of `partial` ones. */
  @Column({ type: 'integer', name: 'aired_ms' })
  airedMs!: number;

  /** Complete plays (`aired` records). */
  @Column({ type: 'integer' })
  plays!: number;
}

/**
 * `airtime_daily` summed per calendar month (`YYYY-MM`), kept in the same transaction, so a
 * range report reads whole months here and only the days of the partial months at its edges
 * from `airtime_daily`. A month row exists when any of its day rows does.
 */
@Entity('airtime_monthly')
export class AirtimeMonthly {
  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 40, name: 'topic_code' })
  topicCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 7 })
  month!: string;

  /** A month of one topic can pass the 32-bit range (about 596 hours). */
  @Column({ type: 'bigint', name: 'aired_ms' })
  airedMs!: number;

  @Column({ type: 'integer' })
  plays!: number;
}

/**
 * The same roll-up keyed by the record's whole topic set (`|a|b|`) instead of one topic, so a
 * bulletin tagged with several campaign topics counts once in a day's campaign airtime
 * (`minDailySeconds`) and in the day totals, whatever the campaign's topics are.
 */
@Entity('airtime_daily_set')
export class AirtimeDailySet {
  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @PrimaryColumn({ type: 'varchar', length: 10, name: 'local_date' })
  localDate!: string;

  /** Sorted topic codes as `|a|b|`; `''` for a record without topics. */
  @PrimaryColumn({ type: 'varchar', length: 900, name: 'topic_set' })
  topicSet!: string;

  @Column({ type: 'integer', name: 'aired_ms' })
  airedMs!: number;

  @Column({ type: 'integer' })
  plays!: number;
}

/** Every topic set (`|a|b|`) the set roll-up holds, so a campaign's sets are found by key. */
@Entity('airtime_topic_set')
export class AirtimeTopicSet {
  @PrimaryColumn({ type: 'varchar', length: 900, name: 'topic_set' })
  topicSet!: string;
}

/** How far a commune's roll-ups go: every record up to `rolledSeq` is in them. */
@Entity('airtime_rollup_state')
export class AirtimeRollupState {
  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'integer', name: 'rolled_seq' })
  rolledSeq!: number;

  /** Last full rebuild from the raw log, if any. */
  @InstantColumn({ name: 'rebuilt_at', nullable: true })
  rebuiltAt!: Date | null;
}
