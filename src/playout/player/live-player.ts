import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AudioSinks, SinkOutput } from '../sinks/audio-sinks';
import { closeSink } from '../sinks/close-sink';
import { SinkTarget } from '../sinks/sink-args';
import { LiveInput } from './live-input';
import { CHUNK_BYTES, CHUNK_MS, pcmBytesToMs } from './pcm';
import type { PlayControl, PlayResult } from './player';
import { monotonicNow, sleep } from './precise-wait';

/** Speech gathered before the first write: absorbs the network's jitter (10 × 20 ms). */
const JITTER_CHUNKS = 10;
/** Audio written ahead of real time, as the player does. */
const LEAD_MS = 100;
/** Speech queued beyond this is dropped, oldest first, so the delay stays bounded. */
const MAX_QUEUED_CHUNKS = 50;
const SILENCE = Buffer.alloc(CHUNK_BYTES);

export interface LivePlan {
  target: SinkTarget;
  /** The longest a session may run; the output stops there. */
  maxMs: number;
}

/**
 * Plays live speech (a `LiveInput`) to a sink in real time: starts once a little speech is
 * queued, writes what arrived and silence when the speaker's audio is late (so the output keeps
 * time), and drops what would make the delay grow. Ends when the input ends and is drained, on an
 * abort (preemption, shutdown), at `maxMs`, or when the sink fails. The seam of live speech in
 * the player: whatever owns the output engine plays a `LiveInput` at priority `live`.
 */
@Injectable()
export class LivePlayer {
  constructor(
    private readonly sinks: AudioSinks,
    private readonly clock: Clock,
  ) {}

  async play(plan: LivePlan, input: LiveInput, control: PlayControl): Promise<PlayResult> {
    let sink: SinkOutput;
    try {
      sink = this.sinks.open(plan.target, plan.maxMs + 60000);
    } catch (error) {
      return { started: false, error: `The sink could not open: ${(error as Error).message}` };
    }
    try {
      await input.fill(JITTER_CHUNKS, control.signal);
      if (control.signal.aborted || input.available === 0) return { started: false };
      if (!sink.running) {
        const exit = await sink.exited;
        return { started: false, error: `The sink stopped before the start: ${exit.stderrTail}` };
      }
      return await this.output(plan, input, control, sink);
    } finally {
      if (sink.running) sink.kill();
    }
  }

  private async output(
    plan: LivePlan,
    input: LiveInput,
    control: PlayControl,
    sink: SinkOutput,
  ): Promise<PlayResult> {
    let sinkError: string | undefined;
    sink.input.once('error', (error: Error) => (sinkError ??= error.message));
    const startedAt = this.clock.now();
    const t0 = monotonicNow();
    control.onStarted?.(startedAt);
    const elapsed = (): number => monotonicNow() - t0;
    let writtenBytes = 0;
    let drained = false;
    while (!control.signal.aborted && sink.running && !sinkError && elapsed() < plan.maxMs) {
      input.dropOldest(MAX_QUEUED_CHUNKS);
      const due = Math.min(elapsed() + LEAD_MS, plan.maxMs);
      while (pcmBytesToMs(writtenBytes) < due) {
        const chunk = input.take() ?? (input.ended ? undefined : SILENCE);
        if (!chunk) break;
        sink.input.write(chunk);
        writtenBytes += chunk.length;
      }
      if (input.ended && input.available === 0) {
        drained = true;
        break;
      }
      control.onProgress?.(Math.min(pcmBytesToMs(writtenBytes), Math.round(elapsed())));
      await sleep(CHUNK_MS, control.signal);
    }
    const totalMs = pcmBytesToMs(writtenBytes);
    if (!control.signal.aborted && !sinkError && sink.running) {
      // What is written airs when real time catches up; then the sink closes cleanly.
      await sleep(Math.max(0, totalMs - elapsed()), control.signal);
    }
    const playedMs = Math.max(0, Math.min(totalMs, Math.round(elapsed())));
    const aborted = control.signal.aborted;
    const sinkEnd = await closeSink(sink, { clean: !aborted && sink.running, aborted });
    const error = sinkError ?? sinkEnd;
    return {
      started: true,
      startedAt,
      endedAt: new Date(startedAt.getTime() + playedMs),
      playedMs,
      completed: drained && !control.signal.aborted && !error,
      startErrorMs: 0,
      error,
    };
  }
}
