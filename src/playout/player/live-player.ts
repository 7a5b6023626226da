import { Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AudioSinks } from '../sinks/audio-sinks';
import { SinkTarget } from '../sinks/sink-args';
import { LiveInput } from './live-input';
import { PCM_BYTES_PER_SECOND } from './pcm';
import type { PlayControl, PlayResult } from './player';
import { onOwnSink, PcmInput, PlacementResult, PreemptedBy } from './station-output';
import { StationOutputs } from './station-outputs';

/** Speech gathered before the session is placed: absorbs the network's jitter (10 × 20 ms). */
const JITTER_CHUNKS = 10;
/** Speech queued beyond this is dropped, oldest first, so the delay stays bounded. */
const MAX_QUEUED_CHUNKS = 50;

export interface LivePlan {
  /** The session's id on the output (`live-<session>`) and what it is called there. */
  itemId: string;
  communeCode: string;
  title: string;
  target: SinkTarget;
  /** The longest a session may run; the output takes it off there. */
  maxMs: number;
}

/** A live session's outcome: a player's result, and what cut it when something did. */
export type LiveResult = PlayResult & { preemptedBy?: PreemptedBy };

/**
 * Live speech as an input of the commune's output: what arrived, silence while the speaker's
 * audio is late (so the output keeps time), the oldest dropped when it would make the delay grow;
 * ends when the speaker stops and the queue is drained, or at `maxMs`.
 */
class LivePcmInput implements PcmInput {
  private readBytes = 0;

  constructor(
    private readonly speech: LiveInput,
    private readonly maxBytes: number,
  ) {}

  read(): Buffer | null | undefined {
    if (this.readBytes >= this.maxBytes) return null;
    this.speech.dropOldest(MAX_QUEUED_CHUNKS);
    const chunk = this.speech.take();
    if (!chunk) return this.speech.ended ? null : undefined;
    const out = chunk.subarray(0, Math.min(chunk.length, this.maxBytes - this.readBytes));
    this.readBytes += out.length;
    return out;
  }

  /** Taken off at `maxMs` with speech still coming (the session ran to its longest). */
  get cutAtMax(): boolean {
    return this.readBytes >= this.maxBytes && !(this.speech.ended && this.speech.available === 0);
  }

  close(): void {
    this.speech.end();
  }
}

/**
 * Plays live speech (a `LiveInput`) at rank `live`: on the server, on the commune's continuous
 * output, where it cuts into a normal or priority item at the next chunk and an emergency cuts
 * into it; on an edge player, on a sink of its own (the player's holds rank it there). Placed
 * once a little speech is queued, at the output's current position (the lead is its only delay).
 */
@Injectable()
export class LivePlayer {
  constructor(
    private readonly sinks: AudioSinks,
    private readonly clock: Clock,
    /** The server's commune outputs (the worker role); an edge player has none. */
    @Optional() private readonly outputs?: StationOutputs,
  ) {}

  /** On the commune's continuous output (the server). */
  play(plan: LivePlan, input: LiveInput, control: PlayControl): Promise<LiveResult> {
    const outputs = this.outputs;
    if (!outputs) throw new Error('Live speech on a commune output needs the station outputs');
    return this.run(plan.maxMs, input, control, (speech) =>
      outputs.place(
        { itemId: plan.itemId, communeCode: plan.communeCode, title: plan.title, priority: 'live' },
        plan.target,
        this.clock.now(),
        plan.maxMs,
        speech,
        control,
        // Speech starts where the output is, however far its lead has written.
        Number.POSITIVE_INFINITY,
      ),
    );
  }

  /**
   * On a sink of its own (the edge player, which has no station output): a one-item
   * `StationOutput` on that sink, closed after the speech.
   */
  playOnOwnSink(
    plan: Pick<LivePlan, 'target' | 'maxMs'>,
    input: LiveInput,
    control: PlayControl,
  ): Promise<LiveResult> {
    return this.run(plan.maxMs, input, control, (speech) =>
      onOwnSink(
        () => this.sinks.open(plan.target, plan.maxMs + 60_000),
        () => this.clock.nowMs(),
        control.signal,
        (output) =>
          output.place({
            itemId: 'live',
            title: null,
            priority: 'live',
            startsAt: this.clock.now(),
            input: speech,
            lateToleranceMs: Number.POSITIVE_INFINITY,
            signal: control.signal,
            onStarted: (startedAt) => control.onStarted?.(startedAt),
            onProgress: (playedMs) => control.onProgress?.(playedMs),
          }),
        (error): PlacementResult => {
          speech.close();
          return { started: false, error };
        },
      ),
    );
  }

  private async run(
    maxMs: number,
    input: LiveInput,
    control: PlayControl,
    place: (speech: LivePcmInput) => Promise<PlacementResult>,
  ): Promise<LiveResult> {
    await input.fill(JITTER_CHUNKS, control.signal);
    if (control.signal.aborted || input.available === 0) return { started: false };
    const maxBytes = Math.round((maxMs * PCM_BYTES_PER_SECOND) / 1000 / 4) * 4;
    const speech = new LivePcmInput(input, maxBytes);
    const placed = await place(speech);
    if (!placed.started) return placed;
    return {
      started: true,
      startedAt: placed.startedAt,
      endedAt: placed.endedAt,
      playedMs: placed.playedMs,
      completed: placed.completed && !speech.cutAtMax,
      startErrorMs: 0,
      error: placed.error,
      preemptedBy: placed.preemptedBy,
    };
  }
}
