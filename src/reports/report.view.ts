import type { PlayoutOutcome, PlayoutSource } from '../playout/entities/playout-record.entity';
import { CheckpointView } from '../playout/checkpoint.view';
import { PlayoutRecordView } from '../playout/playout-record.view';
import type { CampaignStatusName } from './compliance';

/*
 * The JSON answers of the reports (GET /reports/*) as classes, which the Swagger CLI plugin
 * reads into the API document (and so into the web app's generated types). The services build
 * them as plain objects.
 */

/** The pinned row of `GET /reports/compliance` (DESIGN.md): one per commune × required topic. */
export class ComplianceRow {
  communeCode!: string;
  communeName!: string;
  topic!: string;
  airedSeconds!: number;
  plays!: number;
  requiredSeconds!: number;
  requiredPlays!: number;
  met!: boolean;
}

/**
 * A row's targets pro rata over the range's passed days only (`passedPart`): what the commune
 * should have aired by now, and whether it did. Equal to the row's while the range is wholly past.
 * Served beside the pinned rows (in `communes[].toDate`), whose keys stay the pinned ones.
 */
export class TopicToDate {
  topic!: string;
  requiredSeconds!: number;
  requiredPlays!: number;
  met!: boolean;
}

/** The state of a commune's hash chain as last verified (the playout module's `verify`). */
export class ChainState {
  /** The last verdict; null while the chain was never verified. */
  ok!: boolean | null;
  /**
   * Records verified intact: the whole log when ok, those before `brokenAtSeq` when broken, 0
   * when never verified.
   */
  count!: number;
  brokenAtSeq!: number | null;
  /** When it was verified; null when never (or nothing to verify: no records). */
  checkedAt!: string | null;
  /** Records appended since that verification, which it does not cover yet. */
  uncheckedRecords!: number;
  /** The commune's latest signed checkpoint (GET /checkpoint-key verifies it); null when none. */
  checkpoint!: CheckpointView | null;
}

/** How a commune stands on the whole campaign, whatever range the report shows. */
export class CampaignStatus {
  /** `met`/`not-met` once the campaign is over; `on-track`/`behind` while it runs. */
  status!: CampaignStatusName;
  /** The days measured: from the campaign's start through its end, or through today. */
  from!: string;
  through!: string | null;
  topicsMet!: number;
  topicsRequired!: number;
}

/**
 * Of the clusters a commune's items were sent to (one per item and cluster), how many aired
 * them whole, from its records built from receipts; `percent` null for a commune without any
 * (no devices: its airtime is the server's as before). Airtime and compliance do not change.
 */
export class Coverage {
  targeted!: number;
  aired!: number;
  percent!: number | null;
}

/** Per-commune fields beside the pinned rows. */
export class CommuneCompliance {
  communeCode!: string;
  communeName!: string;
  /** Every required topic met over the range. */
  metAll!: boolean;
  topicsMet!: number;
  topicsRequired!: number;
  /** Its rows' targets to date (the range's passed days), in the rows' order. */
  toDate!: TopicToDate[];
  /** Every required topic met against its target to date. */
  metAllToDate!: boolean;
  topicsMetToDate!: number;
  /** Campaign airtime over the range, each record once (whatever number of campaign topics). */
  campaignSeconds!: number;
  minDailySeconds!: number;
  /** Passed days of the range whose campaign airtime stayed under `minDailySeconds`. */
  daysBelowMinimum!: number;
  campaign!: CampaignStatus;
  chain!: ChainState;
  coverage!: Coverage;
}

export class CommuneRef {
  communeCode!: string;
  communeName!: string;
}

/** A commune missing some target, with what it still lacks. */
export class Laggard extends CommuneRef {
  shortfallSeconds!: number;
  shortfallPlays!: number;
  topicsMissed!: string[];
  daysBelowMinimum!: number;
}

export class TopicTotal {
  topic!: string;
  airedSeconds!: number;
  plays!: number;
  /** What each commune needs over the range. */
  requiredSeconds!: number;
  requiredPlays!: number;
  communesMet!: number;
}

export class DayTopic {
  topic!: string;
  airedSeconds!: number;
  plays!: number;
}

/** One day of the province: a point of each chart series. */
export class DayTotal {
  date!: string;
  /** Campaign airtime of all communes, each record once. */
  campaignSeconds!: number;
  communesBelowMinimum!: number;
  topics!: DayTopic[];
}

/** A commune's campaign airtime in the range against the same number of days before it. */
export class UpliftRow {
  communeCode!: string;
  communeName!: string;
  airedSeconds!: number;
  baselineSeconds!: number;
  changeSeconds!: number;
  /** Change against the baseline in percent (one decimal); null when the baseline is 0. */
  changePercent!: number | null;
}

export class UpliftTopicRow extends UpliftRow {
  topic!: string;
  plays!: number;
  baselinePlays!: number;
}

export class UpliftTotals {
  airedSeconds!: number;
  baselineSeconds!: number;
  changeSeconds!: number;
  changePercent!: number | null;
  communesUp!: number;
  communesDown!: number;
  communesUnchanged!: number;
}

/** The campaign and range every province report starts with. */
export class ReportHeader {
  campaign!: string;
  from!: string;
  to!: string;
  days!: number;
}

/** `GET /reports/compliance` (pinned: campaign, from, to, rows). */
export class ComplianceReport extends ReportHeader {
  /** Days of the range before today. */
  daysPassed!: number;
  /** The last of them; null when none has passed. */
  through!: string | null;
  province!: string;
  minDailySeconds!: number;
  rows!: ComplianceRow[];
  communes!: CommuneCompliance[];
}

/** `GET /reports/summary`: the province at a glance. */
export class ProvinceSummary extends ReportHeader {
  communes!: number;
  communesMeetingAll!: number;
  meetingAll!: CommuneRef[];
  /** Communes missing a target, the largest shortfall (seconds, then plays) first. */
  laggards!: Laggard[];
  byTopic!: TopicTotal[];
  byDay!: DayTotal[];
  province!: string;
  provinceName!: string;
  minDailySeconds!: number;
}

/** `GET /reports/uplift`. */
export class UpliftReport extends ReportHeader {
  province!: string;
  baselineFrom!: string;
  baselineTo!: string;
  totals!: UpliftTotals;
  rows!: UpliftRow[];
  topics!: UpliftTopicRow[];
}

export class CommuneDay {
  date!: string;
  /** Over (before today); a day not over is never below the minimum. */
  passed!: boolean;
  campaignSeconds!: number;
  belowMinimum!: boolean;
  topics!: DayTopic[];
}

/** `GET /reports/communes/:commune`. */
export class CommuneDetail extends ReportHeader {
  /** Days of the range before today. */
  daysPassed!: number;
  /** The last of them; null when none has passed. */
  through!: string | null;
  communeCode!: string;
  communeName!: string;
  minDailySeconds!: number;
  summary!: CommuneCompliance;
  rows!: ComplianceRow[];
  daily!: CommuneDay[];
}

/** An as-run record with what it counts for in the reports (the drill-down). */
export class CountedRecordView extends PlayoutRecordView {
  /** The local day it counts on. */
  date!: string;
  /** False when a later record corrects (replaces) it. */
  inEffect!: boolean;
  correctedBySeq!: number | null;
  countedSeconds!: number;
  countedPlays!: number;
}

/** A record of the drill-down: what it counts, and whether the chain still vouches for it. */
export class RecordsReportRecord extends CountedRecordView {
  /**
   * At or after the seq where the chain broke: its content is not what was hashed, so what it
   * counts is not verified.
   */
  afterBreak!: boolean;
}

/** What the matching records at or after the chain's break count (all zero while it holds). */
export class AfterBreakTotals {
  records!: number;
  airedSeconds!: number;
  plays!: number;
}

/** `GET /reports/communes/:commune/records`. */
export class RecordsReport {
  communeCode!: string;
  communeName!: string;
  from!: string;
  to!: string;
  topic!: string | null;
  date!: string | null;
  outcome!: PlayoutOutcome | null;
  source!: PlayoutSource | null;
  /**
   * Sums of the matching records in effect (every page), as the records read now: with no other
   * filter than the topic and an intact chain, the numbers the reports show for this commune and
   * range. When the chain is broken, the reports' daily figures are those the records had when
   * appended, and those at or after the break are not verified: the part of these sums the log
   * still vouches for is `airedSeconds − afterBreak.airedSeconds` (and plays likewise).
   */
  airedSeconds!: number;
  plays!: number;
  /** Of the sums, what the matching records at or after the chain's break count. */
  afterBreak!: AfterBreakTotals;
  /** The commune's chain, verified now (as for the commune's report). */
  chain!: ChainState;
  /** Matching records, all pages. */
  total!: number;
  offset!: number;
  /** Null when every matching record is in `records`. */
  limit!: number | null;
  records!: RecordsReportRecord[];
}

export class ChainHead {
  lastSeq!: number;
  lastHash!: string;
}

/** A record's place in the chain without its content. */
export class ChainLink {
  seq!: number;
  prevHash!: string;
  hash!: string;
}
