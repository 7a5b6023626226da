import { eachDate } from '../common/local-time';
import { msToSeconds } from './airtime';
import { DateCampaignAirtime, DateTopicAirtime } from './airtime.repository';
import { CommuneCompliance, ComplianceRow, rowsByCommune, shortfallOf } from './compliance';
import { CommuneRef, DayTopic, DayTotal, Laggard, TopicTotal } from './report.view';

export { CommuneRef, DayTopic, DayTotal, Laggard, TopicTotal };

export interface ProvinceTotals {
  communes: number;
  communesMeetingAll: number;
  meetingAll: CommuneRef[];
  /** Communes missing a target, the largest shortfall (seconds, then plays) first. */
  laggards: Laggard[];
  byTopic: TopicTotal[];
  byDay: DayTotal[];
}

/** The province at a glance, from the compliance rows and the day sums of the same range. */
export function provinceTotals(input: {
  range: { from: string; to: string };
  topics: readonly string[];
  minDailySeconds: number;
  rows: readonly ComplianceRow[];
  communes: readonly CommuneCompliance[];
  byDateTopic: readonly DateTopicAirtime[];
  campaignByDate: readonly DateCampaignAirtime[];
}): ProvinceTotals {
  const meeting = input.communes.filter((commune) => commune.metAll);
  const byCommune = rowsByCommune(input.rows);
  const laggards = input.communes
    .filter((commune) => !commune.metAll)
    .map((commune): Laggard => {
      const own = byCommune.get(commune.communeCode) ?? [];
      const shortfall = shortfallOf(own);
      return {
        communeCode: commune.communeCode,
        communeName: commune.communeName,
        shortfallSeconds: shortfall.seconds,
        shortfallPlays: shortfall.plays,
        topicsMissed: own.filter((row) => !row.met).map((row) => row.topic),
        daysBelowMinimum: commune.daysBelowMinimum,
      };
    })
    .sort(
      (a, b) =>
        b.shortfallSeconds - a.shortfallSeconds ||
        b.shortfallPlays - a.shortfallPlays ||
        a.communeCode.localeCompare(b.communeCode),
    );

  const byTopic = input.topics.map((topic): TopicTotal => {
    const rows = input.rows.filter((row) => row.topic === topic);
    return {
      topic,
      airedSeconds: msToSeconds(rows.reduce((sum, row) => sum + row.airedSeconds * 1000, 0)),
      plays: rows.reduce((sum, row) => sum + row.plays, 0),
      requiredSeconds: rows[0]?.requiredSeconds ?? 0,
      requiredPlays: rows[0]?.requiredPlays ?? 0,
      communesMet: rows.filter((row) => row.met).length,
    };
  });

  const dayTopic = new Map(input.byDateTopic.map((row) => [`${row.date}|${row.topic}`, row]));
  const dayCampaign = new Map(input.campaignByDate.map((row) => [row.date, row]));
  const communeCount = input.communes.length;
  const byDay = eachDate(input.range.from, input.range.to).map((date): DayTotal => {
    const campaign = dayCampaign.get(date);
    return {
      date,
      campaignSeconds: msToSeconds(campaign?.campaignMs ?? 0),
      communesBelowMinimum:
        input.minDailySeconds > 0 ? communeCount - (campaign?.communesAtMinimum ?? 0) : 0,
      topics: input.topics.map((topic) => {
        const row = dayTopic.get(`${date}|${topic}`);
        return { topic, airedSeconds: msToSeconds(row?.airedMs ?? 0), plays: row?.plays ?? 0 };
      }),
    };
  });

  return {
    communes: communeCount,
    communesMeetingAll: meeting.length,
    meetingAll: meeting.map(({ communeCode, communeName }) => ({ communeCode, communeName })),
    laggards,
    byTopic,
    byDay,
  };
}
