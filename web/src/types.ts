/**
 * The API's answers, as the web app reads them: aliases of the types generated from the API
 * document (api-types.ts, `npm run api:types`), and by hand what the document does not describe yet.
 */
import type { components } from './api-types';

type Schemas = components['schemas'];

export type Role = 'admin' | 'monitor' | 'operator' | 'approver';

export type User = Schemas['UserView'];

export type LoginResult = Schemas['LoginResult'];

export type Topic = Schemas['TopicView'];

export type CampaignRule = Schemas['CampaignRule'];

export type Campaign = Schemas['CampaignView'];

export type CampaignStatus = 'running' | 'ended' | 'upcoming';

export type Province = Schemas['Province'];

export type Commune = Schemas['CommuneView'];

export type AudioStatus = 'queued' | 'processing' | 'ready' | 'failed';

export type AudioAsset = Schemas['AudioAssetView'];

export type LoudnessWarning = 'too-quiet';

/** What the loudspeakers get when the recording could not reach the target. */
export type AudioLoudnessWarning = Schemas['AudioLoudnessWarningView'];

export type BulletinPriority = 'normal' | 'priority' | 'emergency';
export type BulletinStatus = 'draft' | 'approved' | 'archived';

export type Bulletin = Schemas['BulletinView'];

export type Person = Schemas['PersonView'];

export type ApprovalItem = Schemas['ApprovalItemView'];

export type ApprovalInbox = Schemas['ApprovalInboxView'];

export type ApprovalSummary = Schemas['ApprovalSummaryView'];

export type ReviewDecision = 'approve' | 'send-back';

export type ReviewResult = Schemas['ReviewResultView'];

export type UserNotice = Schemas['NoticeView'];

export type NoticeList = Schemas['NoticeListView'];

export interface Reading {
  written: string;
  spoken: string;
}

export interface ReadingPreview {
  cleaned: string;
  spoken: string;
  readings: Reading[];
}

export type BroadcastWindow = Schemas['WindowView'];

export type ScheduleItemStatus =
  'planned' | 'dispatched' | 'aired' | 'partial' | 'failed' | 'missed' | 'cancelled';

export type ScheduleItem = Schemas['ScheduleItemView'];

export interface PlannedItem {
  /** null in a dry run (nothing was written). */
  id: string | null;
  bulletinId: string;
  title: string;
  topics: string[];
  windowId: string;
  startsAt: string;
  endsAt: string;
  durationMs: number;
}

export type ShortfallReason =
  'no-bulletin' | 'no-window-time' | 'rotation-limit' | 'past' | 'policy';

export interface Shortfall {
  kind: 'weekly' | 'daily';
  topic: string | null;
  week: string;
  from: string;
  to: string;
  date: string | null;
  requiredSeconds: number;
  scheduledSeconds: number;
  missingSeconds: number;
  requiredPlays: number;
  scheduledPlays: number;
  missingPlays: number;
  reason: ShortfallReason;
  cause?: ShortfallCause;
  message: string;
}

/** What stopped the planner, precisely (see src/schedule/shortfall-groups.ts). */
export type ShortfallCause =
  | 'no-bulletin'
  | 'past'
  | 'no-window'
  | 'no-window-time'
  | 'one-per-occurrence'
  | 'daily-play-limit'
  | 'policy-daily-limit';

export type ShortfallFix =
  | { action: 'add-bulletins'; topic: string | null; count: number }
  | { action: 'extend-window'; windowId: string; windowName: string; minutes: number }
  | { action: 'add-window' }
  | { action: 'raise-daily-limit' }
  | { action: 'none' };

/** One line of the plan preview: the shortfalls of one rule with one cause, and the fix. */
export interface ShortfallGroup {
  kind: 'weekly' | 'daily';
  topic: string | null;
  cause: ShortfallCause;
  fix: ShortfallFix;
  dates: string[];
  weeks: { week: string; from: string; to: string }[];
  missingSeconds: number;
  missingPlays: number;
  maxMissingSeconds: number;
  maxMissingPlays: number;
  bulletins: number;
  maxPlaysPerBulletinPerDay: number;
  count: number;
  message: string;
}

export interface PlanResult {
  campaign: string;
  from: string;
  to: string;
  dryRun: boolean;
  items: PlannedItem[];
  shortfalls: Shortfall[];
  shortfallGroups: ShortfallGroup[];
  /** Window time left unused for the broadcast policy. */
  policyLimits?: PlanPolicyLimit[];
}

export interface PlanPolicyLimit {
  windowId: string;
  date: string;
  rule: string;
  startsAt: string;
  endsAt: string;
  message: string;
}

export type PlayoutOutcome = 'aired' | 'partial' | 'failed' | 'missed';
export type PlayoutSource = 'automation' | 'operator' | 'import' | 'devices' | 'live';

export type PlayoutRecord = Schemas['PlayoutRecordView'];

/** A signed checkpoint of a commune's chain (GET …/playout-log/checkpoints). */
export type Checkpoint = Schemas['CheckpointView'];

export type ChainVerdict =
  { ok: true; count: number } | { ok: false; brokenAtSeq: number; checkpoint?: Checkpoint };

export type ImportResult = Schemas['ImportResultView'];

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

/** A row's targets pro rata over the range's passed days (before today), and whether they are met. */
export interface TopicToDate {
  topic: string;
  requiredSeconds: number;
  requiredPlays: number;
  met: boolean;
}

/** How much of a report's range is over: the days before today, the last of them. */
export interface RangeProgress {
  days: number;
  daysPassed: number;
  through: string | null;
}

export interface ComplianceReport extends RangeProgress {
  campaign: string;
  from: string;
  to: string;
  province: string;
  minDailySeconds: number;
  rows: ComplianceRow[];
  communes: CommuneCompliance[];
}

export interface ChainState {
  /** The last verdict; null while the chain was never verified. */
  ok: boolean | null;
  count: number;
  brokenAtSeq: number | null;
  checkedAt: string | null;
  /** Records appended since that verification. */
  uncheckedRecords: number;
}

export type CampaignStatusName = 'not-started' | 'on-track' | 'behind' | 'met' | 'not-met';

export interface CommuneCompliance {
  communeCode: string;
  communeName: string;
  metAll: boolean;
  topicsMet: number;
  topicsRequired: number;
  /** Its rows' targets to date, in the rows' order. */
  toDate: TopicToDate[];
  metAllToDate: boolean;
  topicsMetToDate: number;
  campaignSeconds: number;
  minDailySeconds: number;
  daysBelowMinimum: number;
  campaign: {
    status: CampaignStatusName;
    from: string;
    through: string | null;
    topicsMet: number;
    topicsRequired: number;
  };
  chain: ChainState;
  /** Clusters sent an item and those that aired it whole (percent null: no clusters' records). */
  coverage: { targeted: number; aired: number; percent: number | null };
}

export interface DayTopic {
  topic: string;
  airedSeconds: number;
  plays: number;
}

export interface ProvinceSummary {
  campaign: string;
  from: string;
  to: string;
  days: number;
  province: string;
  provinceName: string;
  minDailySeconds: number;
  communes: number;
  communesMeetingAll: number;
  laggards: {
    communeCode: string;
    communeName: string;
    shortfallSeconds: number;
    shortfallPlays: number;
    topicsMissed: string[];
    daysBelowMinimum: number;
  }[];
  byTopic: {
    topic: string;
    airedSeconds: number;
    plays: number;
    requiredSeconds: number;
    requiredPlays: number;
    communesMet: number;
  }[];
  byDay: {
    date: string;
    campaignSeconds: number;
    communesBelowMinimum: number;
    topics: DayTopic[];
  }[];
}

export interface UpliftRow {
  communeCode: string;
  communeName: string;
  airedSeconds: number;
  baselineSeconds: number;
  changeSeconds: number;
  changePercent: number | null;
}

export interface UpliftReport {
  campaign: string;
  from: string;
  to: string;
  province: string;
  baselineFrom: string;
  baselineTo: string;
  totals: {
    airedSeconds: number;
    baselineSeconds: number;
    changeSeconds: number;
    changePercent: number | null;
    communesUp: number;
    communesDown: number;
    communesUnchanged: number;
  };
  rows: UpliftRow[];
}

export interface CommuneDetail extends RangeProgress {
  campaign: string;
  from: string;
  to: string;
  communeCode: string;
  communeName: string;
  minDailySeconds: number;
  summary: CommuneCompliance;
  rows: ComplianceRow[];
  daily: {
    date: string;
    passed: boolean;
    campaignSeconds: number;
    belowMinimum: boolean;
    topics: DayTopic[];
  }[];
}

/** A record with what it counts for (`GET /reports/communes/:c/records`). */
export interface CountedRecord extends PlayoutRecord {
  date: string;
  inEffect: boolean;
  correctedBySeq: number | null;
  countedSeconds: number;
  countedPlays: number;
}

/** One page of a commune's records, narrowed; `total` and the sums cover every match. */
export interface RecordsPage {
  total: number;
  offset: number;
  limit: number | null;
  airedSeconds: number;
  plays: number;
  records: CountedRecord[];
}

export type DeviceStatus = 'online' | 'offline' | 'never-seen';

/** A speaker cluster (cụm loa) as GET /communes/:commune/devices lists it. */
export type Device = Schemas['DeviceView'];

export type AlertKind =
  'device-offline' | 'cache-incomplete' | 'clock-skew' | 'receipt-refused' | 'dead-air';

/** A fleet alert (GET /communes/:commune/alerts, /provinces/:province/alerts). */
export type FleetAlert = Schemas['AlertView'];

/** A cluster an emergency targeted, by name. */
export type EmergencyDeviceRef = Schemas['EmergencyDeviceRef'];

/** GET /emergencies/:id: the delivery of an emergency, cluster by cluster. */
export type EmergencyReport = Schemas['EmergencyReport'];

/** GET /communes/:commune/emergencies: one of the recent emergencies, with counts. */
export type EmergencySummary = Schemas['EmergencySummary'];

/** Planned versus aired (GET /reports/communes/:commune/reconciliation). */
export type DiscrepancyCode =
  'on-time' | 'late' | 'early' | 'short' | 'missed' | 'cancelled' | 'unscheduled' | 'pending';

export type MissedCause =
  'play-error' | 'not-played' | 'devices-offline' | 'devices-missed' | 'no-devices' | 'no-record';

export interface ReconciliationLine {
  code: DiscrepancyCode;
  scheduleItemId: string | null;
  bulletinId: string | null;
  title: string | null;
  plannedStart: string | null;
  plannedSeconds: number | null;
  itemStatus: ScheduleItemStatus | null;
  recordSeq: number | null;
  replacesSeq: number | null;
  otherSeqs: number[];
  outcome: PlayoutOutcome | null;
  source: PlayoutSource | null;
  airedStart: string | null;
  airedSeconds: number | null;
  offsetSeconds: number | null;
  lateBySeconds: number | null;
  shortBySeconds: number | null;
  causeCode: MissedCause | null;
  cause: string | null;
  devicesTargeted: number | null;
  devicesAired: number | null;
}

export interface ReconciliationReport {
  communeCode: string;
  communeName: string;
  from: string;
  to: string;
  toleranceSeconds: number;
  totals: { code: DiscrepancyCode; count: number; plannedSeconds: number; airedSeconds: number }[];
  plannedSeconds: number;
  airedSeconds: number;
  lines: ReconciliationLine[];
  code: DiscrepancyCode | null;
  page: number;
  pageSize: number;
  lineCount: number;
}

/** The broadcast policy (GET/PUT /provinces/:province/policy, /communes/:commune/policy). */
export interface QuietHours {
  from: string;
  to: string;
}

export interface BroadcastPolicy {
  quietHours: QuietHours | null;
  maxSessionMinutes: number;
  maxDailyMinutes: number;
  unattendedRelaysAtNight: boolean;
}

export type PolicyField = keyof BroadcastPolicy;
export type PolicyOrigin = 'default' | 'province' | 'commune';

export interface PolicyBreach {
  type: 'window' | 'item';
  communeCode: string;
  id: string;
  name?: string;
  startTime?: string;
  durationMinutes?: number;
  bulletinId?: string;
  startsAt?: string;
  endsAt?: string;
  rule: string;
  message: string;
  messageVi: string;
}

export interface PolicyView {
  scope: 'province' | 'commune';
  code: string;
  policy: BroadcastPolicy;
  sources: Record<PolicyField, PolicyOrigin>;
  own: Partial<BroadcastPolicy>;
  inherited: BroadcastPolicy;
  nightHours: QuietHours;
  updatedAt: string | null;
  violations: PolicyBreach[];
}

/** A province's stream source for relays (nguồn tiếp âm). */
export type StreamSource = Schemas['SourceView'];

/** One URL's check: reachable, its format, and the loudness of its first 10 s. */
export interface SourceCheck {
  url: string;
  reachable: boolean;
  codec: string | null;
  sampleRate: number | null;
  channels: number | null;
  loudnessLufs: number | null;
  error: string | null;
}
