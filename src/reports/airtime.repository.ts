import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { Db } from '../database/db.service';
import { Airtime, topicsOfSet } from './airtime';
import { AirtimeDaily, AirtimeDailySet, AirtimeTopicSet } from './entities/airtime-daily.entity';

export interface DateRange {
  from: string;
  to: string;
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

/**
 * Sums over the daily roll-ups, never over the raw log, so a province-month report reads a few
 * thousand rows instead of every record. Campaign airtime (the daily minimum, the uplift, the
 * day totals) reads `airtime_daily_set`, where a record with several campaign topics is one row,
 * keeping the sets that carry a campaign topic (from `airtime_topic_set`).
 */
@Injectable()
export class AirtimeRepository {
  constructor(private readonly db: Db) {}

  private get manager(): EntityManager {
    return this.db.manager;
  }

  /** Airtime and plays per commune and topic over the range. */
  async byCommuneTopic(
    communeCodes: readonly string[],
    range: DateRange,
    topics: readonly string[],
  ): Promise<CommuneTopicAirtime[]> {
    if (communeCodes.length === 0 || topics.length === 0) return [];
    const rows = await this.topicRows(communeCodes, range, topics)
      .select('daily.commune_code', 'communeCode')
      .addSelect('daily.topic_code', 'topic')
      .addSelect('SUM(daily.aired_ms)', 'airedMs')
      .addSelect('SUM(daily.plays)', 'plays')
      .groupBy('daily.commune_code')
      .addGroupBy('daily.topic_code')
      .getRawMany<Raw>();
    return rows.map((row) => ({
      communeCode: String(row.communeCode),
      topic: String(row.topic),
      airedMs: num(row.airedMs),
      plays: num(row.plays),
    }));
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
    topics: readonly string[],
    minDailyMs: number,
  ): Promise<CommuneCampaignDays[]> {
    if (communeCodes.length === 0 || topics.length === 0) return [];
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
    return rows.map((row) => ({
      communeCode: String(row.communeCode),
      campaignMs: num(row.campaignMs),
      daysAtMinimum: num(row.daysAtMinimum),
    }));
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
    return sets
      .map((set) => set.topicSet)
      .filter((key) => topicsOfSet(key).some((topic) => topics.includes(topic)));
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
