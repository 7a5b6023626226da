import type { PolicyRule } from './broadcast-policy';
import type { ShortfallReason } from './planner';
import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { oneOfSchema } from '../common/api-responses';
import { PolicyItemBreach } from '../policy/policy.view';
import type { ShortfallCause } from './shortfall-groups';

/*
 * The campaign planner's answers (`POST …/schedule/plan`, `GET …/schedule/gaps`) as classes, which
 * the Swagger CLI plugin reads into the API document. The planner builds them as plain objects.
 */

/**
 * Fix: add `count` approved bulletins of `topic` (null: any topic of the campaign), each about
 * `bulletinSeconds` long: the fewest that close the gap, each playing `playsEach` times in the
 * window occurrences left.
 */
export class AddBulletinsFix {
  @ApiProperty({ enum: ['add-bulletins'] })
  action!: 'add-bulletins';
  topic!: string | null;
  count!: number;
  /**
   * True when the count is a floor, not the answer: no bulletin of the topic exists yet, so the
   * count covers the missing plays but the airtime depends on the lengths of those recorded.
   */
  atLeast!: boolean;
  /** The length the count takes for each new bulletin (the mean of those that could go); null when none could. */
  bulletinSeconds!: number | null;
  /** How many times one new bulletin can play in the window occurrences left (one per occurrence, the daily limit). */
  playsEach!: number;
}

/** Fix: lengthen the window by `minutes`. */
export class ExtendWindowFix {
  @ApiProperty({ enum: ['extend-window'] })
  action!: 'extend-window';
  windowId!: string;
  windowName!: string;
  minutes!: number;
}

/** Fix: add an on-air window. */
export class AddWindowFix {
  @ApiProperty({ enum: ['add-window'] })
  action!: 'add-window';
}

/** Fix: raise the broadcast policy's daily limit. */
export class RaiseDailyLimitFix {
  @ApiProperty({ enum: ['raise-daily-limit'] })
  action!: 'raise-daily-limit';
}

/** No step removes the cause (the days are over). */
export class NoFix {
  @ApiProperty({ enum: ['none'] })
  action!: 'none';
}

/** The concrete step that removes the cause. */
export type ShortfallFix =
  AddBulletinsFix | ExtendWindowFix | AddWindowFix | RaiseDailyLimitFix | NoFix;
const FIXES = [AddBulletinsFix, ExtendWindowFix, AddWindowFix, RaiseDailyLimitFix, NoFix];

export class TopicProgress {
  topic!: string;
  requiredSeconds!: number;
  scheduledSeconds!: number;
  missingSeconds!: number;
  requiredPlays!: number;
  scheduledPlays!: number;
  missingPlays!: number;
  met!: boolean;
}

/** The part of one ISO week that falls inside a date range. */
export class WeekSegment {
  /** ISO week, e.g. `2025-W41`. */
  week!: string;
  from!: string;
  to!: string;
  days!: number;
}

export class WeekProgress extends WeekSegment {
  topics!: TopicProgress[];
}

export class DayProgress {
  date!: string;
  requiredSeconds!: number;
  scheduledSeconds!: number;
  missingSeconds!: number;
  met!: boolean;
}

export class CampaignProgress {
  from!: string;
  to!: string;
  met!: boolean;
  weeks!: WeekProgress[];
  days!: DayProgress[];
  /** One sentence per unmet row: "The log is 6 min short on kinh-te-so in week 2025-W41 …". */
  gaps!: string[];
}

/** `GET …/schedule/gaps`: how far the log is from the campaign's targets. */
export class GapsView extends CampaignProgress {
  campaign!: string;
  /**
   * Planned items of the range that break the broadcast policy in force: the player will refuse
   * them, so their airtime is not counted until they are moved or cancelled.
   */
  refusedItems!: PolicyItemBreach[];
}

/** A rule the plan cannot meet, with the numbers and the reason in words. */
@ApiExtraModels(...FIXES)
export class Shortfall {
  kind!: 'weekly' | 'daily';
  /** The rule's topic (weekly), null for the daily campaign minimum. */
  topic!: string | null;
  week!: string;
  from!: string;
  to!: string;
  date!: string | null;
  requiredSeconds!: number;
  scheduledSeconds!: number;
  missingSeconds!: number;
  requiredPlays!: number;
  scheduledPlays!: number;
  missingPlays!: number;
  /** The coarse reason (kept for clients that read it); `cause` says precisely what stopped it. */
  reason!: ShortfallReason;
  cause!: ShortfallCause;
  /** The concrete step that removes the cause. */
  @ApiProperty(oneOfSchema(...FIXES))
  fix!: ShortfallFix;
  /** How many bulletins could have gone. */
  bulletins!: number;
  message!: string;
}

/** An ISO week a shortfall group affects, with its part inside the range. */
export class ShortfallWeek {
  week!: string;
  from!: string;
  to!: string;
}

/** One line of the preview: every shortfall of one rule with one cause and one fix. */
@ApiExtraModels(...FIXES)
export class ShortfallGroup {
  kind!: 'weekly' | 'daily';
  topic!: string | null;
  cause!: ShortfallCause;
  @ApiProperty(oneOfSchema(...FIXES))
  fix!: ShortfallFix;
  /** The days it affects: each day of a daily group, the days of each week of a weekly one. */
  dates!: string[];
  /** The ISO weeks it affects, with their parts inside the range. */
  weeks!: ShortfallWeek[];
  /** The sum over the grouped shortfalls. */
  missingSeconds!: number;
  missingPlays!: number;
  /** The largest single shortfall (a day's or a week's). */
  maxMissingSeconds!: number;
  maxMissingPlays!: number;
  bulletins!: number;
  maxPlaysPerBulletinPerDay!: number;
  /** How many shortfalls the line stands for. */
  count!: number;
  message!: string;
}

export class PlanItemView {
  /** null in a dry run (nothing was written). */
  id!: string | null;
  bulletinId!: string;
  title!: string;
  topics!: string[];
  windowId!: string;
  startsAt!: string;
  endsAt!: string;
  durationMs!: number;
  /** The zones the item goes to; null: every device of the commune. */
  zones!: string[] | null;
}

/** Window time the plan left unused because it breaks the broadcast policy. */
export class PolicyLimitView {
  windowId!: string;
  date!: string;
  rule!: PolicyRule;
  /** The unusable stretch (the whole day for the daily limit). */
  startsAt!: string;
  endsAt!: string;
  message!: string;
}

/** `POST …/schedule/plan`: what was (or, in a dry run, would be) planned, and what still lacks. */
export class PlanView {
  campaign!: string;
  from!: string;
  to!: string;
  dryRun!: boolean;
  items!: PlanItemView[];
  shortfalls!: Shortfall[];
  /** The shortfalls grouped: one line per rule and cause, its days, and the fix. */
  shortfallGroups!: ShortfallGroup[];
  /** The targets measured on the log with the plan applied. */
  progress!: CampaignProgress;
  /** Window time the plan did not use because it breaks the broadcast policy. */
  policyLimits!: PolicyLimitView[];
  /**
   * Items already on the log in the range that break the broadcast policy in force: the player
   * will refuse them, so `progress` does not count them; they need moving or cancelling.
   */
  refusedItems!: PolicyItemBreach[];
}

/** One commune's line of a province's plan. */
export class CommunePlanLine {
  communeCode!: string;
  communeName!: string;
  /** Items planned (in a dry run: that would be). */
  itemCount!: number;
  /** Whether the log, with the plan applied, meets every target over the range. */
  met!: boolean;
  /**
   * Items already on the commune's log in the range that break the broadcast policy in force
   * (the commune's plan lists them as `refusedItems`): the player will refuse them, so `met` does
   * not count them; they need moving or cancelling.
   */
  refusedItemCount!: number;
  /** What still lacks: one line per rule and cause, its days, and the fix. */
  shortfallGroups!: ShortfallGroup[];
}

/** `POST /provinces/:province/schedule/plan`: each commune's plan, in one transaction. */
export class ProvincePlanView {
  campaign!: string;
  from!: string;
  to!: string;
  dryRun!: boolean;
  itemCount!: number;
  /** Communes whose log meets every target with the plan applied. */
  metCount!: number;
  communes!: CommunePlanLine[];
}
