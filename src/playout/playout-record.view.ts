import {
  DeviceCoverage,
  deviceCoverageOf,
  PlayoutOutcome,
  PlayoutRecord,
  PlayoutSource,
} from './entities/playout-record.entity';
import { ApiProperty } from '@nestjs/swagger';
import type { RelaySegment, SegmentReason } from './player/relay-segments';
import { toInstant } from '../database/columns';

/** One stretch of a relay's output: a stream URL, the fallback bulletin, or silence. */
export class RelaySegmentView implements RelaySegment {
  /** The stream played; absent for the fallback bulletin and for silence. */
  url?: string;
  /** The source's fallback bulletin; absent otherwise. */
  bulletinId?: string;
  /** Neither: silence (no stream and no fallback, or the moment a switch takes). */
  @ApiProperty({ type: 'boolean', enum: [true], required: false })
  silence?: true;
  startedAt!: string;
  endedAt!: string;
  reason!: SegmentReason;
}

/**
 * A record as served (DESIGN.md `PlayoutRecord`, plus attempt, title and createdAt). Instants are
 * UTC ISO 8601 with milliseconds and `Z`, exactly as the chain hashes them, so anyone can
 * recompute `hash` from this JSON alone.
 */
export class PlayoutRecordView {
  id!: string;
  communeCode!: string;
  seq!: number;
  scheduleItemId!: string | null;
  attempt!: number;
  bulletinId!: string | null;
  title!: string | null;
  topics!: string[];
  startedAt!: string;
  endedAt!: string;
  playedMs!: number;
  outcome!: PlayoutOutcome;
  source!: PlayoutSource;
  correctsSeq!: number | null;
  reason!: string | null;
  prevHash!: string;
  hash!: string;
  createdAt!: string;
  /** Records built from device receipts: how many targeted devices aired, partly aired, … */
  devices?: DeviceCoverage;
  /** A relay's segments, in the chain (the hash covers them: see `canonicalJson`). */
  segments?: RelaySegmentView[];
}

export function playoutRecordView(record: PlayoutRecord): PlayoutRecordView {
  const devices = deviceCoverageOf(record);
  return {
    id: record.id,
    communeCode: record.communeCode,
    seq: record.seq,
    scheduleItemId: record.scheduleItemId,
    attempt: record.attempt,
    bulletinId: record.bulletinId,
    title: record.title,
    topics: record.topics,
    startedAt: toInstant(record.startedAt),
    endedAt: toInstant(record.endedAt),
    playedMs: record.playedMs,
    outcome: record.outcome,
    source: record.source,
    correctsSeq: record.correctsSeq,
    reason: record.reason,
    prevHash: record.prevHash,
    hash: record.hash,
    createdAt: toInstant(record.createdAt),
    ...(devices ? { devices } : {}),
    ...(record.segments ? { segments: record.segments } : {}),
  };
}
