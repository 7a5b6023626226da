import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AudioSinks, DecoderProcess, SinkOutput } from '../sinks/audio-sinks';
import { SinkTarget } from '../sinks/sink-args';
import { LoudnessMeter } from './loudness-meter';
import { CHUNK_MS } from './pcm';
import { PcmSource } from './pcm-source';
import type { PlayControl, PlayPlan, PlayResult } from './player';
import { RelayPlan, RelayPlayer, RelayResult } from './relay-player';
import {
  NO_AUDIO,
  OutputPriority,
  PcmInput,
  PlacementResult,
  PreemptedBy,
  StationOutput,
} from './station-output';

/** A continuous sink runs until the service stops (the longest timer Node keeps). */
const CONTINUOUS_TIMEOUT_MS = 2 ** 31 - 1;

/** What the output needs to know of an item besides its audio. */
export interface OutputItem {
  itemId: string;
  communeCode: string;
  title: string;
  priority: OutputPriority;
}

/** What a play on the continuous output did (a player's result, with the output's measures). */
export type OutputPlayResult = PlayResult &
  (
    | { started: false; missed?: boolean }
    | {
        started: true;
        preemptedBy?: PreemptedBy;
        arrivalMs: number;
      }
  );

/** A bulletin's rendition as an input of the output; watches its own output for dead air. */
class RenditionInput implements PcmInput {
  private readonly meter = new LoudnessMeter(CHUNK_MS);
  private deadAirReported: boolean;

  constructor(
    readonly source: PcmSource,
    private readonly decoder: DecoderProcess,
    private readonly deadAirMs: number | undefined,
    private readonly onDeadAir: (() => void) | undefined,
  ) {
    this.deadAirReported = deadAirMs === undefined;
  }

  read(): Buffer | null | undefined {
    const chunk = this.source.take();
    if (!chunk) return this.source.exhausted ? null : undefined;
    this.meter.push(chunk);
    if (!this.deadAirReported && this.meter.silentMs >= this.deadAirMs!) {
      this.deadAirReported = true;
      this.onDeadAir?.();
    }
    return chunk;
  }

  close(): void {
    this.decoder.kill();
  }
}

/**
 * The server's commune outputs: one `StationOutput` a commune and sink, opened at its first item
 * and kept running (silence between items) until the service stops. Every input (a bulletin's
 * rendition, a relay, live speech) is placed on it at its start with a priority; the `file`
 * sink's output has no process of its own, each item's archive is a tap of exactly what it aired.
 */
@Injectable()
export class StationOutputs implements OnApplicationShutdown {
  private readonly logger = new Logger(StationOutputs.name);
  private readonly outputs = new Map<string, { key: string; output: StationOutput }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sinks: AudioSinks,
    private readonly relays: RelayPlayer,
    private readonly clock: Clock,
  ) {}

  get leadMs(): number {
    return this.config.playout.outputLeadMs;
  }

  /**
   * Plays a bulletin's rendition on its commune's output at `plan.startsAt`: placed at once, its
   * decoder filling while it waits; it starts at its first audio at or after its position.
   */
  async playRendition(
    item: OutputItem,
    plan: PlayPlan,
    control: PlayControl,
  ): Promise<OutputPlayResult> {
    const timeoutMs = this.timeoutMs(plan.startsAt, plan.durationMs);
    const decoder = this.sinks.decode(plan.renditionPath, timeoutMs);
    const input = new RenditionInput(new PcmSource(decoder.output), decoder, plan.deadAirMs, () =>
      control.onDeadAir?.(),
    );
    const placed = await this.place(
      item,
      plan.target,
      plan.startsAt,
      plan.durationMs,
      input,
      control,
    );
    if (!placed.started && placed.error === NO_AUDIO) {
      const exit = await decoder.exited;
      return {
        started: false,
        error: `The audio could not be decoded: ${exit.stderrTail || 'no audio'}`,
      };
    }
    const failure = input.source.failure?.message;
    return this.asPlayResult(placed, failure);
  }

  /** Plays a relay on its commune's output: placed at once, its primary buffering meanwhile. */
  async playRelay(
    item: OutputItem,
    plan: Omit<RelayPlan, 'leadMs'>,
    control: PlayControl,
  ): Promise<OutputPlayResult & RelayResult> {
    // Placed at once, as a bulletin: its stream buffers while it waits for its position.
    const input = this.relays.openInput({ ...plan, leadMs: this.leadMs }, control);
    const placed = await this.place(
      item,
      plan.target,
      plan.startsAt,
      plan.durationMs,
      input,
      control,
    );
    const result = input.result(placed);
    return { ...this.asPlayResult(placed, undefined), ...result } as OutputPlayResult & RelayResult;
  }

  /**
   * Places any PCM input on the commune's output (the seam for other inputs, such as live
   * speech with priority `live`); resolves once it has aired or was taken off.
   */
  async place(
    item: OutputItem,
    target: SinkTarget,
    startsAt: Date,
    durationMs: number,
    input: PcmInput,
    control: PlayControl,
    lateToleranceMs = this.config.playout.lateToleranceMs,
  ): Promise<PlacementResult> {
    let output: StationOutput;
    let tap: SinkOutput | undefined;
    try {
      output = this.outputOf(item.communeCode, target);
      if (target.kind === 'file')
        tap = this.sinks.open(target, this.timeoutMs(startsAt, durationMs));
    } catch (error) {
      input.close();
      return { started: false, error: `The sink could not open: ${(error as Error).message}` };
    }
    return output.place({
      itemId: item.itemId,
      title: item.title,
      priority: item.priority,
      startsAt,
      input,
      tap,
      lateToleranceMs,
      signal: control.signal,
      onStarted: (startedAt) => control.onStarted?.(startedAt),
      onProgress: (playedMs) => control.onProgress?.(playedMs),
    });
  }

  /** What is on the commune's output now, if anything. */
  onAir(communeCode: string): ReturnType<StationOutput['onAir']> {
    return this.outputs.get(communeCode)?.output.onAir() ?? null;
  }

  /** Closes every output (after the runner has stopped its plays). */
  async onApplicationShutdown(): Promise<void> {
    const outputs = [...this.outputs.values()];
    this.outputs.clear();
    await Promise.allSettled(outputs.map(({ output }) => output.close()));
  }

  private asPlayResult(placed: PlacementResult, failure: string | undefined): OutputPlayResult {
    if (!placed.started) return placed;
    const error = placed.error ?? failure;
    return { ...placed, completed: placed.completed && !error, error };
  }

  /** The running output of a commune on `target`'s sink, opened when there is none (or it failed). */
  private outputOf(communeCode: string, target: SinkTarget): StationOutput {
    // A file output is a clock only: its items' archives differ, the output does not.
    const key = JSON.stringify(target.kind === 'file' ? { kind: 'file' } : target);
    const current = this.outputs.get(communeCode);
    if (current?.key === key && current.output.usable) return current.output;
    if (current) {
      this.outputs.delete(communeCode);
      void current.output.close();
    }
    const sink = target.kind === 'file' ? null : this.sinks.open(target, CONTINUOUS_TIMEOUT_MS);
    const output = new StationOutput(
      sink,
      this.leadMs,
      () => this.clock.nowMs(),
      (error) => {
        this.logger.warn(`Output of commune ${communeCode}: ${error}`);
        if (this.outputs.get(communeCode)?.output === output) this.outputs.delete(communeCode);
      },
    );
    this.outputs.set(communeCode, { key, output });
    return output;
  }

  private timeoutMs(startsAt: Date, durationMs: number): number {
    const lateBudgetMs = Math.max(0, startsAt.getTime() - this.clock.nowMs());
    return lateBudgetMs + durationMs + this.config.playout.lateToleranceMs + 60000;
  }
}
