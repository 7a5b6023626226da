import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { addDays, localMidnight } from '../common/local-time';
import { toInstant } from '../database/columns';
import { Db } from '../database/db.service';
import { BUILT_FROM_RECEIPTS_SQL, PlayoutRecord } from '../playout/entities/playout-record.entity';
import { Airtime } from './airtime';
import { CampaignScope, carriesAny } from './campaign-rollups';
import {
  AirtimeDaily,
  AirtimeDailySet,
  AirtimeMonthly,
  AirtimeTopicSet,
} from './entities/airtime-daily.entity';
import { CampaignAirtimeDaily, CampaignAirtimeMonthly } from './entities/campaign-airtime.entity';
import { splitByMonths } from './report-range';

export interface DateRange {
  from: string;
  to: string;
}

/**
 * Device plays of a commune's records built from receipts (items and live announcements):
 * targeted, and those that aired.
 */
export interface CommuneDeviceCoverage {
  communeCode: string;
  targeted: number;
  aired: number;
}

export interface CommuneTopicAirtime extends Airtime {
  communeCode: string;
  topic: string;
}

export interface DateTopicAirtime extends Airtime {
  date: string;
  topic: string;
}

export interface CommuneCampaignDays {
  communeCode: string;
  /** Campaign airtime in the range, each record once however many campaign topics it has. */
  campaignMs: number;
  /** Days on which the campaign airtime reached the daily minimum. */
  daysAtMinimum: number;
}

export interface DateCampaignAirtime {
  date: string;
  campaignMs: number;
  /** Communes whose campaign airtime reached the daily minimum that day. */
  communesAtMinimum: number;
}

export interface CommuneDateAirtime {
  communeCode: string;
  date: string;
  campaignMs: number;
}

type Raw = Record<string, string | number | null>;

function num(value: string | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

function campaignDaysOf(row: Raw): CommuneCampaignDays {
  return {
    communeCode: String(row.communeCode),
    campaignMs: num(row.campaignMs),
    daysAtMinimum: num(row.daysAtMinimum),
  };
}

/** Adds rows of the same commune (and topic) together: the parts of a range cut by months. */
function mergeByKey<T>(
  rows: readonly T[],
  key: (row: T) => string,
  add: (into: T, row: T) => void,
): T[] {
  const merged = new Map<string, T>();
  for (const row of rows) {
    const id = key(row);
    const into = merged.get(id);
    if (into) add(into, row);
    else merged.set(id, { ...row });
  }
  return [...merged.values()];
}

/**
 * Sums over the roll-ups, never over the raw log, so a province-month report reads a few
 * thousand rows instead of every record. A range reads its whole months from the monthly
 * roll-ups and only the days at its edges from the daily ones (the same sums). Campaign airtime
 * (the daily minimum, the uplift, the day totals) over the campaign's own window reads the
 * per-campaign roll-ups; over other days it reads `airtime_daily_set`, where a record with
 * several campaign topics is one row, keeping the sets that carry a campaign topic (from
 * `airtime_topic_set`).
 */
@Injectable()
export class AirtimeRepository {
  constructor(private readonly db: Db) {}

  private get manager(): EntityManager {
    return this.db.manager;
  }

  /**
   * Over the range, per commune with devices: the clusters its items were sent to and those that
   * aired them whole, summed over its records in effect that were built from receipts (a late
   * receipt's correction replaces the record it corrects): the items' (`source` devices) and the
   * live announcements' the clusters played (`source` live). Read from the log: only those
   * records (their partial index), by their commune and start.
   */
  async deviceCoverage(
    communeCodes: readonly string[],
    range: DateRange,
  ): Promise<CommuneDeviceCoverage[]> {
    if (communeCodes.length === 0) return [];
    const rows = await this.manager
      .createQueryBuilder(PlayoutRecord, 'record')
      .select('record.commune_code', 'communeCode')
      .addSelect('SUM(record.devices_targeted)', 'targeted')
      .addSelect('SUM(record.devices_aired)', 'aired')
      .where('record.commune_code IN (:...communeCodes)', { communeCodes })
      .andWhere('record.started_at >= :from AND record.started_at < :to', {
        from: toInstant(localMidnight(range.from)),
        to: toInstant(localMidnight(addDays(range.to, 1))),
      })
      .andWhere(`record.${BUILT_FROM_RECEIPTS_SQL}`)
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM playout_record corrector
          WHERE corrector.commune_code = record.commune_code AND corrector.corrects_seq = record.seq)`,
      )
      .groupBy('record.commune_code')
      .getRawMany<{
        communeCode: string;
        targeted: string | number | null;
        aired: string | number | null;
      }>();
    return rows.map((row) => ({
      communeCode: row.communeCode,
      targeted: num(row.targeted),
      aired: num(row.aired),
    }));
  }

  /** Airtime and plays per commune and topic over the range. */
  async byCommuneTopic(
    communeCodes: readonly string[],
    range: DateRange,
    topics: readonly string[],
  ): Promise<CommuneTopicAirtime[]> {
    if (communeCodes.length === 0 || topics.length === 0) return [];
    const split = splitByMonths(range);
    const rows: Raw[] = [];
    for (const days of split.days) {
      rows.push(
        ...(await this.topicRows(communeCodes, days, topics)
          .select('daily.commune_code', 'communeCode')
          .addSelect('daily.topic_code', 'topic')
          .addSelect('SUM(daily.aired_ms)', 'airedMs')
          .addSelect('SUM(daily.plays)', 'plays')
          .groupBy('daily.commune_code')
          .addGroupBy('daily.topic_code')
          .getRawMany<Raw>()),
      );
    }
    if (split.months) {
      rows.push(
        ...(await this.manager
          .createQueryBuilder(AirtimeMonthly, 'monthly')
          .select('monthly.commune_code', 'communeCode')
          .addSelect('monthly.topic_code', 'topic')
          .addSelect('SUM(monthly.aired_ms)', 'airedMs')
          .addSelect('SUM(monthly.plays)', 'plays')
          .where(this.oneOf('monthly.commune_code', 'communeCodes'), { communeCodes })
          .andWhere('monthly.month >= :from AND monthly.month <= :to', split.months)
          .andWhere(this.oneOf('monthly.topic_code', 'topics'), { topics })
          .groupBy('monthly.commune_code')
          .addGroupBy('monthly.topic_code')
          .getRawMany<Raw>()),
      );
    }
    return mergeByKey(
      rows.map((row) => ({
        communeCode: String(row.communeCode),
        topic: String(row.topic),
        airedMs: num(row.airedMs),
        plays: num(row.plays),
      })),
      (row) => `${row.communeCode}|${row.topic}`,
      (into, row) => {
        into.airedMs += row.airedMs;
        into.plays += row.plays;
      },
    );
  }

  /** Airtime and plays per day and topic over the range, summed over the communes. */
  async byDateTopic(
    communeCodes: readonly string[],
    range: DateRange,
    topics: readonly string[],
  ): Promise<DateTopicAirtime[]> {
    if (communeCodes.length === 0 || topics.length === 0) return [];
    const rows = await this.topicRows(communeCodes, range, topics)
      .select('daily.local_date', 'date')
      .addSelect('daily.topic_code', 'topic')
      .addSelect('SUM(daily.aired_ms)', 'airedMs')
      .addSelect('SUM(daily.plays)', 'plays')
      .groupBy('daily.local_date')
      .addGroupBy('daily.topic_code')
      .getRawMany<Raw>();
    return rows.map((row) => ({
      date: String(row.date),
      topic: String(row.topic),
      airedMs: num(row.airedMs),
      plays: num(row.plays),
    }));
  }

  /** Per commune: campaign airtime over the range and the days it reached `minDailyMs`. */
  async campaignDaysByCommune(
    communeCodes: readonly string[],
    range: DateRange,
    campaign: CampaignScope,
    minDailyMs: number,
  ): Promise<CommuneCampaignDays[]> {
    const topics = campaign.rules.map((rule) => rule.topic);
    if (communeCodes.length === 0 || topics.length === 0) return [];
    if (range.from >= campaign.startsOn && range.to <= campaign.endsOn) {
      return this.campaignDaysInWindow(communeCodes, range, campaign, minDailyMs);
    }
    const perDay = await this.campaignPerCommuneDay(communeCodes, range, topics);
    if (!perDay) return [];
    const rows = await this.manager
      .createQueryBuilder()
      .select('perday.commune_code', 'communeCode')
      .addSelect('SUM(perday.aired_ms)', 'campaignMs')
      .addSelect('SUM(CASE WHEN perday.aired_ms >= :minDailyMs THEN 1 ELSE 0 END)', 'daysAtMinimum')
      .from(`(${perDay.getQuery()})`, 'perday')
      .setParameters({ ...perDay.getParameters(), minDailyMs })
      .groupBy('perday.commune_code')
      .getRawMany<Raw>();
    return rows.map(campaignDaysOf);
  }

  /**
   * `campaignDaysByCommune` within the campaign's window, from its own roll-ups: whole months
   * from `campaign_airtime_monthly` (which counts the days at the campaign's minimum), the days
   * at the edges — or every day, for another minimum — from `campaign_airtime_daily`.
   */
  private async campaignDaysInWindow(
    communeCodes: readonly string[],
    range: DateRange,
    campaign: CampaignScope,
    minDailyMs: number,
  ): Promise<CommuneCampaignDays[]> {
    const split =
      minDailyMs === campaign.minDailySeconds * 1000
        ? splitByMonths(range)
        : { months: null, days: [range] };
    const campaignCode = campaign.code;
    const rows: Raw[] = [];
    for (const days of split.days) {
      rows.push(
        ...(await this.manager
          .createQueryBuilder(CampaignAirtimeDaily, 'day')
          .select('day.commune_code', 'communeCode')
          .addSelect('SUM(day.aired_ms)', 'campaignMs')
          .addSelect(
            'SUM(CASE WHEN day.aired_ms >= :minDailyMs THEN 1 ELSE 0 END)',
            'daysAtMinimum',
          )
          .where('day.campaign_code = :campaignCode', { campaignCode })
          .andWhere(this.oneOf('day.commune_code', 'communeCodes'), { communeCodes })
          .andWhere('day.local_date >= :from AND day.local_date <= :to', days)
          .setParameter('minDailyMs', minDailyMs)
          .groupBy('day.commune_code')
          .getRawMany<Raw>()),
      );
    }
    if (split.months) {
      rows.push(
        ...(await this.manager
          .createQueryBuilder(CampaignAirtimeMonthly, 'month')
          .select('month.commune_code', 'communeCode')
          .addSelect('SUM(month.aired_ms)', 'campaignMs')
          .addSelect('SUM(month.days_at_minimum)', 'daysAtMinimum')
          .where('month.campaign_code = :campaignCode', { campaignCode })
          .andWhere(this.oneOf('month.commune_code', 'communeCodes'), { communeCodes })
          .andWhere('month.month >= :from AND month.month <= :to', split.months)
          .groupBy('month.commune_code')
          .getRawMany<Raw>()),
      );
    }
    return mergeByKey(
      rows.map(campaignDaysOf),
      (row) => row.communeCode,
      (into, row) => {
        into.campaignMs += row.campaignMs;
        into.daysAtMinimum += row.daysAtMinimum;
      },
    );
  }

  /** Per day: campaign airtime summed over the communes, and how many reached `minDailyMs`. */
  async campaignByDate(
    communeCodes: readonly string[],
    range: DateRange,
    topics: readonly string[],
    minDailyMs: number,
  ): Promise<DateCampaignAirtime[]> {
    if (communeCodes.length === 0 || topics.length === 0) return [];
    const perDay = await this.campaignPerCommuneDay(communeCodes, range, topics);
    if (!perDay) return [];
    const rows = await this.manager
      .createQueryBuilder()
      .select('perday.local_date', 'date')
      .addSelect('SUM(perday.aired_ms)', 'campaignMs')
      .addSelect(
        'SUM(CASE WHEN perday.aired_ms >= :minDailyMs THEN 1 ELSE 0 END)',
        'communesAtMinimum',
      )
      .from(`(${perDay.getQuery()})`, 'perday')
      .setParameters({ ...perDay.getParameters(), minDailyMs })
      .groupBy('perday.local_date')
      .getRawMany<Raw>();
    return rows.map((row) => ({
      date: String(row.date),
      campaignMs: num(row.campaignMs),
      communesAtMinimum: num(row.communesAtMinimum),
    }));
  }

  /** Campaign airtime per commune and day (the days with any). */
  async campaignByCommuneDate(
    communeCodes: readonly string[],
    range: DateRange,
    topics: readonly string[],
  ): Promise<CommuneDateAirtime[]> {
    if (communeCodes.length === 0 || topics.length === 0) return [];
    const perDay = await this.campaignPerCommuneDay(communeCodes, range, topics);
    if (!perDay) return [];
    const rows = await perDay.getRawMany<Raw>();
    return rows.map((row) => ({
      communeCode: String(row.commune_code),
      date: String(row.local_date),
      campaignMs: num(row.aired_ms),
    }));
  }

  private topicRows(
    communeCodes: readonly string[],
    range: DateRange,
    topics: readonly string[],
  ): SelectQueryBuilder<AirtimeDaily> {
    return this.manager
      .createQueryBuilder(AirtimeDaily, 'daily')
      .where(this.oneOf('daily.commune_code', 'communeCodes'), { communeCodes })
      .andWhere('daily.local_date >= :from AND daily.local_date <= :to', range)
      .andWhere(this.oneOf('daily.topic_code', 'topics'), { topics });
  }

  /**
   * `column` is one of the array parameter `name`: one array parameter on PostgreSQL (`= ANY`),
   * where a list of 3,000 communes as 3,000 parameters slows planning; a list on SQLite.
   */
  private oneOf(column: string, name: string): string {
    return this.db.isSqlite ? `${column} IN (:...${name})` : `${column} = ANY(:${name})`;
  }

  /** The topic sets rolled up that carry any of `topics`. */
  private async setsWithAny(topics: readonly string[]): Promise<string[]> {
    const sets = await this.manager.find(AirtimeTopicSet);
    return sets.map((set) => set.topicSet).filter((key) => carriesAny(key, topics));
  }

  /** `commune_code, local_date, aired_ms` of every commune-day with campaign airtime. */
  private async campaignPerCommuneDay(
    communeCodes: readonly string[],
    range: DateRange,
    topics: readonly string[],
  ): Promise<SelectQueryBuilder<AirtimeDailySet> | null> {
    const sets = await this.setsWithAny(topics);
    if (sets.length === 0) return null;
    return this.manager
      .createQueryBuilder(AirtimeDailySet, 'sets')
      .select('sets.commune_code', 'commune_code')
      .addSelect('sets.local_date', 'local_date')
      .addSelect('SUM(sets.aired_ms)', 'aired_ms')
      .where(this.oneOf('sets.commune_code', 'communeCodes'), { communeCodes })
      .andWhere('sets.local_date >= :from AND sets.local_date <= :to', range)
      .andWhere(this.oneOf('sets.topic_set', 'sets'), { sets })
      .groupBy('sets.commune_code')
      .addGroupBy('sets.local_date');
  }
}
