import { CampaignRule } from '../campaigns/entities/campaign.entity';
import { isMet, requirementFor } from '../campaigns/targets';
import { daysInclusive } from '../common/local-time';
import { Airtime, msToSeconds } from './airtime';
import { CommuneTopicAirtime, DateRange } from './airtime.repository';
import { passedPart } from './report-range';
import {
  CampaignStatus,
  ChainState,
  CommuneCompliance,
  ComplianceRow,
  Coverage,
  TopicToDate,
} from './report.view';

export { CampaignStatus, ChainState, CommuneCompliance, ComplianceRow, Coverage, TopicToDate };

export interface NamedCommune {
  code: string;
  name: string;
}

export interface CampaignWindow {
  startsOn: string;
  endsOn: string;
  rules: readonly CampaignRule[];
}

export const CAMPAIGN_STATUSES = ['not-started', 'on-track', 'behind', 'met', 'not-met'] as const;
export type CampaignStatusName = (typeof CAMPAIGN_STATUSES)[number];

export function coverageOf(sum: { targeted: number; aired: number } | undefined): Coverage {
  if (!sum || sum.targeted === 0) return { targeted: 0, aired: 0, percent: null };
  return {
    targeted: sum.targeted,
    aired: sum.aired,
    percent: Math.round((sum.aired / sum.targeted) * 1000) / 10,
  };
}

/** `airtime[commune][topic]`. */
export type AirtimeTable = Map<string, Map<string, Airtime>>;

export const NO_AIRTIME: Airtime = { airedMs: 0, plays: 0 };

export function airtimeTable(rows: readonly CommuneTopicAirtime[]): AirtimeTable {
  const table: AirtimeTable = new Map();
  for (const row of rows) {
    let topics = table.get(row.communeCode);
    if (!topics) {
      topics = new Map();
      table.set(row.communeCode, topics);
    }
    topics.set(row.topic, { airedMs: row.airedMs, plays: row.plays });
  }
  return table;
}

export function airtimeAt(table: AirtimeTable, communeCode: string, topic: string): Airtime {
  return table.get(communeCode)?.get(topic) ?? NO_AIRTIME;
}

/** One row per commune × rule, communes in the given order, rules in the campaign's. */
export function complianceRows(
  communes: readonly NamedCommune[],
  rules: readonly CampaignRule[],
  days: number,
  airtime: AirtimeTable,
): ComplianceRow[] {
  return communes.flatMap((commune) =>
    rules.map((rule): ComplianceRow => {
      const requirement = requirementFor(rule, days);
      const aired = airtimeAt(airtime, commune.code, rule.topic);
      const airedSeconds = msToSeconds(aired.airedMs);
      return {
        communeCode: commune.code,
        communeName: commune.name,
        topic: rule.topic,
        airedSeconds,
        plays: aired.plays,
        requiredSeconds: requirement.requiredSeconds,
        requiredPlays: requirement.requiredPlays,
        met: isMet(requirement, airedSeconds, aired.plays),
      };
    }),
  );
}

/** The targets to date of rows: their rules pro rata over `daysPassed`, against their airtime. */
export function rowsToDate(
  rows: readonly ComplianceRow[],
  rules: readonly CampaignRule[],
  daysPassed: number,
): TopicToDate[] {
  const byTopic = new Map(rules.map((rule) => [rule.topic, rule]));
  return rows.map((row): TopicToDate => {
    const rule = byTopic.get(row.topic) ?? { topic: row.topic };
    const requirement = requirementFor(rule, daysPassed);
    return {
      topic: row.topic,
      ...requirement,
      met: isMet(requirement, row.airedSeconds, row.plays),
    };
  });
}

/**
 * The part of the campaign to judge on `today`: its whole window once over, the days so far
 * (today included) while it runs, null before it starts.
 */
export function campaignPeriod(
  campaign: CampaignWindow,
  today: string,
): (DateRange & { days: number }) | null {
  if (today < campaign.startsOn) return null;
  const to = today > campaign.endsOn ? campaign.endsOn : today;
  return { from: campaign.startsOn, to, days: daysInclusive(campaign.startsOn, to) };
}

/** A commune's standing on the whole campaign from its airtime over `campaignPeriod`. */
export function campaignStatusOf(
  campaign: CampaignWindow,
  today: string,
  airtime: AirtimeTable,
  communeCode: string,
): CampaignStatus {
  const period = campaignPeriod(campaign, today);
  const topicsRequired = campaign.rules.length;
  if (!period) {
    return {
      status: 'not-started',
      from: campaign.startsOn,
      through: null,
      topicsMet: 0,
      topicsRequired,
    };
  }
  // Airtime through today, targets over the passed days: a running campaign's progress to date.
  const passed = passedPart({ from: campaign.startsOn, to: campaign.endsOn }, today);
  const rows = complianceRows(
    [{ code: communeCode, name: '' }],
    campaign.rules,
    period.days,
    airtime,
  );
  const topicsMet = rowsToDate(rows, campaign.rules, passed?.days ?? 0).filter(
    (row) => row.met,
  ).length;
  const allMet = topicsMet === topicsRequired;
  const over = today > campaign.endsOn;
  return {
    status: over ? (allMet ? 'met' : 'not-met') : allMet ? 'on-track' : 'behind',
    from: period.from,
    through: period.to,
    topicsMet,
    topicsRequired,
  };
}

/** The rows of each commune. */
export function rowsByCommune(rows: readonly ComplianceRow[]): Map<string, ComplianceRow[]> {
  const grouped = new Map<string, ComplianceRow[]>();
  for (const row of rows) {
    const own = grouped.get(row.communeCode);
    if (own) own.push(row);
    else grouped.set(row.communeCode, [row]);
  }
  return grouped;
}

/** Per-commune summary of its own rows. */
export function communeCompliance(
  commune: NamedCommune,
  own: readonly ComplianceRow[],
  extra: {
    campaignMs: number;
    minDailySeconds: number;
    /** The range's passed days (`passedPart`), and those of them at the minimum. */
    daysPassed: number;
    daysAtMinimum: number;
    campaign: CampaignStatus;
    chain: ChainState;
    coverage?: Coverage;
    /** Its rows' targets to date (`rowsToDate`); by default the rows' own (a past range). */
    toDate?: TopicToDate[];
  },
): CommuneCompliance {
  const topicsMet = own.filter((row) => row.met).length;
  const toDate =
    extra.toDate ??
    own.map((row) => ({
      topic: row.topic,
      requiredSeconds: row.requiredSeconds,
      requiredPlays: row.requiredPlays,
      met: row.met,
    }));
  const topicsMetToDate = toDate.filter((row) => row.met).length;
  return {
    communeCode: commune.code,
    communeName: commune.name,
    metAll: topicsMet === own.length,
    topicsMet,
    topicsRequired: own.length,
    toDate,
    metAllToDate: topicsMetToDate === own.length,
    topicsMetToDate,
    campaignSeconds: msToSeconds(extra.campaignMs),
    minDailySeconds: extra.minDailySeconds,
    daysBelowMinimum: extra.minDailySeconds > 0 ? extra.daysPassed - extra.daysAtMinimum : 0,
    campaign: extra.campaign,
    chain: extra.chain,
    coverage: extra.coverage ?? coverageOf(undefined),
  };
}

/** Shortfall of a commune's rows: seconds and plays still missing, summed over topics. */
export function shortfallOf(rows: readonly ComplianceRow[]): { seconds: number; plays: number } {
  let seconds = 0;
  let plays = 0;
  for (const row of rows) {
    seconds += Math.max(0, row.requiredSeconds - row.airedSeconds);
    plays += Math.max(0, row.requiredPlays - row.plays);
  }
  return { seconds: Math.round(seconds * 1000) / 1000, plays };
}
