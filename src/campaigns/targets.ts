import type { PlayoutRecord } from '../playout/entities/playout-record.entity';
import { CampaignRule } from './entities/campaign.entity';

export interface Requirement {
  requiredSeconds: number;
  requiredPlays: number;
}

/** Weekly minima pro rata over `days` days: ceil(weekly × days / 7), as DESIGN.md defines. */
export function requirementFor(rule: CampaignRule, days: number): Requirement {
  return {
    requiredSeconds: Math.ceil(((rule.minSecondsPerWeek ?? 0) * days) / 7),
    requiredPlays: Math.ceil(((rule.minPlaysPerWeek ?? 0) * days) / 7),
  };
}

/** A topic's row is met when both its airtime and its plays reach what is required. */
export function isMet(requirement: Requirement, airedSeconds: number, plays: number): boolean {
  return airedSeconds >= requirement.requiredSeconds && plays >= requirement.requiredPlays;
}

/** What counts toward a topic's targets: airtime in milliseconds and plays. */
export interface Airtime {
  airedMs: number;
  plays: number;
}

/**
 * What one as-run record adds when it is in effect (DESIGN.md, "Campaign targets"): an `aired`
 * record its `playedMs` and a play; a `partial` one its played part (`playedMs`), not a play;
 * `failed` and `missed` nothing. The reports and the planner both count by it.
 */
export function airtimeOf(record: Pick<PlayoutRecord, 'outcome' | 'playedMs'>): Airtime {
  switch (record.outcome) {
    case 'aired':
      return { airedMs: record.playedMs, plays: 1 };
    case 'partial':
      return { airedMs: record.playedMs, plays: 0 };
    default:
      return { airedMs: 0, plays: 0 };
  }
}
