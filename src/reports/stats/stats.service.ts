import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GeoService } from '../../geo/geo.service';
import { TopicsService } from '../../topics/topics.service';
import { msToSeconds } from '../airtime';
import { AirtimeRepository, DateRange } from '../airtime.repository';
import { AsRunReader } from '../as-run-reader';
import { ChainChecksService } from '../chain-checks.service';
import { resolveRange } from '../report-range';
import { RollupsService } from '../rollups.service';
import {
  StatsBulletinsDto,
  StatsCommuneDayDto,
  StatsFeedDto,
  StatsTopicDayDto,
} from './dto/stats-feed.dto';
import { dayKey, msToMinutes, PlannedDay, plannedDays } from './stats-day';
import { StatsRepository } from './stats.repository';

/** Bumped on any change a consumer would notice; fields are only ever added within a version. */
export const STATS_SCHEMA_VERSION = 1;

export type StatsFeed = StatsFeedDto;
export type StatsCommuneDay = StatsCommuneDayDto;

type Outcomes = Omit<StatsBulletinsDto, 'planned' | 'emergencies'>;

interface AiredCell {
  airedMs: number;
  plays: number;
}

const NOTHING_PLANNED: PlannedDay = { items: 0, emergencies: 0, topicMs: new Map(), relayMs: 0 };

/**
 * The open statistics feed: per commune and day, what the program log planned and what the as-run
 * log says aired, per topic, and the clusters online. Airtime and plays come from the same
 * roll-ups the compliance report sums, so a range's totals equal the report's.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly airtime: AirtimeRepository,
    private readonly asRun: AsRunReader,
    private readonly chains: ChainChecksService,
    private readonly rollups: RollupsService,
    private readonly stats: StatsRepository,
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
    const topics = (await this.topics.list()).map((topic) => topic.code);
    const planned = plannedDays(await this.stats.plannedItems(codes, range));
    const online = await this.stats.clustersOnline(codes, range);
    // The days each commune has something for, besides its as-run log.
    const otherDates = new Map<string, Set<string>>();
    for (const key of [...planned.keys(), ...online.keys()]) {
      const [commune, date] = key.split('|');
      otherDates.set(commune, (otherDates.get(commune) ?? new Set()).add(date));
    }
    const days: StatsCommuneDay[] = [];
    // Communes that never logged anything have no as-run numbers: skip those queries.
    const heads = await this.chains.heads(codes);
    for (const code of codes) {
      const logged = heads.has(code);
      const outcomes = logged ? await this.outcomes(code, range) : new Map<string, Outcomes>();
      const aired = logged ? await this.aired(code, range, topics) : new Map<string, AiredCell>();
      const dates = new Set([
        ...outcomes.keys(),
        ...[...aired.keys()].map((key) => key.split('|')[0]),
        ...(otherDates.get(code) ?? []),
      ]);
      for (const date of [...dates].sort()) {
        days.push(
          this.day(code, date, {
            outcomes: outcomes.get(date),
            planned: planned.get(dayKey(code, date)) ?? NOTHING_PLANNED,
            aired,
            clustersOnline: online.get(dayKey(code, date)) ?? 0,
          }),
        );
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

  private day(
    communeCode: string,
    date: string,
    parts: {
      outcomes: Outcomes | undefined;
      planned: PlannedDay;
      aired: Map<string, AiredCell>;
      clustersOnline: number;
    },
  ): StatsCommuneDay {
    const { planned, aired } = parts;
    const topicCodes = new Set(planned.topicMs.keys());
    for (const key of aired.keys()) {
      const [day, topic] = key.split('|');
      if (day === date) topicCodes.add(topic);
    }
    const topics = [...topicCodes].sort().map((topic): StatsTopicDayDto => {
      const cell = aired.get(`${date}|${topic}`) ?? { airedMs: 0, plays: 0 };
      return {
        topic,
        plannedMinutes: msToMinutes(planned.topicMs.get(topic) ?? 0),
        airedSeconds: msToSeconds(cell.airedMs),
        airedMinutes: msToMinutes(cell.airedMs),
        plays: cell.plays,
      };
    });
    return {
      communeCode,
      date,
      bulletins: {
        planned: planned.items,
        ...(parts.outcomes ?? { aired: 0, partial: 0, failed: 0, missed: 0 }),
        emergencies: planned.emergencies,
      },
      topics,
      relayMinutes: msToMinutes(planned.relayMs),
      clustersOnline: parts.clustersOnline,
    };
  }

  /** Records in effect (corrections applied) per local day, by outcome. */
  private async outcomes(communeCode: string, range: DateRange): Promise<Map<string, Outcomes>> {
    const byDate = new Map<string, Outcomes>();
    for (const record of await this.asRun.countedRecords(communeCode, range)) {
      if (!record.inEffect) continue;
      const counts = byDate.get(record.date) ?? { aired: 0, partial: 0, failed: 0, missed: 0 };
      counts[record.outcome] += 1;
      byDate.set(record.date, counts);
    }
    return byDate;
  }

  /** Airtime and plays per `date|topic` with any, from the roll-ups. */
  private async aired(
    communeCode: string,
    range: DateRange,
    topics: readonly string[],
  ): Promise<Map<string, AiredCell>> {
    const cells = new Map<string, AiredCell>();
    for (const row of await this.airtime.byDateTopic([communeCode], range, topics)) {
      if (row.airedMs === 0 && row.plays === 0) continue;
      cells.set(`${row.date}|${row.topic}`, { airedMs: row.airedMs, plays: row.plays });
    }
    return cells;
  }
}
