import { ApiProperty } from '@nestjs/swagger';
import { ProblemDto } from '../common/problem.dto';
import { PlayoutOutcome } from './entities/playout-record.entity';
import type { RowPlace } from './import-rows';

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
  @ApiProperty({
    required: false,
    oneOf: [
      { type: 'object', properties: { line: { type: 'integer' } }, required: ['line'] },
      { type: 'object', properties: { index: { type: 'integer' } }, required: ['index'] },
    ],
  })
  repeats?: RowPlace;
}
