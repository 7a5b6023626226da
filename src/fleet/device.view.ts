import { DeviceViewStatus } from './dto/device.dto';
import { DeviceCommand } from './entities/device-command.entity';
import type { EnrolmentEnding } from './entities/device-enrolment.entity';
import { ItemSummary } from '../schedule/window.view';

/** The last status message of a cluster that the server could not take. */
export class StatusProblemView {
  /** When it came (the server's clock). */
  at!: string;
  /** What was wrong with it, in English (`volume must be an integer from 0 to 100`, `not JSON`). */
  problem!: string;
}

export class DeviceView {
  id!: string;
  communeCode!: string;
  name!: string;
  zones!: string[];
  location!: { lat: number; lon: number; note: string | null } | null;
  status!: DeviceViewStatus;
  lastSeenAt!: string | null;
  playing!: { scheduleItemId: string; startedAt: string } | null;
  clockSkewMs!: number | null;
  cachedUntil!: string | null;
  volume!: number | null;
  power!: 'on' | 'off' | null;
  version!: string | null;
  publicKey!: string | null;
  enrolled!: boolean;
  enrolledAt!: string | null;
  /**
   * The last status message the server could not take, or null. It is the latest thing heard
   * from the cluster when `at` is not before `lastSeenAt`.
   */
  lastStatusProblem!: StatusProblemView | null;
}

/** A future item a cluster edit or deletion would leave with no cluster (`DEVICE_ZONE_HAS_ITEMS`). */
export class DeviceZoneItem extends ItemSummary {
  /** The zones the item goes to; null: the whole commune. */
  zones!: string[] | null;
}

/** A cluster after an edit, and the future items the edit cancelled (`?dropItems=true`). */
export class DeviceChangeView extends DeviceView {
  droppedItems!: DeviceZoneItem[];
}

/**
 * One enrolment of a cluster: the key its receipts of the items sent under it are checked with,
 * and when it held.
 */
export class EnrolmentView {
  /** 1, 2, … in the order the cluster enrolled. */
  seq!: number;
  /** Base64 of the 32-byte Ed25519 public key it enrolled with. */
  publicKey!: string;
  enrolledAt!: string;
  /** When it ended; null while it holds. */
  endedAt!: string | null;
  /** How it ended: `re-keyed` (a new enrolment code was issued), `revoked`; null while it holds. */
  endedBy!: EnrolmentEnding | null;
}

export class NewEnrolmentCode {
  enrolmentCode!: string;
  enrolmentExpiresAt!: string;
}

/** `POST /communes/:commune/devices`: the new device and its one-time enrolment code. */
export class CreatedDeviceView extends NewEnrolmentCode {
  id!: string;
  name!: string;
  zones!: string[];
}

/**
 * Where the server's copy of the cluster's receipt chain ends. The chain is the cluster's, across
 * its enrolments and boxes: a box that holds nothing of it (a replaced box, a wiped journal)
 * seals its first receipt with `seq` = `lastSeq + 1` and `prevHash` = `lastHash`.
 */
export class ReceiptChainView {
  /** The last stored receipt's seq; 0 while none is stored. */
  lastSeq!: number;
  /** The last stored receipt's hash; 64 zeros while none is stored. */
  lastHash!: string;
}

export class EnrolmentResult {
  deviceId!: string;
  communeCode!: string;
  apiToken!: string;
  mqtt!: { url: string; username: string; password: string };
  /** Where the cluster's receipt chain ends: a box holding nothing of it goes on from there. */
  receiptChain!: ReceiptChainView;
}

/** The cluster as its own box reads it (`GET /devices/me`). */
export class DeviceSelfView extends DeviceView {
  /** Where the cluster's receipt chain ends: a box holding nothing of it goes on from there. */
  receiptChain!: ReceiptChainView;
}

export class CommandView {
  id!: string;
  deviceId!: string;
  type!: DeviceCommand['type'];
  params!: Record<string, unknown>;
  createdAt!: string;
  acknowledgedAt!: string | null;
  ok!: boolean | null;
  error!: string | null;
}
