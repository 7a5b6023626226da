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

/** Why a relay's output changed to what a segment plays (docs/device-protocol.md). */
export const RECEIPT_SEGMENT_REASONS = [
  'start',
  'failed',
  'stalled',
  'dead-air',
  'primary-back',
  'exhausted',
] as const;
export type ReceiptSegmentReason = (typeof RECEIPT_SEGMENT_REASONS)[number];

/**
 * One stretch of a relay's output (protocol 2): exactly one of `url` (a stream), `bulletinId`
 * (the fallback bulletin) or `silence: true`, then its span and why it began.
 */
export interface ReceiptSegment {
  url?: string;
  bulletinId?: string;
  silence?: true;
  startedAt: string;
  endedAt: string;
  reason: ReceiptSegmentReason;
}

/** Segments one receipt may carry (a relay switches at most every few seconds). */
export const MAX_RECEIPT_SEGMENTS = 200;
const MAX_SEGMENT_URL_LENGTH = 2000;

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
  /** A relay's segments (protocol 2), the last key of the canonical form; absent otherwise. */
  segments?: ReceiptSegment[];
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

/** A segment's canonical keys: its content (`url`, `bulletinId` or `silence`), then its span. */
function canonicalSegment(segment: ReceiptSegment): ReceiptSegment {
  const content =
    segment.url !== undefined
      ? { url: segment.url }
      : segment.bulletinId !== undefined
        ? { bulletinId: segment.bulletinId }
        : { silence: true as const };
  return {
    ...content,
    startedAt: segment.startedAt,
    endedAt: segment.endedAt,
    reason: segment.reason,
  };
}

/**
 * JSON without whitespace, exactly these keys in this order, null when absent; `segments` is a
 * last key only when the receipt has them (protocol 2), so a protocol 1 receipt hashes as before.
 */
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
    ...(fields.segments ? { segments: fields.segments.map(canonicalSegment) } : {}),
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
    ...(fields.segments ? { segments: fields.segments.map(canonicalSegment) } : {}),
  };
  const prevHash = previous ? previous.hash : RECEIPT_GENESIS_HASH;
  const hash = receiptHash(prevHash, chained);
  const signature = sign(null, Buffer.from(hash, 'hex'), privateKey).toString('base64');
  return { ...chained, prevHash, hash, signature };
}

/**
 * A receipt the server keeps in the box's chain but does not count as airtime, as the answer to
 * an upload lists it in `rejected` (docs/device-protocol.md §5, checks 6 and 7): it is signed
 * with the key of another enrolment than the one its item was sent under, or its play could not
 * have happened as reported. The box does not send it again.
 */
export interface ReceiptRejectionNotice {
  seq: number;
  /**
   * `key-ended`, `key-newer`, `future`, `off-time`, `too-long`, `cancelled` (a newer server may
   * add others).
   */
  problem: string;
  /** The server's English detail. */
  message: string;
}

/** The `rejected` entries of an upload's answer; malformed entries are left out. */
export function receiptRejections(answer: unknown): ReceiptRejectionNotice[] {
  const list = isObject(answer) ? answer.rejected : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) =>
    isObject(entry) && Number.isInteger(entry.seq) && typeof entry.problem === 'string'
      ? [
          {
            seq: entry.seq as number,
            problem: entry.problem,
            message: typeof entry.message === 'string' ? entry.message : '',
          },
        ]
      : [],
  );
}

/**
 * Where the server's copy of a cluster's receipt chain ends (`receiptChain` of the enrolment's
 * answer and of `GET /devices/me`): the last stored receipt's seq and hash, `0` and 64 zeros
 * while none is stored. The chain is the cluster's, not a box's: a box that holds nothing of it
 * (a replaced box, a wiped journal) seals its first receipt with `seq` = `lastSeq + 1` and
 * `prevHash` = `lastHash` (docs/device-protocol.md § 5).
 */
export interface ReceiptChainHead {
  lastSeq: number;
  lastHash: string;
}

export const EMPTY_RECEIPT_CHAIN: ReceiptChainHead = {
  lastSeq: 0,
  lastHash: RECEIPT_GENESIS_HASH,
};

/** The `receiptChain` of a server's answer, or null when it has none or a malformed one. */
export function receiptChainHead(answer: unknown): ReceiptChainHead | null {
  const head = isObject(answer) ? answer.receiptChain : undefined;
  if (!isObject(head)) return null;
  const { lastSeq, lastHash } = head;
  if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0) return null;
  if (typeof lastHash !== 'string' || !HEX_HASH.test(lastHash)) return null;
  if (lastSeq === 0 && lastHash !== RECEIPT_GENESIS_HASH) return null;
  return { lastSeq, lastHash };
}

/**
 * Why a well-formed receipt's content is not what its hash says (or seq 1 does not start the
 * chain), or null. Whose key signed it is `receiptSignedBy`'s question.
 */
export function receiptContentProblem(receipt: Receipt): string | null {
  if (receiptHash(receipt.prevHash, receipt) !== receipt.hash) {
    return 'hash does not match the receipt';
  }
  if (receipt.seq === 1 && receipt.prevHash !== RECEIPT_GENESIS_HASH) {
    return 'prevHash of seq 1 must be 64 zeros';
  }
  return null;
}

/** Whether the receipt's signature over its hash is by this public key's private key. */
export function receiptSignedBy(receipt: Receipt, publicKey: KeyObject | string): boolean {
  const key = typeof publicKey === 'string' ? devicePublicKey(publicKey) : publicKey;
  return verify(
    null,
    Buffer.from(receipt.hash, 'hex'),
    key,
    Buffer.from(receipt.signature, 'base64'),
  );
}

/**
 * Why a well-formed receipt is not genuine (its hash does not match its content, or its
 * signature is not the device's), or null. The chain link (`prevHash` is the hash of the
 * device's receipt `seq - 1`) is the caller's to check: it needs the stored chain.
 */
export function receiptProblem(receipt: Receipt, publicKey: KeyObject | string): string | null {
  const content = receiptContentProblem(receipt);
  if (content) return content;
  return receiptSignedBy(receipt, publicKey) ? null : 'signature is not the device key’s';
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

function isCanonicalInstant(value: unknown): value is string {
  return value !== null && isInstantOrNull(value);
}

/** Why a receipt's `segments` are malformed, or null. */
function segmentsProblem(segments: unknown): string | null {
  if (!Array.isArray(segments) || segments.length > MAX_RECEIPT_SEGMENTS) {
    return `segments must be a list of at most ${MAX_RECEIPT_SEGMENTS}`;
  }
  for (const [index, segment] of segments.entries()) {
    const fail = (why: string) => `segments[${index}]: ${why}`;
    if (!isObject(segment)) return fail('not an object');
    const contents = ['url', 'bulletinId', 'silence'].filter((key) => segment[key] !== undefined);
    if (contents.length !== 1) return fail('needs exactly one of url, bulletinId, silence');
    if (
      segment.url !== undefined &&
      (typeof segment.url !== 'string' ||
        segment.url.length === 0 ||
        segment.url.length > MAX_SEGMENT_URL_LENGTH)
    ) {
      return fail(`url must be a string of at most ${MAX_SEGMENT_URL_LENGTH} characters`);
    }
    if (segment.bulletinId !== undefined && !isShortId(segment.bulletinId)) {
      return fail('bulletinId must be a non-empty string');
    }
    if (segment.silence !== undefined && segment.silence !== true) {
      return fail('silence must be true');
    }
    if (!isCanonicalInstant(segment.startedAt) || !isCanonicalInstant(segment.endedAt)) {
      return fail('startedAt and endedAt must be UTC instants like 2026-12-03T07:00:00.000Z');
    }
    if (Date.parse(segment.endedAt) < Date.parse(segment.startedAt)) {
      return fail('endedAt is before startedAt');
    }
    if (!(RECEIPT_SEGMENT_REASONS as readonly unknown[]).includes(segment.reason)) {
      return fail(`reason must be one of ${RECEIPT_SEGMENT_REASONS.join(', ')}`);
    }
    const extra = Object.keys(segment).filter(
      (key) => !['url', 'bulletinId', 'silence', 'startedAt', 'endedAt', 'reason'].includes(key),
    );
    if (extra.length > 0) return fail(`unknown key ${extra[0]}`);
  }
  return null;
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
  if (raw.segments !== undefined) {
    const problem = segmentsProblem(raw.segments);
    if (problem) return fail(problem);
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
      ...(raw.segments !== undefined
        ? {
            segments: (raw.segments as ReceiptSegment[]).map(canonicalSegment),
          }
        : {}),
      prevHash: raw.prevHash,
      hash: raw.hash,
      signature: raw.signature,
    },
  };
}
