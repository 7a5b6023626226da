import type { Receipt, ReceiptOutcome } from '../../fleet/protocol/receipts';
import { RelaySegmentView } from '../playout-record.view';

export class ReceiptUploadResult {
  /** New receipts stored. */
  accepted!: number;
  /** Exact copies of receipts stored before (idempotent). */
  duplicates!: number;
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
