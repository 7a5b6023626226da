/** The API's answers, as the web app reads them (see DESIGN.md and /api/docs). */

export type Role = 'admin' | 'monitor' | 'operator' | 'approver';

export interface User {
  id: string;
  username: string;
  role: Role;
  displayName: string | null;
  communeCode: string | null;
  provinceCode: string | null;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
  user: User;
}

export interface Topic {
  code: string;
  name: string;
  description: string | null;
}

export interface CampaignRule {
  topic: string;
  minSecondsPerWeek?: number;
  minPlaysPerWeek?: number;
}

export interface Campaign {
  code: string;
  name: string;
  description: string | null;
  /** null: national (admins edit it); else the province whose monitors edit it. */
  provinceCode: string | null;
  startsOn: string;
  endsOn: string;
  rules: CampaignRule[];
  minDailySeconds: number;
  /** Against the server's today. */
  status: CampaignStatus;
}

export type CampaignStatus = 'running' | 'ended' | 'upcoming';

export interface Province {
  code: string;
  name: string;
  fullName: string;
}

export interface Commune {
  code: string;
  name: string;
  kind: 'xa' | 'phuong' | 'dac-khu';
  provinceCode: string;
}

export type AudioStatus = 'queued' | 'processing' | 'ready' | 'failed';

export interface AudioAsset {
  id: string;
  status: AudioStatus;
  progress: number;
  durationMs: number | null;
  integratedLufs: number | null;
  truePeakDbtp: number | null;
  /** `too-quiet`: the rendition stays below the target (see loudnessWarningText). */
  loudnessWarning: LoudnessWarning | null;
  targetLufs: number | null;
  error: string | null;
}

export type LoudnessWarning = 'too-quiet';

/** What the loudspeakers get when the recording could not reach the target. */
export interface AudioLoudnessWarning {
  warning: LoudnessWarning;
  integratedLufs: number;
  targetLufs: number;
}

export type BulletinPriority = 'normal' | 'priority' | 'emergency';
export type BulletinStatus = 'draft' | 'approved' | 'archived';

export interface Bulletin {
  id: string;
  communeCode: string | null;
  provinceCode: string;
  library: boolean;
  title: string;
  body: string | null;
  topics: string[];
  audioId: string;
  audioStatus: AudioStatus | null;
  audioLoudnessWarning: AudioLoudnessWarning | null;
  durationMs: number | null;
  priority: BulletinPriority;
  status: BulletinStatus;
  approvedBy: string | null;
  approvedAt: string | null;
  /** The approver sent the draft back: when and why. */
  sentBack?: { at: string; by: string | null; reason: string | null } | null;
  createdAt: string;
}

export interface Person {
  id: string;
  username: string;
  displayName: string | null;
}

export interface ApprovalItem extends Bulletin {
  submittedBy: Person | null;
}

export interface ApprovalInbox {
  count: number;
  items: ApprovalItem[];
}

export interface ApprovalSummary {
  communeCode: string;
  waiting: number;
  sentBack: number;
  approvers: Person[];
}

export type ReviewDecision = 'approve' | 'send-back';

export interface ReviewResult {
  decision: ReviewDecision;
  changed: number;
  alreadyApproved: string[];
  bulletins: Bulletin[];
}

export interface UserNotice {
  id: string;
  kind: 'bulletin.approved' | 'bulletin.sent-back';
  bulletinId: string | null;
  title: string;
  reason: string | null;
  actorName: string | null;
  createdAt: string;
  read: boolean;
}

export interface NoticeList {
  unread: number;
  items: UserNotice[];
}

export interface Reading {
  written: string;
  spoken: string;
}

export interface ReadingPreview {
  cleaned: string;
  spoken: string;
  readings: Reading[];
}

export interface BroadcastWindow {
  id: string;
  communeCode: string;
  name: string;
  daysOfWeek: number[];
  startTime: string;
  endTime: string;
  durationMinutes: number;
  validFrom: string | null;
  validTo: string | null;
}

export type ScheduleItemStatus =
  'planned' | 'dispatched' | 'aired' | 'partial' | 'failed' | 'missed' | 'cancelled';

export interface ScheduleItem {
  id: string;
  communeCode: string;
  /** null for a relay (tiếp âm), whose title is "Tiếp âm: <tên nguồn>". */
  bulletinId: string | null;
  sourceId: string | null;
  title: string | null;
  topics: string[];
  priority: BulletinPriority | null;
  startsAt: string;
  endsAt: string;
  durationMs: number;
  status: ScheduleItemStatus;
  source: 'manual' | 'planner' | 'emergency';
  /** The zones the item goes to; null: every cluster of the commune. */
  zones: string[] | null;
  cancelReason: string | null;
}

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

export interface PlayoutRecord {
  id: string;
  communeCode: string;
  seq: number;
  scheduleItemId: string | null;
  bulletinId: string | null;
  title: string | null;
  topics: string[];
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: PlayoutOutcome;
  source: PlayoutSource;
  correctsSeq: number | null;
  reason: string | null;
  prevHash: string;
  hash: string;
}

/** A signed checkpoint of a commune's chain (GET …/playout-log/checkpoints). */
export interface Checkpoint {
  communeCode: string;
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
  signature: string;
}

export type ChainVerdict =
  { ok: true; count: number } | { ok: false; brokenAtSeq: number; checkpoint?: Checkpoint };

export interface ImportResult {
  id: string;
  imported: number;
  duplicates: number;
  replayed: boolean;
}

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
export interface Device {
  id: string;
  communeCode: string;
  name: string;
  zones: string[];
  status: DeviceStatus;
  lastSeenAt: string | null;
  playing: { scheduleItemId: string; startedAt: string } | null;
  volume: number | null;
  power: 'on' | 'off' | null;
  version: string | null;
  enrolled: boolean;
}

export type AlertKind =
  'device-offline' | 'cache-incomplete' | 'clock-skew' | 'receipt-refused' | 'dead-air';

/** A fleet alert (GET /communes/:commune/alerts, /provinces/:province/alerts). */
export interface FleetAlert {
  id: string;
  kind: AlertKind;
  communeCode: string;
  communeName: string;
  deviceId: string | null;
  message: string;
  since: string;
  clearedAt: string | null;
}

/** A cluster an emergency targeted, by name. */
export interface EmergencyDeviceRef {
  deviceId: string;
  name: string;
  communeCode: string;
}

/** GET /emergencies/:id: the delivery of an emergency, cluster by cluster. */
export interface EmergencyReport {
  id: string;
  scope: 'commune' | 'province';
  bulletinId: string;
  zones: string[] | null;
  createdAt: string;
  endsAt: string;
  running: boolean;
  targeted: (EmergencyDeviceRef & { onlineWhenSent: boolean })[];
  acknowledged: (EmergencyDeviceRef & {
    acknowledgedAt: string;
    ok: boolean;
    error: string | null;
  })[];
  started: (EmergencyDeviceRef & { startedAt: string })[];
  offline: EmergencyDeviceRef[];
}

/** GET /communes/:commune/emergencies: one of the recent emergencies, with counts. */
export interface EmergencySummary {
  id: string;
  scope: 'commune' | 'province';
  bulletinId: string;
  zones: string[] | null;
  createdAt: string;
  endsAt: string;
  running: boolean;
  targeted: number;
  acknowledged: number;
  started: number;
}

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
export interface StreamSource {
  id: string;
  provinceCode: string;
  name: string;
  /** Primary first, then the backups. */
  urls: string[];
  fallbackBulletinId: string | null;
}

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
