/**
 * The API's answers, as the web app reads them: aliases of the types generated from the API
 * document (api-types.ts, `npm run api:types`), and by hand what the document does not describe yet.
 */
import type { components } from './api-types';

type Schemas = components['schemas'];

export type Role = 'admin' | 'monitor' | 'operator' | 'approver';

export type User = Schemas['UserView'];

/** Free times a new item of a bulletin would fit in, earliest first (`GET …/schedule/slots`). */
export type BulletinSlots = Schemas['BulletinSlotsView'];

/** A window occurrence an item could move to: its earliest free time and every free start. */
export type FreeSlot = Schemas['FreeSlotView'];

/** Where an item could move, one entry per window occurrence (`GET …/items/:id/slots`). */
export type FreeSlots = Schemas['FreeSlotsView'];

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

/** A bulletin as the read routes give it: a draft waiting again says how it was sent back. */
export type ListedBulletin = Schemas['BulletinWithSendBacksView'];

export type Person = Schemas['PersonView'];

export type ApprovalItem = Schemas['ApprovalItemView'];

export type SendBackHistory = Schemas['SendBackHistoryView'];

export type ApprovalInbox = Schemas['ApprovalInboxView'];

export type ApprovalSummary = Schemas['ApprovalSummaryView'];

export type ReviewDecision = 'approve' | 'send-back';

export type ReviewResult = Schemas['ReviewResultView'];

/** A bulletin edited since the reviewer's page showed it (409 `BULLETIN_CHANGED`). */
export type ChangedBulletin = Schemas['ChangedBulletinView'];

export type UserNotice = Schemas['NoticeView'];

export type NoticeList = Schemas['NoticeListView'];

export type Reading = Schemas['Reading'];

export type ReadingPreview = Schemas['ReadingPreview'];

export type BroadcastWindow = Schemas['WindowView'];

/** A window as the list and the read give it: with what of the policy in force it breaks. */
export type ListedWindow = Schemas['WindowWithPolicyView'];

/** A rule of the broadcast policy in force that an item or a window breaks, checked when read. */
export type BreachedRule = Schemas['PolicyBreachView'];

export type ScheduleItemStatus =
  'planned' | 'dispatched' | 'aired' | 'partial' | 'failed' | 'missed' | 'cancelled';

export type ScheduleItem = Schemas['ScheduleItemView'];

export type PlannedItem = Schemas['PlanItemView'];

export type Shortfall = Schemas['Shortfall'];

export type ShortfallReason = Shortfall['reason'];

/** What stopped the planner, precisely (see src/schedule/shortfall-groups.ts). */
export type ShortfallCause = ShortfallGroup['cause'];

export type ShortfallFix = ShortfallGroup['fix'];
export type AddBulletinsFix = Extract<ShortfallFix, { action: 'add-bulletins' }>;

/** One line of the plan preview: the shortfalls of one rule with one cause, and the fix. */
export type ShortfallGroup = Schemas['ShortfallGroup'];

export type PlanResult = Schemas['PlanView'];

/** `GET …/schedule/gaps`: the program log against the campaign, judged as the planner judges it. */
export type GapsView = Schemas['GapsView'];

/** One day of a range against the campaign's daily minimum. */
export type DayProgress = Schemas['DayProgress'];

/** `POST /provinces/:province/schedule/plan`: a line a commune. */
export type ProvincePlanResult = Schemas['ProvincePlanView'];

export type CommunePlanLine = Schemas['CommunePlanLine'];

export type PlanPolicyLimit = Schemas['PolicyLimitView'];

export type PlayoutOutcome = 'aired' | 'partial' | 'failed' | 'missed';
export type PlayoutSource = 'automation' | 'operator' | 'import' | 'devices' | 'live';

export type PlayoutRecord = Schemas['PlayoutRecordView'];

export type LiveStatus = Schemas['LiveStatus'];

export type OpenedLive = Schemas['OpenedLive'];

/** A signed checkpoint of a commune's chain (GET …/playout-log/checkpoints). */
export type Checkpoint = Schemas['CheckpointView'];

export type ChainVerdict = Schemas['ChainIntactView'] | Schemas['ChainBrokenView'];

export type ImportResult = Schemas['ImportResultView'];

/**
 * A record refused by its checks (PLAYOUT_RECORD_INVALID): the rule and the values it names. An
 * import's refused row of that code carries the same fields.
 */
export type RecordRefusal = Schemas['RecordRefusalView'];

export type RecordRule = Schemas['RecordRule'];

/** A record's other refusals, on a post or an import's row: the values each code names. */
export type TimeOutOfRange = Schemas['TimeOutOfRangeView'];
export type ItemTimeMismatch = Schemas['ItemTimeMismatchView'];
export type UnknownTopics = Schemas['UnknownTopicsView'];
export type Overlap = Schemas['OverlapView'];
export type CorrectionRefusal = Schemas['CorrectionRefusalView'];

export type ComplianceRow = Schemas['ComplianceRow'];

/** A row's targets pro rata over the range's passed days (before today), and whether they are met. */
export type TopicToDate = Schemas['TopicToDate'];

/** How much of a report's range is over: the days before today, the last of them. */
export interface RangeProgress {
  days: number;
  daysPassed: number;
  through: string | null;
}

export type ComplianceReport = Schemas['ComplianceReport'];

export type ChainState = Schemas['ChainState'];

export type CampaignStatusName = 'not-started' | 'on-track' | 'behind' | 'met' | 'not-met';

export type CommuneCompliance = Schemas['CommuneCompliance'];

export type DayTopic = Schemas['DayTopic'];

export type ProvinceSummary = Schemas['ProvinceSummary'];

export type UpliftRow = Schemas['UpliftRow'];

export type UpliftReport = Schemas['UpliftReport'];

export type CommuneDetail = Schemas['CommuneDetail'];

/** A record with what it counts for (`GET /reports/communes/:c/records`). */
export type CountedRecord = Schemas['RecordsReportRecord'];

/** One page of a commune's records, narrowed; `total` and the sums cover every match. */
export type RecordsPage = Schemas['RecordsReport'];

export type DeviceStatus = 'online' | 'offline' | 'never-seen';

/** A speaker cluster (cụm loa) as GET /communes/:commune/devices lists it. */
export type Device = Schemas['DeviceView'];
export type DeviceChange = Schemas['DeviceChangeView'];
export type DeviceZoneItem = Schemas['DeviceZoneItem'];

/** A cluster's single-use enrolment code, as issuing a new one gives it. */
export type EnrolmentCode = Schemas['NewEnrolmentCode'];

/** A cluster just registered, with its single-use enrolment code. */
export type CreatedDevice = Schemas['CreatedDeviceView'];

export type AlertKind =
  'device-offline' | 'cache-incomplete' | 'clock-skew' | 'receipt-refused' | 'dead-air';

/**
 * A receipt a cluster sent that the server keeps but does not count as airtime, with its item
 * (GET /communes/:commune/rejected-receipts).
 */
export type RejectedReceipt = Schemas['RejectedReceiptListView'];

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

export type ReconciliationLine = Schemas['ReconciliationLine'];

export type ReconciliationReport = Schemas['ReconciliationReport'];

/** The broadcast policy (GET/PUT /provinces/:province/policy, /communes/:commune/policy). */
export type QuietHours = Schemas['QuietHoursView'];

export type BroadcastPolicy = Schemas['BroadcastPolicyView'];

export type PolicyField = keyof BroadcastPolicy;
export type PolicyOrigin = 'default' | 'province' | 'commune';

export type PolicyBreach = PolicyView['violations'][number];

export type PolicyView = Schemas['PolicyView'];

/** A province's stream source for relays (nguồn tiếp âm). */
export type StreamSource = Schemas['SourceView'];

/** One URL's check: reachable, its format, and the loudness of its first 10 s. */
export type SourceCheck = Schemas['SourceCheckResult'];

/** An official report's draft: its words, editable before issuing (numbers never are). */
export type OfficialDraft = Schemas['OfficialDraftView'];

export type OfficialText = OfficialDraft['text'];

/** One action of the audit trail (`GET /audit`, admins). */
export type AuditEvent = Schemas['AuditEventView'];
