import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AudioSinks, SinkOutput } from '../sinks/audio-sinks';
import { closeSink } from '../sinks/close-sink';
import { SinkTarget } from '../sinks/sink-args';
import { LoudnessMeter } from './loudness-meter';
import { CHUNK_MS, pcmBytesToMs } from './pcm';
import { PcmSource } from './pcm-source';
import { monotonicNow, sleep, waitUntil } from './precise-wait';

/** Audio written ahead of real time, so the sink never starves. */
const LEAD_MS = 100;
/** Audio decoded before the start, so the first write has something to send at once. */
const PREFILL_CHUNKS = 25;
const PROGRESS_EVERY_MS = 1000;
/** A decoder that has produced nothing by then is broken. */
const DECODE_START_TIMEOUT_MS = 5000;

export interface PlayPlan {
  renditionPath: string;
  startsAt: Date;
  target: SinkTarget;
  /** The rendition's duration, for the processes' timeouts. */
  durationMs: number;
  /** Output below −50 LUFS this long is dead air (`onDeadAir`); absent: not watched. */
  deadAirMs?: number;
}

export interface PlayControl {
  /** Aborting stops the play (before output: it never starts); the reason is kept. */
  signal: AbortSignal;
  /** The first audio reached the sink. */
  onStarted?(startedAt: Date): void;
  onProgress?(playedMs: number): void;
  /** The output has been dead air for the plan's `deadAirMs` (called once per play). */
  onDeadAir?(): void;
}

export type PlayResult =
  | { started: false; error?: string }
  | {
      started: true;
      startedAt: Date;
      endedAt: Date;
      playedMs: number;
      /** The whole rendition aired. */
      completed: boolean;
      /** How late the first audio reached the sink (negative: early). */
      startErrorMs: number;
      error?: string;
    };

/**
 * Plays one rendition on time. Ahead of the start it spawns the decoder and the sink and decodes
 * the first half second, so process start-up is not in the start error; at `startsAt` (waited on
 * the monotonic clock) it writes the first audio to the sink and records that instant as
 * `startedAt`, then paces raw PCM in real time until the end, an abort or a sink failure.
 */
@Injectable()
export class Player {
  private readonly logger = new Logger(Player.name);

  constructor(
    private readonly sinks: AudioSinks,
    private readonly clock: Clock,
  ) {}

  async play(plan: PlayPlan, control: PlayControl): Promise<PlayResult> {
    const lateBudgetMs = Math.max(0, plan.startsAt.getTime() - this.clock.nowMs());
    const timeoutMs = lateBudgetMs + plan.durationMs + 60000;
    let sink: SinkOutput;
    try {
      sink = this.sinks.open(plan.target, timeoutMs);
    } catch (error) {
      return { started: false, error: `The sink could not open: ${(error as Error).message}` };
    }
    const decoder = this.sinks.decode(plan.renditionPath, timeoutMs);
    const source = new PcmSource(decoder.output);
    try {
      const untilStart = plan.startsAt.getTime() - this.clock.nowMs() - 50;
      await Promise.race([source.fill(PREFILL_CHUNKS), sleep(untilStart, control.signal)]);
      if (source.available === 0) {
        await Promise.race([source.fill(1), sleep(DECODE_START_TIMEOUT_MS, control.signal)]);
      }
      if (control.signal.aborted) return { started: false };
      if (source.available === 0) {
        decoder.kill();
        const exit = await decoder.exited;
        return {
          started: false,
          error: `The audio could not be decoded: ${exit.stderrTail || 'no audio'}`,
        };
      }
      if (!sink.running) {
        const exit = await sink.exited;
        return { started: false, error: `The sink stopped before the start: ${exit.stderrTail}` };
      }
      const target = monotonicNow() + (plan.startsAt.getTime() - this.clock.nowMs());
      if (!(await waitUntil(target, control.signal))) return { started: false };
      return await this.output(plan, control, sink, source, target);
    } finally {
      decoder.kill();
      if (sink.running) sink.kill();
    }
  }

  private async output(
    plan: PlayPlan,
    control: PlayControl,
    sink: SinkOutput,
    source: PcmSource,
    target: number,
  ): Promise<PlayResult> {
    let writtenBytes = 0;
    let sinkError: string | undefined;
    sink.input.once('error', (error: Error) => (sinkError ??= error.message));
    const first = source.take();
    const t0 = monotonicNow();
    if (first) {
      sink.input.write(first);
      writtenBytes += first.length;
    }
    const startErrorMs = t0 - target;
    const startedAt = new Date(plan.startsAt.getTime() + Math.round(startErrorMs));
    control.onStarted?.(startedAt);
    let lastProgress = 0;
    const elapsed = (): number => monotonicNow() - t0;
    const meter = new LoudnessMeter(CHUNK_MS);
    let deadAirReported = plan.deadAirMs === undefined;
    if (first) meter.push(first);

    while (!control.signal.aborted && sink.running && !sinkError) {
      const due = elapsed() + LEAD_MS;
      while (pcmBytesToMs(writtenBytes) < due && source.available > 0) {
        const chunk = source.take()!;
        sink.input.write(chunk);
        meter.push(chunk);
        writtenBytes += chunk.length;
      }
      if (!deadAirReported && meter.silentMs >= plan.deadAirMs!) {
        deadAirReported = true;
        control.onDeadAir?.();
      }
      if (source.exhausted) break;
      if (source.available === 0 && pcmBytesToMs(writtenBytes) < elapsed()) {
        this.logger.warn(`Decoder behind real time on ${plan.renditionPath}`);
      }
      if (elapsed() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = elapsed();
        control.onProgress?.(Math.min(pcmBytesToMs(writtenBytes), Math.round(lastProgress)));
      }
      await sleep(CHUNK_MS, control.signal);
    }
    const totalMs = pcmBytesToMs(writtenBytes);
    if (source.exhausted && !control.signal.aborted && !sinkError && sink.running) {
      // Everything is written; the last of it airs when real time catches up.
      await waitUntil(t0 + totalMs, control.signal);
    }
    const completed =
      source.exhausted && !control.signal.aborted && !sinkError && elapsed() >= totalMs;
    const playedMs = completed ? totalMs : Math.max(0, Math.min(totalMs, Math.round(elapsed())));
    const sinkEnd = await closeSink(sink, { clean: completed, aborted: control.signal.aborted });
    const error = sinkError ?? source.failure?.message ?? sinkEnd;
    return {
      started: true,
      startedAt,
      endedAt: new Date(startedAt.getTime() + playedMs),
      playedMs,
      completed: completed && !error,
      startErrorMs,
      error,
    };
  }
}
