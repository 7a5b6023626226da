/**
 * Why a relay's output changed to what a segment plays: `start` the first, `failed` the stream
 * before it ended or broke, `stalled` it stopped sending, `dead-air` it went quiet,
 * `primary-back` the primary came back, `exhausted` the fallback bulletin ended.
 */
export const SEGMENT_REASONS = [
  'start',
  'failed',
  'stalled',
  'dead-air',
  'primary-back',
  'exhausted',
] as const;
export type SegmentReason = (typeof SEGMENT_REASONS)[number];

/** One stretch of a relay's output: a stream URL, the fallback bulletin, or silence. */
export interface RelaySegment {
  /** The stream played; absent for the fallback bulletin and for silence. */
  url?: string;
  /** The source's fallback bulletin; absent otherwise. */
  bulletinId?: string;
  /** Neither: silence (no stream and no fallback, or the moment a switch takes). */
  silence?: true;
  startedAt: string;
  endedAt: string;
  reason: SegmentReason;
}

export type SegmentContent = { url: string } | { bulletinId: string } | { silence: true };

function sameContent(a: SegmentContent, b: SegmentContent): boolean {
  if ('url' in a) return 'url' in b && a.url === b.url;
  if ('bulletinId' in a) return 'bulletinId' in b && a.bulletinId === b.bulletinId;
  return 'silence' in b;
}

interface OpenSegment {
  content: SegmentContent;
  reason: SegmentReason;
  fromMs: number;
  toMs: number;
}

/**
 * The segments of a relay, built from the audio the player writes: positions are milliseconds of
 * output from the first audio, so the segments tile the output exactly and match the archive.
 * Consecutive writes of the same content extend one segment; `playedMs` counts only programme
 * (streams and the fallback bulletin), never silence.
 */
export class SegmentLog {
  private readonly closed: OpenSegment[] = [];
  private current: OpenSegment | null = null;
  private programmeMs = 0;

  /** `ms` of output from `content`; `reason` says why it began, when it begins here. */
  wrote(content: SegmentContent, reason: SegmentReason, fromMs: number, ms: number): void {
    if (!('silence' in content)) this.programmeMs += ms;
    if (this.current && sameContent(this.current.content, content)) {
      this.current.toMs = fromMs + ms;
      return;
    }
    // A new segment begins where the last one ended, whatever rounding the caller's sums carry.
    const from = this.current?.toMs ?? fromMs;
    if (this.current) this.closed.push(this.current);
    this.current = { content, reason, fromMs: from, toMs: fromMs + ms };
  }

  get playedMs(): number {
    return this.programmeMs;
  }

  /** The content on air now, if any. */
  get onAir(): SegmentContent | null {
    return this.current?.content ?? null;
  }

  /**
   * The segments of the relay that began at `startedAt` and ended at `endedAt` (the record's
   * times): those that began before its end, the last one ending with it. The output's last chunk
   * may run a millisecond past the end its placement measured (positions are rounded sums of
   * chunks); a record whose segments end after it would not tile.
   */
  segments(startedAt: Date, endedAt: Date): RelaySegment[] {
    const all = this.current ? [...this.closed, this.current] : this.closed;
    const endMs = endedAt.getTime() - startedAt.getTime();
    const at = (ms: number): string => new Date(Math.round(startedAt.getTime() + ms)).toISOString();
    return all
      .filter((segment) => Math.round(segment.fromMs) < endMs)
      .map((segment) => ({
        ...segment.content,
        startedAt: at(segment.fromMs),
        endedAt: at(Math.min(segment.toMs, endMs)),
        reason: segment.reason,
      }));
  }
}
