import { hash } from 'node:crypto';
import { chainLinkHash, GENESIS_HASH } from '../common/chain-link';
import { toInstant } from '../database/columns';
import type { ChainBrokenView, ChainIntactView } from './chain-verdict.view';
import type { PlayoutOutcome, PlayoutSource } from './entities/playout-record.entity';
import type { RelaySegment } from './player/relay-segments';

/** `prevHash` of a commune's first record. */
export { GENESIS_HASH };

/** The fields of a record the chain covers (DESIGN.md, "The as-run hash chain"). */
export interface ChainFields {
  communeCode: string;
  seq: number;
  scheduleItemId: string | null;
  bulletinId: string | null;
  topics: readonly string[];
  startedAt: Date;
  endedAt: Date;
  playedMs: number;
  outcome: PlayoutOutcome;
  source: PlayoutSource;
  correctsSeq: number | null;
  /** A relay's segments; absent or null for every other record (and every older record). */
  segments?: readonly RelaySegment[] | null;
}

export interface ChainedRecord extends ChainFields {
  prevHash: string;
  hash: string;
}

/**
 * Topic codes in the order the chain uses: code-unit (for ASCII codes, byte) order, no repeats.
 * A new array; codes already in that order (a record's, each time it is written again) are
 * copied without the set and the sort.
 */
export function sortTopics(topics: readonly string[]): string[] {
  if (isSortedSet(topics)) return topics.slice();
  return [...new Set(topics)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A segment in canonical key order: what played (url, bulletinId or silence), when, why. */
function canonicalSegment(segment: RelaySegment): Record<string, unknown> {
  const what =
    segment.url !== undefined
      ? { url: segment.url }
      : segment.bulletinId !== undefined
        ? { bulletinId: segment.bulletinId }
        : { silence: true };
  return {
    ...what,
    startedAt: segment.startedAt,
    endedAt: segment.endedAt,
    reason: segment.reason,
  };
}

/** The fields of a record's canonical JSON after its commune and seq (see `canonicalTail`). */
export type TailFields = Omit<ChainFields, 'communeCode' | 'seq'>;

/**
 * The canonical JSON of a record: no spaces, keys in exactly this order, topics sorted, instants
 * as UTC ISO 8601 with milliseconds and `Z`, absent values as `null`. A relay's record adds one
 * last key, `segments`, so what it relayed is as tamper-evident as its times; a record without
 * segments (every record before relays existed) has exactly the DESIGN.md form, so old chains
 * verify unchanged. Written as its head (commune and seq) and its tail (every other field), so
 * that a record's content key and its chain hash share the tail (`canonicalTail`).
 */
export function canonicalJson(record: ChainFields): string {
  return canonicalHead(record.communeCode, record.seq) + canonicalTail(record);
}

/** `{"communeCode":…,"seq":…`: the start of the canonical JSON. */
function canonicalHead(communeCode: string, seq: number): string {
  return `{"communeCode":${JSON.stringify(communeCode)},"seq":${JSON.stringify(seq)}`;
}

/**
 * The rest of the canonical JSON after `seq`, from `,"scheduleItemId":` to the closing brace.
 * The same for a record's content key (seq 0) and its place in the chain: a record prepared once
 * carries it to the ledger, which hashes it without writing the record's JSON again.
 */
export function canonicalTail(record: TailFields): string {
  const fields = canonicalFields(record);
  if (record.segments === undefined || record.segments === null) return `${fields}}`;
  return `${fields},"segments":${JSON.stringify(record.segments.map(canonicalSegment))}}`;
}

/** `canonicalTail` of the record as if it had no segments (what a content key covers). */
export function canonicalTailWithoutSegments(record: TailFields): string {
  return `${canonicalFields(record)}}`;
}

/**
 * The tail's fields up to `correctsSeq`, written piece by piece: what `JSON.stringify` of them as
 * one object gives, without the object built for each record and its keys walked (a content key
 * with its tail 11–12 → 5–6 µs a record, 2 × AMD EPYC, node 20). Each value goes through
 * `JSON.stringify` for its escaping; an instant is ASCII digits and signs, quoted as it is.
 */
function canonicalFields(record: TailFields): string {
  const topics = record.topics;
  return (
    `,"scheduleItemId":${jsonOrNull(record.scheduleItemId)}` +
    `,"bulletinId":${jsonOrNull(record.bulletinId)}` +
    `,"topics":${JSON.stringify(isSortedSet(topics) ? topics : sortTopics(topics))}` +
    `,"startedAt":"${toInstant(record.startedAt)}","endedAt":"${toInstant(record.endedAt)}"` +
    `,"playedMs":${JSON.stringify(record.playedMs)}` +
    `,"outcome":${JSON.stringify(record.outcome)},"source":${JSON.stringify(record.source)}` +
    `,"correctsSeq":${jsonOrNull(record.correctsSeq)}`
  );
}

/** A value as `JSON.stringify` writes it inside an object, `null` for an absent one. */
function jsonOrNull(value: string | number | null | undefined): string {
  return value === null || value === undefined ? 'null' : JSON.stringify(value);
}

/** True when `topics` is already in `sortTopics` order (strictly increasing: no repeats). */
function isSortedSet(topics: readonly string[]): boolean {
  for (let index = 1; index < topics.length; index += 1) {
    if (!(topics[index - 1] < topics[index])) return false;
  }
  return true;
}

/** One-shot `crypto.hash`: half the cost of a Hash object for a record's few hundred bytes. */
function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** `sha256_hex(prevHash + "\n" + canonical)`. */
export function chainHash(prevHash: string, record: ChainFields): string {
  return chainLinkHash(prevHash, canonicalJson(record));
}

/** `chainHash` of a record whose `canonicalTail` is known. */
export function chainHashOfTail(
  prevHash: string,
  communeCode: string,
  seq: number,
  tail: string,
): string {
  return chainLinkHash(prevHash, canonicalHead(communeCode, seq) + tail);
}

/**
 * A key for "the same record", whatever its place in the chain: the canonical form with `seq` 0,
 * plus the reason. Two posts of the same record make one.
 */
export function contentKey(record: Omit<ChainFields, 'seq'>, reason: string | null): string {
  return contentKeyOfTail(record.communeCode, canonicalTail(record), reason);
}

/** `contentKey` of a record whose `canonicalTail` is known. */
export function contentKeyOfTail(communeCode: string, tail: string, reason: string | null): string {
  return sha256Hex(`${canonicalHead(communeCode, 0)}${tail}\n${reason ?? ''}`);
}

/** False too when a stored field no longer reads as a value (an instant that is not one). */
function hashMatches(prevHash: string, record: ChainedRecord): boolean {
  try {
    return chainHash(prevHash, record) === record.hash;
  } catch {
    return false;
  }
}

/** The verdict on a chain (the two classes say what each side holds). */
export type ChainVerdict = ChainIntactView | ChainBrokenView;

/**
 * Walks a commune's chain record by record in seq order (so a long chain streams). A record
 * breaks the chain when its seq is not the next number, its prevHash is not the previous hash,
 * or its hash does not match its content.
 */
export class ChainWalker {
  private previous = GENESIS_HASH;
  private count = 0;
  private brokenAt: number | null = null;

  /** How many records chained well, from seq 1. */
  get chained(): number {
    return this.count;
  }

  /** The hash of the last record that chained well (64 zeros before any). */
  get lastHash(): string {
    return this.previous;
  }

  /** Feeds the next record; false once the chain is broken. */
  next(record: ChainedRecord): boolean {
    if (this.brokenAt !== null) return false;
    const expectedSeq = this.count + 1;
    if (record.seq !== expectedSeq) {
      this.brokenAt = expectedSeq;
    } else if (record.prevHash !== this.previous || !hashMatches(this.previous, record)) {
      this.brokenAt = record.seq;
    } else {
      this.previous = record.hash;
      this.count = expectedSeq;
    }
    return this.brokenAt === null;
  }

  /** `expectedCount` (the chain head's last seq) catches records cut off the end. */
  verdict(expectedCount?: number): ChainVerdict {
    if (this.brokenAt !== null) return { ok: false, brokenAtSeq: this.brokenAt };
    if (expectedCount !== undefined && expectedCount !== this.count) {
      return { ok: false, brokenAtSeq: this.count + 1 };
    }
    return { ok: true, count: this.count };
  }
}

/** Verifies a whole chain given in seq order. */
export function verifyChain(
  records: Iterable<ChainedRecord>,
  expectedCount?: number,
): ChainVerdict {
  const walker = new ChainWalker();
  for (const record of records) {
    if (!walker.next(record)) break;
  }
  return walker.verdict(expectedCount);
}
