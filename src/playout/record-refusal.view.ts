import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { ProblemDto } from '../common/problem.dto';
import { PlayoutOutcome } from './entities/playout-record.entity';
import type { RowPlace } from './import-rows';
import type { PolicyRule } from '../schedule/broadcast-policy';
import type { PolicyRefusal } from '../schedule/policy-refusal';
import { PolicyRefusalView } from '../schedule/policy-refusal.view';

/**
 * Which check refused a record (`PLAYOUT_RECORD_INVALID`), with the values it names: the details
 * of the refusal, beside its English message, for a client (the web app) to word in its language.
 */
export type RecordRefusal =
  | {
      rule: 'item-bulletin-mismatch';
      scheduleItemId: string;
      itemBulletinId: string | null;
      bulletinId: string;
    }
  | {
      rule:
        | 'no-bulletin-or-title'
        | 'missed-needs-start'
        | 'missed-ends-at-start'
        | 'ended-before-started';
    }
  | { rule: 'reason-required'; outcome: PlayoutOutcome; correctsSeq: number | null }
  | { rule: 'missed-not-at-planned-start'; plannedStart: string }
  | { rule: 'missed-played'; playedMs: number }
  | { rule: 'times-required' | 'nothing-played'; outcome: PlayoutOutcome }
  | { rule: 'longer-than-a-day'; spanMs: number; maxMs: number }
  | { rule: 'played-longer-than-span'; playedMs: number; spanMs: number }
  | { rule: 'repeats-row'; repeats: RowPlace };

export type RecordRule = RecordRefusal['rule'];

/** What each rule refuses, as the API document lists it (and README.md, "As-run log"). */
const RULE_MEANINGS: Record<RecordRule, string> = {
  'item-bulletin-mismatch':
    '`bulletinId` is not the bulletin of the item `scheduleItemId` (`itemBulletinId`, null for a relay)',
  'no-bulletin-or-title': 'neither a bulletin (`bulletinId`, `scheduleItemId`) nor a `title`',
  'reason-required':
    'no `reason` for a `failed` or `missed` record or a correction (`outcome`, `correctsSeq`)',
  'missed-needs-start': 'a `missed` record without `scheduleItemId` has no `startedAt`',
  'missed-not-at-planned-start':
    "a `missed` record does not start at its item's planned start (`plannedStart`)",
  'missed-ends-at-start': '`endedAt` of a `missed` record is not its `startedAt`',
  'missed-played': 'a `missed` record has `playedMs` other than 0',
  'times-required': 'an `aired`, `partial` or `failed` record lacks `startedAt` or `endedAt`',
  'ended-before-started': '`endedAt` is before `startedAt`',
  'longer-than-a-day': 'the record spans `spanMs`, more than `maxMs` (24 hours)',
  'played-longer-than-span': '`playedMs` is longer than `endedAt − startedAt` (`spanMs`)',
  'nothing-played': 'an `aired` or `partial` record has `playedMs` 0',
  'repeats-row': "an import's row repeats an earlier row of the same import (`repeats`)",
};

export const RECORD_RULES = Object.keys(RULE_MEANINGS) as RecordRule[];

/** A row's place, `{line}` of a CSV or `{index}` in a batch's `records`, in the document. */
const ROW_PLACE: ApiPropertyOptions = {
  required: false,
  oneOf: [
    { type: 'object', properties: { line: { type: 'integer' } }, required: ['line'] },
    { type: 'object', properties: { index: { type: 'integer' } }, required: ['index'] },
  ],
};

/**
 * A record refused by its checks (422 `PLAYOUT_RECORD_INVALID`): the problem with the `rule` and
 * the values it names. An import's or batch's refused row carries the same fields.
 */
export class RecordRefusalView extends ProblemDto {
  @ApiProperty({
    enum: RECORD_RULES,
    enumName: 'RecordRule',
    description:
      'Which check refused the record, a stable identifier: ' +
      RECORD_RULES.map((rule) => `\`${rule}\`: ${RULE_MEANINGS[rule]}`).join('; '),
  })
  rule!: RecordRule;
  /** `item-bulletin-mismatch`: the item named. */
  scheduleItemId?: string;
  /** `item-bulletin-mismatch`: the item's bulletin (null for a relay). */
  itemBulletinId?: string | null;
  /** `item-bulletin-mismatch`: the bulletin the record named. */
  bulletinId?: string;
  /** `reason-required`, `times-required`, `nothing-played`: the record's outcome. */
  outcome?: PlayoutOutcome;
  /** `reason-required`: the seq a correction corrects (null for no correction). */
  correctsSeq?: number | null;
  /** `missed-not-at-planned-start`: the item's planned start (UTC ISO 8601). */
  plannedStart?: string;
  /** `missed-played`, `played-longer-than-span`: the record's `playedMs`. */
  playedMs?: number;
  /** `longer-than-a-day`, `played-longer-than-span`: `endedAt − startedAt` in milliseconds. */
  spanMs?: number;
  /** `longer-than-a-day`: the longest a record spans, in milliseconds. */
  maxMs?: number;
  /** `repeats-row`: the earlier row, `{line}` of a CSV or `{index}` in a batch's `records`. */
  @ApiProperty(ROW_PLACE)
  repeats?: RowPlace;
}

/*
 * The other refusals of a record, on a single post and on an import's or batch's row alike: each
 * code's values as fields beside the English message, for a client to word in its language.
 */

/** `PLAYOUT_TIME_OUT_OF_RANGE`: a time the log does not take, and the bound it passes. */
export type TimeOutOfRange = {
  field: 'startedAt' | 'endedAt';
  time: string;
  earliest?: string;
  latest?: string;
};

/** `PLAYOUT_ITEM_TIME_MISMATCH`: a record's start, its item's planned times and the tolerances. */
export type ItemTimeMismatch = {
  scheduleItemId: string;
  startedAt: string;
  plannedStart: string;
  plannedEnd: string;
  earliest: string;
  latest: string;
  earlyToleranceMs: number;
  lateToleranceMs: number;
};

/** `TOPIC_UNKNOWN`: the codes that are no topic. */
export type UnknownTopics = {
  topics: string[];
};

/** `PLAYOUT_OVERLAP`: the record in effect that the refused one overlaps. */
export type Overlap = {
  overlapsSeq: number | null;
  overlapsStartedAt: string;
  overlapsEndedAt: string;
  overlapsTitle: string | null;
  overlapsRow?: RowPlace;
};

/** `PLAYOUT_CORRECTS_UNKNOWN`, `PLAYOUT_ALREADY_CORRECTED`: the seq the correction names. */
export type CorrectionRefusal = {
  correctsSeq: number;
};

/** 422 `PLAYOUT_TIME_OUT_OF_RANGE`: a time before the log's first day, or in the future. */
export class TimeOutOfRangeView extends ProblemDto implements TimeOutOfRange {
  /** Which time of the record. */
  field!: 'startedAt' | 'endedAt';
  /** That time (UTC ISO 8601). */
  time!: string;
  /** A time too early: the earliest the log takes (either this or `latest`). */
  earliest?: string;
  /** A time in the future: the latest the log takes, the service's clock and 5 seconds. */
  latest?: string;
}

/**
 * 422 `PLAYOUT_ITEM_TIME_MISMATCH`: a record of an item starts from `earlyToleranceMs` before the
 * item's planned start to `lateToleranceMs` after its planned end (`earliest` to `latest`).
 */
export class ItemTimeMismatchView extends ProblemDto implements ItemTimeMismatch {
  /** The item the record names. */
  scheduleItemId!: string;
  /** The record's start (UTC ISO 8601). */
  startedAt!: string;
  /** The item's planned start. */
  plannedStart!: string;
  /** The item's planned end. */
  plannedEnd!: string;
  /** The earliest start of a record of the item. */
  earliest!: string;
  /** The latest start of a record of the item. */
  latest!: string;
  /** How long before the planned start a record may start, in milliseconds. */
  earlyToleranceMs!: number;
  /** How long after the planned end a record may start (`PLAYOUT_LATE_TOLERANCE_MS`). */
  lateToleranceMs!: number;
}

/** 422 `TOPIC_UNKNOWN`: topic codes no topic has. */
export class UnknownTopicsView extends ProblemDto implements UnknownTopics {
  /** The unknown codes. */
  topics!: string[];
}

/** 409 `PLAYOUT_OVERLAP`: the record in effect that the refused one overlaps. */
export class OverlapView extends ProblemDto implements Overlap {
  /** Its seq; null for a record of the same request not yet numbered. */
  overlapsSeq!: number | null;
  /** Its start (UTC ISO 8601). */
  overlapsStartedAt!: string;
  /** Its end (UTC ISO 8601). */
  overlapsEndedAt!: string;
  /** Its title (null for a record without one). */
  overlapsTitle!: string | null;
  /** An import's earlier row it is, `{line}` of a CSV or `{index}` in a batch's `records`. */
  @ApiProperty(ROW_PLACE)
  overlapsRow?: RowPlace;
}

/** 422 `PLAYOUT_CORRECTS_UNKNOWN`, 409 `PLAYOUT_ALREADY_CORRECTED`: the seq named. */
export class CorrectionRefusalView extends ProblemDto implements CorrectionRefusal {
  /** The seq the correction names (`correctsSeq`). */
  correctsSeq!: number;
}

/** The views of a record's refusals, as the API document lists them beside the problem. */
export const REFUSAL_VIEWS = [
  RecordRefusalView,
  TimeOutOfRangeView,
  ItemTimeMismatchView,
  UnknownTopicsView,
  OverlapView,
  CorrectionRefusalView,
  PolicyRefusalView,
];

/** Each member of a union of refusals without its `rule`. */
type WithoutRule<T> = T extends unknown ? Omit<T, 'rule'> : never;

/** Any refusal's fields, as a refused row carries them beside its place, code and message. */
export type RefusalFields = Partial<
  WithoutRule<RecordRefusal> &
    TimeOutOfRange &
    ItemTimeMismatch &
    UnknownTopics &
    Overlap &
    CorrectionRefusal &
    Omit<PolicyRefusal, 'rule'>
> & { rule?: RecordRule | PolicyRule };
