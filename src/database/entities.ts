import { ApiKey } from '../auth/entities/api-key.entity';
import { OfficialReportDraft } from '../reports/official/entities/official-report-draft.entity';
import { SigningCertificate } from '../reports/official/entities/signing-certificate.entity';
import { AuditEvent } from '../auth/entities/audit-event.entity';
import { BulletinTopic } from '../bulletins/entities/bulletin-topic.entity';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { Alert } from '../fleet/entities/alert.entity';
import { DeviceCommand } from '../fleet/entities/device-command.entity';
import { DeviceEnrolment } from '../fleet/entities/device-enrolment.entity';
import { DeviceZoneSpan } from '../fleet/entities/device-zone-span.entity';
import { EmergencyDevice } from '../fleet/entities/emergency-device.entity';
import { Emergency } from '../fleet/entities/emergency.entity';
import { Device } from '../fleet/entities/device.entity';
import { DevicePresence } from '../fleet/entities/device-presence.entity';
import { StatsPushDelivery } from '../reports/stats/entities/stats-push-delivery.entity';
import { StatsPushTarget } from '../reports/stats/entities/stats-push-target.entity';
import { AudioAsset } from '../media/entities/audio-asset.entity';
import { DeviceReceipt } from '../playout/entities/device-receipt.entity';
import { PlayoutChain } from '../playout/entities/playout-chain.entity';
import { PlayoutCheckpoint } from '../playout/entities/playout-checkpoint.entity';
import { PlayoutClaim } from '../playout/entities/playout-claim.entity';
import { PlayoutImport } from '../playout/entities/playout-import.entity';
import { PlayoutRecordTopic } from '../playout/entities/playout-record-topic.entity';
import { PlayoutRecord } from '../playout/entities/playout-record.entity';
import {
  AirtimeDaily,
  AirtimeDailySet,
  AirtimeRollupState,
  AirtimeTopicSet,
  AirtimeMonthly,
} from '../reports/entities/airtime-daily.entity';
import {
  CampaignAirtimeDaily,
  CampaignAirtimeMonthly,
} from '../reports/entities/campaign-airtime.entity';
import { ChainCheck } from '../reports/entities/chain-check.entity';
import { BroadcastPolicyRecord } from '../schedule/entities/broadcast-policy.entity';
import { BroadcastWindow } from '../schedule/entities/broadcast-window.entity';
import { CommuneSchedule } from '../schedule/entities/commune-schedule.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { StreamSource } from '../sources/entities/stream-source.entity';
import { Topic } from '../topics/entities/topic.entity';
import { User } from '../users/entities/user.entity';
import { UserNotice } from '../notices/entities/user-notice.entity';
import { AppSetting } from './app-setting.entity';

/** Every entity of the schema, in one list (the service and standalone tools share it). */
export const ENTITIES = [
  AppSetting,
  User,
  AuditEvent,
  Topic,
  Campaign,
  AudioAsset,
  Bulletin,
  BulletinTopic,
  BroadcastWindow,
  BroadcastPolicyRecord,
  ScheduleItem,
  CommuneSchedule,
  PlayoutRecord,
  PlayoutRecordTopic,
  PlayoutChain,
  PlayoutCheckpoint,
  PlayoutImport,
  PlayoutClaim,
  AirtimeDaily,
  AirtimeDailySet,
  AirtimeRollupState,
  AirtimeTopicSet,
  AirtimeMonthly,
  CampaignAirtimeDaily,
  CampaignAirtimeMonthly,
  ChainCheck,
  Device,
  DeviceEnrolment,
  DeviceZoneSpan,
  DeviceReceipt,
  DeviceCommand,
  Alert,
  Emergency,
  EmergencyDevice,
  OfficialReportDraft,
  SigningCertificate,
  ApiKey,
  DevicePresence,
  StatsPushTarget,
  StatsPushDelivery,
  StreamSource,
  UserNotice,
];
