import type { Receipt, ReceiptOutcome } from '../../fleet/protocol/receipts';
import { RelaySegmentView } from '../playout-record.view';

/**
 * Why a stored receipt does not count as airtime: its play could not have happened, or it is
 * signed under another enrolment of the device than the one its item was sent under.
 */
export enum ReceiptRejection {
  /** It ends after the upload was received (beyond the clock's minute). */
  Future = 'future',
  /** It starts too far from the item's planned start (before it, or past the late tolerance). */
  OffTime = 'off-time',
  /** It played longer than the item's audio. */
  TooLong = 'too-long',
  /** Its item was cancelled before the play began. */
  Cancelled = 'cancelled',
  /** Signed with the key of an enrolment that ended (re-keyed or revoked) before its item started. */
  KeyEnded = 'key-ended',
  /** Signed with the key of an enrolment that began after its item ended. */
  KeyNewer = 'key-newer',
  /**
   * An item of the device's commune for zones the device did not have while the item ran (it
   * played from a manifest or cache older than a change of its zones, or the item was never its).
   */
  OtherZones = 'other-zones',
}

/** A receipt kept in the device's chain but not counted, and why. */
export class RejectedReceiptView {
  seq!: number;
  problem!: ReceiptRejection;
  message!: string;
}

export class ReceiptUploadResult {
  /** New receipts stored and counted as airtime. */
  accepted!: number;
  /** Exact copies of receipts stored before (idempotent). */
  duplicates!: number;
  /**
   * Receipts stored in the device's chain (so `lastSeq` passes them and the box need not send
   * them again) but not counted: their play could not have happened, or they are signed under
   * another enrolment than their item's. New ones, and stored ones sent again.
   */
  rejected!: RejectedReceiptView[];
  /** The device's last stored seq (0: none). */
  lastSeq!: number;
}

/** A receipt as served: exactly what the device signed, and when and where the server took it. */
export class ReceiptView implements Receipt {
  deviceId!: string;
  seq!: number;
  scheduleItemId!: string;
  /** UTC instant with three decimals and `Z` (`2026-12-03T07:00:00.000Z`), or null. */
  startedAt!: string | null;
  endedAt!: string | null;
  playedMs!: number;
  outcome!: ReceiptOutcome;
  /** Why it was not aired in full (Vietnamese, for people), or null. */
  reason!: string | null;
  /** A relay's segments (protocol 2), the last key of the canonical form; absent otherwise. */
  segments?: RelaySegmentView[];
  prevHash!: string;
  /** `sha256_hex(prevHash + "\n" + canonical)`. */
  hash!: string;
  /** Base64 of the Ed25519 signature over the 32 raw bytes of `hash`. */
  signature!: string;
  receivedAt!: string;
  /** The commune record that first counted it. */
  recordSeq!: number | null;
}

/**
 * A receipt of a commune's cluster that the server keeps in the cluster's chain but does not
 * count as airtime (docs/device-protocol.md §5, checks 6 and 7), with its item, for the people
 * who look after the cluster.
 */
export class RejectedReceiptListView {
  deviceId!: string;
  /** The cluster's name; null when it was removed since. */
  deviceName!: string | null;
  seq!: number;
  problem!: ReceiptRejection;
  scheduleItemId!: string;
  /** The bulletin the item plays (null for a relay) and its title. */
  bulletinId!: string | null;
  title!: string | null;
  /** The item's planned start (UTC) and its length; null when the item is gone. */
  itemStartsAt!: string | null;
  itemDurationMs!: number | null;
  /** What the cluster signed: UTC with three decimals and `Z`, or null for `missed`. */
  startedAt!: string | null;
  endedAt!: string | null;
  playedMs!: number;
  outcome!: ReceiptOutcome;
  /** When the server received it. */
  receivedAt!: string;
}
