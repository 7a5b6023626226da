import { createPrivateKey, KeyObject, sign, verify } from 'node:crypto';
import { chainLinkHash, GENESIS_HASH } from '../../common/chain-link';
import { devicePublicKey } from './identity';
import type { Parsed } from './payloads';

/**
 * Play receipts: what a speaker cluster played, one per item, in the device's own hash chain and
 * signed with its Ed25519 key (docs/device-protocol.md, "Play receipts"). The edge player makes
 * them with `sealReceipt`; the server checks them with `receiptProblem` and `parseReceipt`.
 */
export const RECEIPT_OUTCOMES = ['aired', 'partial', 'missed'] as const;
export type ReceiptOutcome = (typeof RECEIPT_OUTCOMES)[number];

/** The fields the hash covers, in the order of the canonical form. */
export interface ReceiptFields {
  deviceId: string;
  seq: number;
  scheduleItemId: string;
  /** UTC instant with three decimals and `Z` (`2026-12-03T07:00:00.000Z`), or null. */
  startedAt: string | null;
  endedAt: string | null;
  playedMs: number;
  outcome: ReceiptOutcome;
  /** Why it was not aired in full (Vietnamese, for people), or null. */
  reason: string | null;
}

export interface Receipt extends ReceiptFields {
  prevHash: string;
  /** `sha256_hex(prevHash + "\n" + canonical)`. */
  hash: string;
  /** Base64 of the Ed25519 signature over the 32 raw bytes of `hash`. */
  signature: string;
}

export const RECEIPT_GENESIS_HASH = GENESIS_HASH;
export const MAX_RECEIPT_REASON_LENGTH = 500;
/** Receipts in one `POST /devices/:id/receipts`. */
export const MAX_RECEIPTS_PER_BATCH = 500;

const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX_HASH = /^[0-9a-f]{64}$/;
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

/** An instant as receipts write it: `toISOString()` (UTC, three decimals, `Z`), or null. */
export function receiptInstant(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

/** JSON without whitespace, exactly these keys in this order, null when absent. */
export function receiptCanonical(fields: ReceiptFields): string {
  return JSON.stringify({
    deviceId: fields.deviceId,
    seq: fields.seq,
    scheduleItemId: fields.scheduleItemId,
    startedAt: fields.startedAt ?? null,
    endedAt: fields.endedAt ?? null,
    playedMs: fields.playedMs,
    outcome: fields.outcome,
    reason: fields.reason ?? null,
  });
}

export function receiptHash(prevHash: string, fields: ReceiptFields): string {
  return chainLinkHash(prevHash, receiptCanonical(fields));
}

/** A device's private key from its PKCS#8 PEM (as the edge player keeps it). */
export function devicePrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** The next receipt of a device's chain: `previous` is its last receipt (null for seq 1). */
export function sealReceipt(
  previous: Pick<Receipt, 'seq' | 'hash'> | null,
  fields: Omit<ReceiptFields, 'seq'>,
  privateKey: KeyObject,
): Receipt {
  const chained: ReceiptFields = {
    deviceId: fields.deviceId,
    seq: previous ? previous.seq + 1 : 1,
    scheduleItemId: fields.scheduleItemId,
    startedAt: fields.startedAt,
    endedAt: fields.endedAt,
    playedMs: fields.playedMs,
    outcome: fields.outcome,
    reason: fields.reason,
  };
  const prevHash = previous ? previous.hash : RECEIPT_GENESIS_HASH;
  const hash = receiptHash(prevHash, chained);
  const signature = sign(null, Buffer.from(hash, 'hex'), privateKey).toString('base64');
  return { ...chained, prevHash, hash, signature };
}

/**
 * Why a well-formed receipt is not genuine (its hash does not match its content, or its
 * signature is not the device's), or null. The chain link (`prevHash` is the hash of the
 * device's receipt `seq - 1`) is the caller's to check: it needs the stored chain.
 */
export function receiptProblem(receipt: Receipt, publicKey: KeyObject | string): string | null {
  if (receiptHash(receipt.prevHash, receipt) !== receipt.hash) {
    return 'hash does not match the receipt';
  }
  if (receipt.seq === 1 && receipt.prevHash !== RECEIPT_GENESIS_HASH) {
    return 'prevHash of seq 1 must be 64 zeros';
  }
  const key = typeof publicKey === 'string' ? devicePublicKey(publicKey) : publicKey;
  const signed = verify(
    null,
    Buffer.from(receipt.hash, 'hex'),
    key,
    Buffer.from(receipt.signature, 'base64'),
  );
  return signed ? null : 'signature is not the device key’s';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInstantOrNull(value: unknown): value is string | null {
  return (
    value === null ||
    (typeof value === 'string' &&
      CANONICAL_INSTANT.test(value) &&
      !Number.isNaN(Date.parse(value)) &&
      new Date(value).toISOString() === value)
  );
}

function isShortId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64;
}

/** A receipt as JSON gives it (shape only: see `receiptProblem` for the hash and signature). */
export function parseReceipt(raw: unknown): Parsed<Receipt> {
  const fail = (error: string): Parsed<Receipt> => ({ ok: false, error });
  if (!isObject(raw)) return fail('receipt must be a JSON object');
  if (!isShortId(raw.deviceId)) return fail('deviceId must be a non-empty string');
  if (typeof raw.seq !== 'number' || !Number.isSafeInteger(raw.seq) || raw.seq < 1) {
    return fail('seq must be an integer from 1');
  }
  if (!isShortId(raw.scheduleItemId)) return fail('scheduleItemId must be a non-empty string');
  if (!isInstantOrNull(raw.startedAt) || !isInstantOrNull(raw.endedAt)) {
    return fail(
      'startedAt and endedAt must be UTC instants like 2026-12-03T07:00:00.000Z, or null',
    );
  }
  if (typeof raw.playedMs !== 'number' || !Number.isSafeInteger(raw.playedMs) || raw.playedMs < 0) {
    return fail('playedMs must be an integer from 0');
  }
  if (!(RECEIPT_OUTCOMES as readonly unknown[]).includes(raw.outcome)) {
    return fail(`outcome must be one of ${RECEIPT_OUTCOMES.join(', ')}`);
  }
  if (
    raw.reason !== null &&
    (typeof raw.reason !== 'string' || raw.reason.length > MAX_RECEIPT_REASON_LENGTH)
  ) {
    return fail(
      `reason must be null or a string of at most ${MAX_RECEIPT_REASON_LENGTH} characters`,
    );
  }
  if (typeof raw.prevHash !== 'string' || !HEX_HASH.test(raw.prevHash)) {
    return fail('prevHash must be 64 lower-case hex digits');
  }
  if (typeof raw.hash !== 'string' || !HEX_HASH.test(raw.hash)) {
    return fail('hash must be 64 lower-case hex digits');
  }
  if (typeof raw.signature !== 'string' || !SIGNATURE.test(raw.signature)) {
    return fail('signature must be the base64 of 64 bytes');
  }
  return {
    ok: true,
    value: {
      deviceId: raw.deviceId,
      seq: raw.seq,
      scheduleItemId: raw.scheduleItemId,
      startedAt: raw.startedAt,
      endedAt: raw.endedAt,
      playedMs: raw.playedMs,
      outcome: raw.outcome as ReceiptOutcome,
      reason: raw.reason,
      prevHash: raw.prevHash,
      hash: raw.hash,
      signature: raw.signature,
    },
  };
}
