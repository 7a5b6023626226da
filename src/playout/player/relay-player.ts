import { Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { viNumber } from '../../common/vi-number';
import { AudioSinks, DecoderProcess } from '../sinks/audio-sinks';
import { SinkTarget } from '../sinks/sink-args';
import { DEAD_AIR_LUFS, DynamicGain, LoudnessMeter } from './loudness-meter';
import { CHUNK_BYTES, CHUNK_MS, PCM_BYTES_PER_SECOND, pcmBytesToMs } from './pcm';
import { PcmSource } from './pcm-source';
import type { PlayControl, PlayResult } from './player';
import { RelaySegment, SegmentContent, SegmentLog, SegmentReason } from './relay-segments';
import { monotonicNow, sleep } from './precise-wait';
import { onOwnSink, OWN_SINK_LEAD_MS, PcmInput, PlacementResult } from './station-output';
/** Each switch may leave this much silence (the next stream connecting) in an `aired` relay. */
const SWITCH_GAP_ALLOWANCE_MS = 2000;
/** A probe of the primary must bring this much audio above the dead-air level to count as back. */
const PROBE_HEALTHY_MS = 2000;

/**
 * Why a relay that ran to its end is not `aired`: how much of it was silence, in whole seconds
 * ("3.600 giây tiếp âm là khoảng lặng …"), for the log's reason that people read.
 */
export function silentTailText(silentMs: number): string {
  return `${viNumber(silentMs / 1000)} giây tiếp âm là khoảng lặng (mọi luồng đều hỏng)`;
}

/** How a relay watches its streams (issue 15's numbers by default; tests may shorten them). */
export interface RelayTiming {
  /** While off the primary, it is tried again this often. */
  primaryCheckMs: number;
  /** Going back to the primary waits this long after the last switch (no flapping). */
  minSwitchMs: number;
  /** A stream that sent audio and then nothing for this long has failed. */
  stallMs: number;
  /** A stream that has sent nothing this long after it was opened has failed. */
  connectMs: number;
  /** Audio a stream must have sent before it goes on air (network jitter). */
  prebufferMs: number;
}

export const RELAY_TIMING: RelayTiming = {
  primaryCheckMs: 10_000,
  minSwitchMs: 30_000,
  stallMs: 3_000,
  connectMs: 6_000,
  prebufferMs: 500,
};

export interface RelayPlan {
  /** Primary first, then the backups, in order. */
  urls: readonly string[];
  /** The source's fallback bulletin, played when every stream failed; null: silence. */
  fallback: { bulletinId: string; renditionPath: string } | null;
  startsAt: Date;
  /** Exactly this much is output, whatever the streams do. */
  durationMs: number;
  target: SinkTarget;
  /** The output's lead over real time: the output reads the relay's first audio this early. */
  leadMs: number;
  /** The station's loudness target; streams are brought to it on the fly. */
  targetLufs: number;
  /** Below −50 LUFS this long is dead air: the stream is left, and `onDeadAir` called. */
  deadAirMs: number;
  timing?: Partial<RelayTiming>;
}

export type RelayControl = PlayControl;

export type RelayResult = PlayResult & { segments: RelaySegment[] };

/** One input of a relay: a stream URL or the fallback bulletin, decoded to PCM. */
class Feed {
  readonly source: PcmSource;
  readonly meter = new LoudnessMeter(CHUNK_MS);
  private readonly openedAt = monotonicNow();
  private lastChunkAt = monotonicNow();
  private flowing = false;
  private probedMs = 0;

  constructor(
    readonly content: SegmentContent,
    /** Position in the source's URL list; null for the fallback bulletin. */
    readonly urlIndex: number | null,
    private readonly decoder: DecoderProcess,
    private readonly timing: RelayTiming,
  ) {
    this.source = new PcmSource(decoder.output);
  }

  /** The next chunk for the air, once the stream has sent its prebuffer. */
  take(): Buffer | undefined {
    if (!this.flowing) {
      const prebuffer = Math.ceil(this.timing.prebufferMs / CHUNK_MS);
      if (this.source.available < prebuffer && !this.source.exhausted) return undefined;
      this.flowing = true;
    }
    const chunk = this.source.take();
    if (chunk) {
      this.lastChunkAt = monotonicNow();
      this.meter.push(chunk);
    }
    return chunk;
  }

  /** A probe reads what the stream sends (and measures it) without airing it. */
  drain(): void {
    for (let chunk = this.source.take(); chunk; chunk = this.source.take()) {
      this.lastChunkAt = monotonicNow();
      this.meter.push(chunk);
      this.probedMs += CHUNK_MS;
    }
  }

  /** A probe that brought enough audio, not dead air. */
  get healthy(): boolean {
    return this.probedMs >= PROBE_HEALTHY_MS && this.meter.shortTerm >= DEAD_AIR_LUFS;
  }

  /** Goes on air after a probe: buffers again before its first chunk. */
  goLive(): void {
    this.flowing = false;
  }

  /** Why this input must be left now, or null while it is fine. */
  failure(deadAirMs: number, now = monotonicNow()): SegmentReason | null {
    if (this.source.exhausted) return this.urlIndex === null ? 'exhausted' : 'failed';
    const sentSomething = this.flowing || this.probedMs > 0;
    if (
      !sentSomething &&
      this.source.available === 0 &&
      now - this.openedAt > this.timing.connectMs
    )
      return 'failed';
    if (
      sentSomething &&
      this.source.available === 0 &&
      now - this.lastChunkAt > this.timing.stallMs
    )
      return 'stalled';
    if (this.urlIndex !== null && this.meter.silentMs >= deadAirMs) return 'dead-air';
    return null;
  }

  kill(): void {
    this.decoder.kill();
  }
}

/**
 * Opens a relay's stream URL as a decoder of raw PCM. The server's (`PinnedStreamPuller`) pulls
 * the stream in Node with the sources' URL rules on every connection and pipes it to ffmpeg;
 * without one, ffmpeg opens the URL itself (`AudioSinks.decodeStream`).
 */
export abstract class StreamPuller {
  abstract open(url: string, timeoutMs: number): DecoderProcess;
}

/**
 * Plays a relay (tiếp âm) for exactly its duration: pulls the source's stream, brings it to the
 * station's loudness on the fly (a slow gain, see `DynamicGain`), and fails over when the stream
 * fails, stalls or carries dead air: the next URL, then the fallback bulletin, then silence. Off
 * the primary, it tries the primary every `primaryCheckMs` and goes back when the primary sends
 * programme again, at most once per `minSwitchMs` after the last switch. Failing over is never
 * delayed. A relay is one input of the commune's continuous output (`StationOutput`); gaps while
 * a stream connects are silence.
 */
@Injectable()
export class RelayPlayer {
  constructor(
    private readonly sinks: AudioSinks,
    private readonly clock: Clock,
    @Optional() private readonly puller?: StreamPuller,
  ) {}

  /**
   * Opens the primary: the input buffers it while it waits on the output, which reads it from
   * its start position on.
   */
  openInput(plan: RelayPlan, control: RelayControl): RelayInput {
    const timing = { ...RELAY_TIMING, ...plan.timing };
    const lateBudgetMs = Math.max(0, plan.startsAt.getTime() - this.clock.nowMs());
    const timeoutMs = lateBudgetMs + plan.durationMs + 60_000;
    const input = new RelayInput(
      plan,
      control,
      timing,
      (url) =>
        this.puller ? this.puller.open(url, timeoutMs) : this.sinks.decodeStream(url, timeoutMs),
      (path) => this.sinks.decode(path, timeoutMs),
    );
    input.open(0, 'start');
    return input;
  }

  /** Opens the primary and buffers it until just before the start (a relay on a sink of its own). */
  async open(plan: RelayPlan, control: RelayControl): Promise<RelayInput> {
    const input = this.openInput(plan, control);
    await input.prefill(plan.startsAt.getTime() - this.clock.nowMs() - plan.leadMs - 50);
    return input;
  }

  /**
   * A relay on a sink of its own (the edge player, which has no station output): a one-item
   * `StationOutput` on that sink, closed after the relay.
   */
  async play(plan: Omit<RelayPlan, 'leadMs'>, control: RelayControl): Promise<RelayResult> {
    const lateBudgetMs = Math.max(0, plan.startsAt.getTime() - this.clock.nowMs());
    return onOwnSink(
      () => this.sinks.open(plan.target, lateBudgetMs + plan.durationMs + 60_000),
      () => this.clock.nowMs(),
      control.signal,
      async (output) => {
        const input = await this.open({ ...plan, leadMs: OWN_SINK_LEAD_MS }, control);
        const placed = await output.place({
          itemId: 'relay',
          title: null,
          priority: 'normal',
          startsAt: plan.startsAt,
          input,
          // As before the output: a relay of its own starts however late it is ready.
          lateToleranceMs: Number.POSITIVE_INFINITY,
          signal: control.signal,
          onStarted: (startedAt) => control.onStarted?.(startedAt),
          onProgress: (playedMs) => control.onProgress?.(playedMs),
        });
        return input.result(placed);
      },
      (error): RelayResult => ({ started: false, error, segments: [] }),
    );
  }
}

/** The state of one relay while it plays: an input of the commune's output. */
export class RelayInput implements PcmInput {
  private current: Feed | null = null;
  private probe: Feed | null = null;
  private fallbackUsed = false;
  private pendingReason: SegmentReason = 'start';
  private readonly log = new SegmentLog();
  private readonly gain: DynamicGain;
  private readonly outputMeter = new LoudnessMeter(CHUNK_MS);
  private deadAirReported = false;
  private switches = 0;
  private readonly totalBytes: number;
  private writtenBytes = 0;
  private lastSwitchAt = 0;
  private nextPrimaryCheck = 0;
  private startedReading = false;

  constructor(
    private readonly plan: RelayPlan,
    private readonly control: RelayControl,
    private readonly timing: RelayTiming,
    private readonly decodeStream: (url: string) => DecoderProcess,
    private readonly decodeFallback: (path: string) => DecoderProcess,
  ) {
    this.gain = new DynamicGain(plan.targetLufs);
    this.totalBytes = Math.round((plan.durationMs * PCM_BYTES_PER_SECOND) / 1000 / 4) * 4; // whole frames
  }

  open(urlIndex: number, reason: SegmentReason): void {
    const url = this.plan.urls[urlIndex];
    this.current = new Feed({ url }, urlIndex, this.decodeStream(url), this.timing);
    this.pendingReason = reason;
  }

  async prefill(untilStartMs: number): Promise<void> {
    const chunks = Math.ceil(this.timing.prebufferMs / CHUNK_MS);
    const source = this.current?.source;
    if (!source) return;
    await Promise.race([source.fill(chunks), sleep(untilStartMs, this.control.signal)]);
  }

  /** The relay's next chunk: the current stream (gain applied), or silence; null after its duration. */
  read(): Buffer | null {
    if (this.writtenBytes >= this.totalBytes) return null;
    const now = monotonicNow();
    if (!this.startedReading) {
      this.startedReading = true;
      this.lastSwitchAt = now;
      this.nextPrimaryCheck = now + this.timing.primaryCheckMs;
    }
    this.watch(now);
    const feed = this.current;
    const chunk = feed?.take();
    let out: Buffer;
    let content: SegmentContent;
    if (chunk && feed) {
      content = feed.content;
      out = feed.urlIndex === null ? chunk : this.gain.apply(chunk, feed.meter.shortTerm);
    } else {
      content = { silence: true };
      out = Buffer.alloc(CHUNK_BYTES);
    }
    out = out.subarray(0, Math.min(out.length, this.totalBytes - this.writtenBytes));
    this.outputMeter.push(out);
    this.log.wrote(
      content,
      this.pendingReason,
      pcmBytesToMs(this.writtenBytes),
      pcmBytesToMs(out.length),
    );
    this.writtenBytes += out.length;
    if (!this.deadAirReported && this.outputMeter.silentMs >= this.plan.deadAirMs) {
      this.deadAirReported = true;
      this.control.onDeadAir?.();
    }
    return out;
  }

  /** Fails over from a failed input, and probes the primary while off it. */
  private watch(now: number): void {
    const { plan } = this;
    const failure = this.current?.failure(plan.deadAirMs, now);
    if (failure) {
      this.failOver(failure);
      // Falling to silence is no switch to hold back the primary's return.
      if (this.current) this.lastSwitchAt = now;
    }
    if (this.current?.urlIndex === 0) return;
    if (!this.probe && now >= this.nextPrimaryCheck) {
      const url = plan.urls[0];
      this.probe = new Feed({ url }, 0, this.decodeStream(url), this.timing);
      this.nextPrimaryCheck = now + this.timing.primaryCheckMs;
    }
    if (!this.probe) return;
    this.probe.drain();
    if (this.probe.failure(plan.deadAirMs, now)) {
      this.probe.kill();
      this.probe = null;
    } else if (
      this.probe.healthy &&
      (this.current === null || now - this.lastSwitchAt >= this.timing.minSwitchMs)
    ) {
      this.current?.kill();
      this.current = this.probe;
      this.current.goLive();
      this.probe = null;
      this.pendingReason = 'primary-back';
      this.switches += 1;
      this.lastSwitchAt = now;
    }
  }

  /** The relay's outcome from what the output aired of it. */
  result(placed: PlacementResult): RelayResult {
    if (!placed.started) return { ...placed, segments: [] };
    const { plan } = this;
    const playedMs = Math.min(this.log.playedMs, placed.playedMs);
    const ranToEnd = placed.completed;
    let error = placed.error;
    const allowanceMs = SWITCH_GAP_ALLOWANCE_MS * (this.switches + 1);
    const completed = ranToEnd && !error && plan.durationMs - playedMs <= allowanceMs;
    if (ranToEnd && !completed && !error) {
      error = silentTailText(plan.durationMs - playedMs);
    }
    return {
      ...placed,
      playedMs,
      completed,
      error,
      segments: this.log.segments(placed.startedAt, placed.endedAt),
    };
  }

  /** Leaves the current input for the next URL, then the fallback bulletin, then silence. */
  private failOver(reason: SegmentReason): void {
    const leaving = this.current;
    leaving?.kill();
    this.current = null;
    this.pendingReason = reason;
    this.switches += 1;
    const nextUrl = leaving?.urlIndex === null ? null : (leaving?.urlIndex ?? -1) + 1;
    if (nextUrl !== null && nextUrl < this.plan.urls.length) {
      // The probe of the primary is already open: it is not opened twice.
      this.open(nextUrl, reason);
      return;
    }
    if (this.plan.fallback && !this.fallbackUsed) {
      this.fallbackUsed = true;
      const { bulletinId, renditionPath } = this.plan.fallback;
      this.current = new Feed(
        { bulletinId },
        null,
        this.decodeFallback(renditionPath),
        this.timing,
      );
    }
  }

  close(): void {
    this.current?.kill();
    this.probe?.kill();
  }
}
