import type { PlayoutOutcome, PlayoutSource } from '../../playout/entities/playout-record.entity';
import type { ScheduleItemStatus } from '../../schedule/entities/schedule-item.entity';
import type { DiscrepancyCode, MissedCause } from './reconciliation';

export class ReconciliationLine {
  code!: DiscrepancyCode;
  /** The item's id, the schedule id a traffic system echoes back; null for an unscheduled play. */
  scheduleItemId!: string | null;
  bulletinId!: string | null;
  title!: string | null;
  /** Local ISO 8601 (+07:00). */
  plannedStart!: string | null;
  plannedSeconds!: number | null;
  itemStatus!: ScheduleItemStatus | null;
  /** The record that stands for the item (a correction when `replacesSeq` is set). */
  recordSeq!: number | null;
  replacesSeq!: number | null;
  /** Other records in effect naming the same item. */
  otherSeqs!: number[];
  outcome!: PlayoutOutcome | null;
  source!: PlayoutSource | null;
  airedStart!: string | null;
  airedSeconds!: number | null;
  /** Aired start minus planned start (negative: early). */
  offsetSeconds!: number | null;
  lateBySeconds!: number | null;
  shortBySeconds!: number | null;
  causeCode!: MissedCause | null;
  /** Why (Vietnamese): the record's error or cause, the cancellation's reason. */
  cause!: string | null;
  devicesTargeted!: number | null;
  devicesAired!: number | null;
}

export class CodeTotal {
  code!: DiscrepancyCode;
  count!: number;
  plannedSeconds!: number;
  airedSeconds!: number;
}

/** `GET /reports/communes/:commune/reconciliation`: the totals, and a page of the lines. */
export class ReconciliationReport {
  communeCode!: string;
  communeName!: string;
  from!: string;
  to!: string;
  /** The tolerance each way, for on time and for short. */
  toleranceSeconds!: number;
  /** Every code, zeros included, over all the lines of the range. */
  totals!: CodeTotal[];
  plannedSeconds!: number;
  airedSeconds!: number;
  /** The lines (of `code` when given) on this page; all of them in the exports. */
  lines!: ReconciliationLine[];
  code!: DiscrepancyCode | null;
  page!: number;
  pageSize!: number;
  /** Lines of `code` (or all) over the range. */
  lineCount!: number;
}
