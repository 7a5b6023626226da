import { Foundation1764100000000 } from './1764100000000-foundation';
import { AudioPipeline1764200000000 } from './1764200000000-audio-pipeline';
import { BulletinsSchedule1764300000000 } from './1764300000000-bulletins-schedule';
import { Playout1764400000000 } from './1764400000000-playout';
import { Reports1764500000000 } from './1764500000000-reports';
import { CorrectionsIndex1764500000001 } from './1764500000001-corrections-index';
import { RollupLayout1764500000002 } from './1764500000002-rollup-layout';
import { MonthlyRollups1764600000000 } from './1764600000000-monthly-rollups';
import { LoudnessWarning1764700000100 } from './1764700000100-loudness-warning';
import { CampaignProvince1764700000200 } from './1764700000200-campaign-province';
import { PlayoutCheckpoints1764700000300 } from './1764700000300-playout-checkpoints';
import { Fleet1764800000000 } from './1764800000000-fleet';
import { ScheduleZones1764900000000 } from './1764900000000-schedule-zones';
import { RenditionSha2561764900000100 } from './1764900000100-rendition-sha256';
import { Emergencies1764900000200 } from './1764900000200-emergencies';
import { FleetAlerts1764900000300 } from './1764900000300-fleet-alerts';
import { DeviceReceipts1764900000400 } from './1764900000400-device-receipts';
import { OfficialReports1764900000500 } from './1764900000500-official-reports';
import { ApiKeys1764900000510 } from './1764900000510-api-keys';
import { StatsFeed1765000000300 } from './1765000000300-stats-feed';
import { BroadcastPolicy1765000000700 } from './1765000000700-broadcast-policy';
import { RelaySources1765000000800 } from './1765000000800-relay-sources';
import { ReceiptSegments1765000001200 } from './1765000001200-receipt-segments';
import { ApprovalReview1765000001500 } from './1765000001500-approval-review';
import { DeviceCoverageIndex1765000002500 } from './1765000002500-device-coverage-index';
import { DropStartedAtIndex1765000002600 } from './1765000002600-drop-started-at-index';
import { AuditSendBackIndex1765000002700 } from './1765000002700-audit-send-back-index';
import { ReceiptRefused1765000002800 } from './1765000002800-receipt-refused';
import { DeviceRevokedAt1765000002900 } from './1765000002900-device-revoked-at';
import { DeviceStatusProblem1765000003150 } from './1765000003150-device-status-problem';
import { EmergencyDeviceEnrolled1765000003250 } from './1765000003250-emergency-device-enrolled';
import { DeviceEnrolments1765000003300 } from './1765000003300-device-enrolments';
import { DeviceCoverageReceiptsIndex1765000003350 } from './1765000003350-device-coverage-receipts-index';
import { DeviceZoneSpans1765000003400 } from './1765000003400-device-zone-spans';
import { ScheduleItemHistory1765000003473 } from './1765000003473-schedule-item-history';
import { BulletinRevision1765000003532 } from './1765000003532-bulletin-revision';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [
  Foundation1764100000000,
  AudioPipeline1764200000000,
  BulletinsSchedule1764300000000,
  Playout1764400000000,
  Reports1764500000000,
  CorrectionsIndex1764500000001,
  RollupLayout1764500000002,
  MonthlyRollups1764600000000,
  LoudnessWarning1764700000100,
  CampaignProvince1764700000200,
  PlayoutCheckpoints1764700000300,
  Fleet1764800000000,
  ScheduleZones1764900000000,
  RenditionSha2561764900000100,
  Emergencies1764900000200,
  FleetAlerts1764900000300,
  DeviceReceipts1764900000400,
  OfficialReports1764900000500,
  ApiKeys1764900000510,
  StatsFeed1765000000300,
  BroadcastPolicy1765000000700,
  RelaySources1765000000800,
  ReceiptSegments1765000001200,
  ApprovalReview1765000001500,
  DeviceCoverageIndex1765000002500,
  DropStartedAtIndex1765000002600,
  AuditSendBackIndex1765000002700,
  ReceiptRefused1765000002800,
  DeviceRevokedAt1765000002900,
  DeviceStatusProblem1765000003150,
  EmergencyDeviceEnrolled1765000003250,
  DeviceEnrolments1765000003300,
  DeviceCoverageReceiptsIndex1765000003350,
  DeviceZoneSpans1765000003400,
  ScheduleItemHistory1765000003473,
  BulletinRevision1765000003532,
];
