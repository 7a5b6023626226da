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
