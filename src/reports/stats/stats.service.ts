import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GeoService } from '../../geo/geo.service';
import { TopicsService } from '../../topics/topics.service';
import { msToSeconds } from '../airtime';
import { AirtimeRepository } from '../airtime.repository';
import { AsRunReader } from '../as-run-reader';
import { ChainChecksService } from '../chain-checks.service';
import { resolveRange } from '../report-range';
import { RollupsService } from '../rollups.service';

/** Bumped on any change a consumer would notice; fields are only ever added within a version. */
export const STATS_SCHEMA_VERSION = 1;

export interface StatsTopicDay {
  topic: string;
  /** Seconds aired (as the compliance report counts them: corrections in effect, each record once per topic). */
  airedSeconds: number;
  plays: number;
}

/** Records in effect (corrections applied) of the day, by outcome. */
export interface StatsBulletins {
  aired: number;
  partial: number;
  failed: number;
  missed: number;
}

export interface StatsCommuneDay {
  communeCode: string;
  date: string;
  bulletins: StatsBulletins;
  /** Topics with airtime or plays that day, in topic-code order. */
  topics: StatsTopicDay[];
}

export interface StatsFeed {
  schemaVersion: number;
  provinceCode: string;
  communeCode: string | null;
  from: string;
  to: string;
  generatedAt: string;
  /** One entry per commune and day with any record in its as-run log. */
  days: StatsCommuneDay[];
}

/**
 * The open statistics feed: per commune and day, airtime and plays per topic, from the same
 * roll-ups the compliance report sums (so a range's totals equal the report's).
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly airtime: AirtimeRepository,
    private readonly asRun: AsRunReader,
    private readonly chains: ChainChecksService,
    private readonly rollups: RollupsService,
    private readonly topics: TopicsService,
    private readonly geo: GeoService,
    private readonly clock: Clock,
  ) {}

  provinceDays(provinceCode: string, query: { from: string; to: string }): Promise<StatsFeed> {
    const province = this.geo.province(provinceCode);
    const codes = this.geo.communesOf(province.code).map((commune) => commune.code);
    return this.feed(province.code, null, codes, query);
  }

  communeDays(communeCode: string, query: { from: string; to: string }): Promise<StatsFeed> {
    const commune = this.geo.commune(communeCode);
    return this.feed(commune.provinceCode, commune.code, [commune.code], query);
  }

  private async feed(
    provinceCode: string,
    communeCode: string | null,
    codes: readonly string[],
    query: { from: string; to: string },
  ): Promise<StatsFeed> {
    const range = resolveRange(query, query);
    await this.rollups.catchUp(codes);
    const topics = (await this.topics.list()).map((topic) => topic.code).sort();
    const days: StatsCommuneDay[] = [];
    // Communes that never logged anything have nothing to count: skip their queries.
    const heads = await this.chains.heads(codes);
    for (const code of codes.filter((candidate) => heads.has(candidate))) {
      const bulletins = new Map<string, StatsBulletins>();
      for (const record of await this.asRun.countedRecords(code, range)) {
        if (!record.inEffect) continue;
        const counts = bulletins.get(record.date) ?? { aired: 0, partial: 0, failed: 0, missed: 0 };
        counts[record.outcome] += 1;
        bulletins.set(record.date, counts);
      }
      const byDate = new Map<string, StatsTopicDay[]>();
      for (const row of await this.airtime.byDateTopic([code], range, topics)) {
        if (row.airedMs === 0 && row.plays === 0) continue;
        const list = byDate.get(row.date) ?? [];
        list.push({ topic: row.topic, airedSeconds: msToSeconds(row.airedMs), plays: row.plays });
        byDate.set(row.date, list);
      }
      const dates = new Set([...bulletins.keys(), ...byDate.keys()]);
      for (const date of [...dates].sort()) {
        const list = byDate.get(date) ?? [];
        list.sort((a, b) => a.topic.localeCompare(b.topic));
        days.push({
          communeCode: code,
          date,
          bulletins: bulletins.get(date) ?? { aired: 0, partial: 0, failed: 0, missed: 0 },
          topics: list,
        });
      }
    }
    return {
      schemaVersion: STATS_SCHEMA_VERSION,
      provinceCode,
      communeCode,
      from: range.from,
      to: range.to,
      generatedAt: this.clock.now().toISOString(),
      days,
    };
  }
}
