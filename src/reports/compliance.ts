import { CampaignRule } from '../campaigns/entities/campaign.entity';
import { isMet, requirementFor } from '../campaigns/targets';
import { daysInclusive } from '../common/local-time';
import { Airtime, msToSeconds } from './airtime';
import { CommuneTopicAirtime, DateRange } from './airtime.repository';
import { passedPart } from './report-range';

/** The pinned row of `GET /reports/compliance` (DESIGN.md): one per commune × required topic. */
export interface ComplianceRow {
  communeCode: string;
  communeName: string;
  topic: string;
  airedSeconds: number;
  plays: number;
  requiredSeconds: number;
  requiredPlays: number;
  met: boolean;
}

/**
 * A row's targets pro rata over the range's passed days only (`passedPart`): what the commune
 * should have aired by now, and whether it did. Equal to the row's while the range is wholly past.
 * Served beside the pinned rows (in `communes[].toDate`), whose keys stay the pinned ones.
 */
export interface TopicToDate {
  topic: string;
  requiredSeconds: number;
  requiredPlays: number;
  met: boolean;
}

export interface NamedCommune {
  code: string;
  name: string;
}

export interface CampaignWindow {
  startsOn: string;
  endsOn: string;
  rules: readonly CampaignRule[];
}

import type { CheckpointView } from '../playout/checkpoint.view';

/** The state of a commune's hash chain as last verified (the playout module's `verify`). */
export interface ChainState {
  /** The last verdict; null while the chain was never verified. */
  ok: boolean | null;
  /** Records verified (when ok). */
  count: number;
  brokenAtSeq: number | null;
  /** When it was verified; null when never (or nothing to verify: no records). */
  checkedAt: string | null;
  /** Records appended since that verification, which it does not cover yet. */
  uncheckedRecords: number;
  /** The commune's latest signed checkpoint (GET /checkpoint-key verifies it); null when none. */
  checkpoint: CheckpointView | null;
}

export const CAMPAIGN_STATUSES = ['not-started', 'on-track', 'behind', 'met', 'not-met'] as const;
export type CampaignStatusName = (typeof CAMPAIGN_STATUSES)[number];

/** How a commune stands on the whole campaign, whatever range the report shows. */
export interface CampaignStatus {
  /** `met`/`not-met` once the campaign is over; `on-track`/`behind` while it runs. */
  status: CampaignStatusName;
  /** The days measured: from the campaign's start through its end, or through today. */
  from: string;
  through: string | null;
  topicsMet: number;
  topicsRequired: number;
}

/** Per-commune fields beside the pinned rows. */
export interface CommuneCompliance {
  communeCode: string;
  communeName: string;
  /** Every required topic met over the range. */
  metAll: boolean;
  topicsMet: number;
  topicsRequired: number;
  /** Its rows' targets to date (the range's passed days), in the rows' order. */
  toDate: TopicToDate[];
  /** Every required topic met against its target to date. */
  metAllToDate: boolean;
  topicsMetToDate: number;
  /** Campaign airtime over the range, each record once (whatever number of campaign topics). */
  campaignSeconds: number;
  minDailySeconds: number;
  /** Passed days of the range whose campaign airtime stayed under `minDailySeconds`. */
  daysBelowMinimum: number;
  campaign: CampaignStatus;
  chain: ChainState;
  coverage: Coverage;
}

/**
 * Of the clusters a commune's items were sent to (one per item and cluster), how many aired
 * them whole, from its records built from receipts; `percent` null for a commune without any
 * (no devices: its airtime is the server's as before). Airtime and compliance do not change.
 */
export interface Coverage {
  targeted: number;
  aired: number;
  percent: number | null;
}

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
