import { Logger } from '@nestjs/common';
import type { SinkOutput } from '../sinks/audio-sinks';
import { CHUNK_BYTES, CHUNK_MS, PCM_BYTES_PER_SECOND } from './pcm';
import { monotonicNow, sleep } from './precise-wait';

/**
 * A one-item output on a sink of its own (the edge player's relays and live speech) writes this
 * far ahead of real time.
 */
export const OWN_SINK_LEAD_MS = 100;

/**
 * Who wins a commune's output, highest first. `emergency` and `live` cut into anything below them
 * at the next chunk; the others wait for the output to be free and then go by rank.
 */
export const OUTPUT_PRIORITY_RANK = {
  emergency: 4,
  live: 3,
  priority: 2,
  normal: 1,
  'relay-fallback': 0,
} as const;
export type OutputPriority = keyof typeof OUTPUT_PRIORITY_RANK;

/** Ranks that interrupt a lower one already on air instead of waiting for its end. */
const CUTS_IN = OUTPUT_PRIORITY_RANK.live;

function cutsInto(challenger: OutputPriority, onAir: OutputPriority): boolean {
  const rank = OUTPUT_PRIORITY_RANK[challenger];
  return rank >= CUTS_IN && rank > OUTPUT_PRIORITY_RANK[onAir];
}

/**
 * Any audio that can go on a commune's output (a bulletin's decoder, a relay, live speech): raw
 * PCM (pcm.ts) pulled a chunk at a time by the output's writer, in real time.
 */
export interface PcmInput {
  /**
   * The next audio (any whole number of frames; the output splits it as it needs). `undefined`:
   * nothing ready now, silence is written in its place; before the input's first audio that
   * silence is not its time (it starts at its first audio, late by that much), after it, it is;
   * `null`: the input has ended.
   */
  read(): Buffer | null | undefined;
  /** Taken off the output (ended, cut off or stopped): release its processes. */
  close(): void;
}

/** One input placed on the output at a planned instant. */
export interface Placement {
  itemId: string;
  title: string | null;
  priority: OutputPriority;
  startsAt: Date;
  input: PcmInput;
  /** A copy of exactly what this placement airs (the `file` sink's per-item archive). */
  tap?: SinkOutput;
  /** A placement that could start only later than this is `missed`, never played late. */
  lateToleranceMs: number;
  /** Aborting takes the placement off at once (before its start: it never starts). */
  signal: AbortSignal;
  onStarted?(startedAt: Date): void;
  onProgress?(playedMs: number): void;
}

/** What took a placement off the air. */
export interface PreemptedBy {
  itemId: string;
  title: string | null;
  priority: OutputPriority;
}

export type PlacementResult =
  | { started: false; missed?: boolean; error?: string }
  | {
      started: true;
      startedAt: Date;
      endedAt: Date;
      playedMs: number;
      /** The input ran to its end and all of it aired. */
      completed: boolean;
      /** Cut off by a higher rank. */
      preemptedBy?: PreemptedBy;
      /** Its first sample's position on the output against the planned one (ms, + is late). */
      startErrorMs: number;
      /**
       * When that sample was handed to the sink against the instant it airs (ms; negative: that
       * far ahead, as it should be; positive: the writer was late and the output had a gap).
       */
      arrivalMs: number;
      error?: string;
    };

interface Entry {
  placement: Placement;
  /** Planned position on the output, in bytes since the output opened. */
  startByte: number;
  firstByte?: number;
  firstWriteAt?: number;
  writtenBytes: number;
  leftover?: Buffer;
  endByte?: number;
  preemptedBy?: PreemptedBy;
  completed?: boolean;
  error?: string;
  lastProgressAt?: number;
  resolve(result: PlacementResult): void;
}

function frames(bytes: number): number {
  return Math.floor(bytes / 4) * 4;
}

function bytesToMs(bytes: number): number {
  return (bytes * 1000) / PCM_BYTES_PER_SECOND;
}

const SILENCE = Buffer.alloc(CHUNK_BYTES);
/** A placement's input ended before it gave any audio. */
export const NO_AUDIO = 'The input ended before any audio';

/**
 * One commune's continuous output: a single sink that stays open (or none: the `file` sink's
 * archive is each placement's tap) fed raw PCM without a break, silence between items. Its clock
 * is the samples it has written: byte position B airs at `openedAt + B / rate`. The writer keeps
 * `leadMs` of audio written ahead of real time, so an event loop held up for less than the lead
 * leaves no gap, and an item starts at the exact sample position planned for it, placed ahead of
 * time, whenever the writer happens to run. Which input is on air is decided at every position by
 * rank (`OUTPUT_PRIORITY_RANK`).
 */
export class StationOutput {
  private readonly logger = new Logger(StationOutput.name);
  private readonly openedAt = monotonicNow();
  private writtenBytes = 0;
  private readonly pending: Entry[] = [];
  private active: Entry | null = null;
  private readonly ending: Entry[] = [];
  private closed = false;
  private failure: string | null = null;
  /** Writes that came after the audio they carried should have aired (the output had a gap). */
  underruns = 0;

  constructor(
    /** The running sink, or null when the output only paces its placements' taps. */
    private readonly sink: SinkOutput | null,
    private readonly leadMs: number,
    /** Wall-clock now in ms (the service's clock), for placing instants on the output. */
    private readonly wallNowMs: () => number,
    private readonly onFailed: (error: string) => void = () => undefined,
  ) {
    if (sink) {
      sink.input.on('error', (error: Error) => this.fail(`The sink failed: ${error.message}`));
      void sink.exited.then((exit) => {
        if (!this.closed) {
          this.fail(`The sink stopped: ${exit.stderrTail || `exit ${exit.code ?? exit.signal}`}`);
        }
      });
    }
    void this.run();
  }

  /** False once its sink failed or it was closed: a new output is opened instead. */
  get usable(): boolean {
    return !this.closed && this.failure === null;
  }

  /** What is on air now, if anything (a live session asks what it interrupts). */
  onAir(): { itemId: string; title: string | null; priority: OutputPriority } | null {
    const placement = this.active?.placement;
    if (!placement) return null;
    return { itemId: placement.itemId, title: placement.title, priority: placement.priority };
  }

  /** Nothing placed or on air. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.active && this.ending.length === 0;
  }

  /** Puts an input on the output at its planned instant; resolves once it has aired or was taken off. */
  place(placement: Placement): Promise<PlacementResult> {
    return new Promise<PlacementResult>((resolve) => {
      if (!this.usable) {
        resolve({ started: false, error: this.failure ?? 'The output is closed' });
        return;
      }
      const atMono = monotonicNow() + (placement.startsAt.getTime() - this.wallNowMs());
      const startByte = frames(((atMono - this.openedAt) * PCM_BYTES_PER_SECOND) / 1000);
      this.pending.push({ placement, startByte, writtenBytes: 0, resolve });
      this.pump();
    });
  }

  /**
   * Stops writing: everything still placed is taken off, the sink ends cleanly (what is written
   * airs), or at once when `cutOff` (nothing buffered may air after a stop).
   */
  async close(cutOff = false): Promise<void> {
    if (this.closed) return;
    this.takeOffEverything('The output closed');
    this.closed = true;
    if (!this.sink?.running) return;
    if (!cutOff) {
      await this.sink.finish();
      return;
    }
    this.sink.kill();
    await this.sink.exited;
  }

  private monoAt(byte: number): number {
    return this.openedAt + bytesToMs(byte);
  }

  private async run(): Promise<void> {
    while (!this.closed && this.failure === null) {
      this.pump();
      await sleep(CHUNK_MS);
    }
  }

  /** Writes up to the lead ahead of real time, and settles what has aired. */
  private pump(): void {
    if (this.closed || this.failure !== null) return;
    this.takeOffAborted();
    const now = monotonicNow();
    const elapsedBytes = ((now - this.openedAt) * PCM_BYTES_PER_SECOND) / 1000;
    if (this.writtenBytes < elapsedBytes) this.underruns += 1;
    const dueBytes = ((now - this.openedAt + this.leadMs) * PCM_BYTES_PER_SECOND) / 1000;
    while (this.writtenBytes < dueBytes && this.failure === null) {
      const chunk = this.compose(now);
      this.sink?.input.write(chunk);
      this.writtenBytes += chunk.length;
    }
    this.settle(monotonicNow());
  }

  /** The next chunk of the output at `writtenBytes`, switching inputs at their exact positions. */
  private compose(now: number): Buffer {
    const out = Buffer.alloc(CHUNK_BYTES);
    let offset = 0;
    while (offset < CHUNK_BYTES) {
      const position = this.writtenBytes + offset;
      this.arbitrate(position);
      const boundary = this.nextBoundary(position);
      const span = Math.min(CHUNK_BYTES - offset, boundary - position);
      const entry = this.active;
      if (!entry) {
        offset += span; // silence (the buffer is zeroed)
        continue;
      }
      let data = entry.leftover ?? entry.placement.input.read();
      entry.leftover = undefined;
      if (entry.firstByte === undefined) {
        // Due but no audio yet: silence, which is not the item's time; it starts at its first audio.
        if (data === undefined) {
          if (bytesToMs(position - entry.startByte) > entry.placement.lateToleranceMs) {
            this.dropWaiting(entry, { started: false, missed: true });
          } else {
            offset += span;
          }
          continue;
        }
        if (data === null) {
          this.dropWaiting(entry, { started: false, error: NO_AUDIO });
          continue;
        }
        this.begin(entry, position, now);
      }
      if (data === null) {
        entry.completed = true;
        this.endActive(position);
        continue;
      }
      if (data === undefined) data = SILENCE.subarray(0, span);
      const n = Math.min(data.length, span);
      if (n === 0) continue;
      data.copy(out, offset, 0, n);
      if (n < data.length) entry.leftover = data.subarray(n);
      entry.placement.tap?.input.write(data.subarray(0, n));
      entry.writtenBytes += n;
      offset += n;
    }
    return out;
  }

  /** Whoever should be on air at `position`: a cut-in, or the best due placement. */
  private arbitrate(position: number): void {
    if (this.active) {
      const onAir = this.active;
      const challenger = this.best(position, (entry) =>
        cutsInto(entry.placement.priority, onAir.placement.priority),
      );
      if (!challenger) return;
      if (onAir.firstByte === undefined) {
        // Not started yet: it waits again, behind the challenger, as any lower rank would.
        this.active = null;
        this.pending.push(onAir);
      } else {
        onAir.preemptedBy = {
          itemId: challenger.placement.itemId,
          title: challenger.placement.title,
          priority: challenger.placement.priority,
        };
        this.endActive(position);
      }
    }
    for (;;) {
      const next = this.best(position, () => true);
      if (!next) return;
      this.pending.splice(this.pending.indexOf(next), 1);
      const lateMs = bytesToMs(position - next.startByte);
      if (lateMs > next.placement.lateToleranceMs && next.firstByte === undefined) {
        next.placement.input.close();
        next.placement.tap?.kill();
        next.resolve({ started: false, missed: true });
        continue;
      }
      this.active = next;
      return;
    }
  }

  /** The highest-ranked, then earliest, placement due at `position` that `may` start. */
  private best(position: number, may: (entry: Entry) => boolean): Entry | undefined {
    let best: Entry | undefined;
    for (const entry of this.pending) {
      if (entry.startByte > position || !may(entry)) continue;
      const rank = OUTPUT_PRIORITY_RANK[entry.placement.priority];
      const bestRank = best ? OUTPUT_PRIORITY_RANK[best.placement.priority] : -1;
      if (rank > bestRank || (rank === bestRank && entry.startByte < best!.startByte)) best = entry;
    }
    return best;
  }

  /** The next position after `position` where what is on air may change. */
  private nextBoundary(position: number): number {
    let boundary = Number.POSITIVE_INFINITY;
    for (const entry of this.pending) {
      if (entry.startByte <= position) continue;
      if (this.active && !cutsInto(entry.placement.priority, this.active.placement.priority))
        continue;
      boundary = Math.min(boundary, entry.startByte);
    }
    return boundary;
  }

  /** The entry's first real audio goes out at `position`: that is its start. */
  private begin(entry: Entry, position: number, now: number): void {
    entry.firstByte = position;
    entry.firstWriteAt = now;
    entry.lastProgressAt = now;
    entry.placement.onStarted?.(this.startedAt(entry));
  }

  /** Takes off an entry that never started (no audio in time, or none at all). */
  private dropWaiting(entry: Entry, result: PlacementResult): void {
    if (this.active === entry) this.active = null;
    entry.placement.input.close();
    entry.placement.tap?.kill();
    entry.resolve(result);
  }

  private startedAt(entry: Entry): Date {
    const { startsAt } = entry.placement;
    return new Date(startsAt.getTime() + Math.round(bytesToMs(entry.firstByte! - entry.startByte)));
  }

  private endActive(position: number): void {
    const entry = this.active!;
    this.active = null;
    entry.endByte = position;
    entry.placement.input.close();
    this.ending.push(entry);
  }

  /** Resolves the placements whose last sample has aired; reports progress. */
  private settle(now: number): void {
    for (const entry of [...this.ending]) {
      if (this.monoAt(entry.endByte!) > now) continue;
      this.ending.splice(this.ending.indexOf(entry), 1);
      void this.resolveEnded(entry);
    }
    const entry = this.active;
    if (entry?.firstByte !== undefined && now - entry.lastProgressAt! >= 1000) {
      entry.lastProgressAt = now;
      entry.placement.onProgress?.(Math.round(Math.max(0, now - this.monoAt(entry.firstByte))));
    }
  }

  private async resolveEnded(entry: Entry, airedBytes?: number): Promise<void> {
    const played = airedBytes ?? entry.endByte! - entry.firstByte!;
    let error = entry.error;
    if (entry.placement.tap) {
      const exit = await entry.placement.tap.finish();
      if (exit.code !== 0 && exit.code !== null) {
        error ??= `The sink exited with ${exit.code}: ${exit.stderrTail}`;
      }
    }
    const startedAt = this.startedAt(entry);
    const playedMs = Math.round(bytesToMs(played));
    entry.resolve({
      started: true,
      startedAt,
      endedAt: new Date(startedAt.getTime() + playedMs),
      playedMs,
      completed: entry.completed === true && !error,
      preemptedBy: entry.preemptedBy,
      startErrorMs: bytesToMs(entry.firstByte! - entry.startByte),
      arrivalMs: entry.firstWriteAt! - this.monoAt(entry.firstByte!),
      error,
    });
  }

  /** Placements whose signal was aborted come off now; what is on air stops at the next chunk. */
  private takeOffAborted(): void {
    for (const entry of [...this.pending]) {
      if (!entry.placement.signal.aborted) continue;
      this.pending.splice(this.pending.indexOf(entry), 1);
      entry.placement.input.close();
      entry.placement.tap?.kill();
      entry.resolve({ started: false });
    }
    const entry = this.active;
    if (entry?.placement.signal.aborted) {
      if (entry.firstByte === undefined) this.dropWaiting(entry, { started: false });
      else this.cutOff(entry, entry.error);
    }
    for (const ended of [...this.ending]) {
      if (!ended.placement.signal.aborted) continue;
      this.ending.splice(this.ending.indexOf(ended), 1);
      const aired = Math.min(ended.endByte!, this.airedByte()) - ended.firstByte!;
      void this.resolveEnded(ended, Math.max(0, aired));
    }
  }

  /** The position airing now. */
  private airedByte(): number {
    return frames(((monotonicNow() - this.openedAt) * PCM_BYTES_PER_SECOND) / 1000);
  }

  /** Takes the on-air entry off now: what aired so far is its length. */
  private cutOff(entry: Entry, error: string | undefined): void {
    this.active = null;
    entry.placement.input.close();
    entry.endByte = this.writtenBytes;
    entry.error = error;
    const aired = Math.max(0, Math.min(this.writtenBytes, this.airedByte()) - entry.firstByte!);
    void this.resolveEnded(entry, aired);
  }

  private takeOffEverything(error: string): void {
    for (const entry of this.pending.splice(0)) {
      entry.placement.input.close();
      entry.placement.tap?.kill();
      entry.resolve({ started: false, error });
    }
    if (this.active?.firstByte === undefined && this.active) {
      this.dropWaiting(this.active, { started: false, error });
    } else if (this.active) {
      this.cutOff(this.active, error);
    }
    for (const entry of this.ending.splice(0)) {
      const aired = Math.min(entry.endByte!, this.airedByte()) - entry.firstByte!;
      entry.error = entry.endByte! > this.airedByte() ? error : entry.error;
      void this.resolveEnded(entry, Math.max(0, aired));
    }
  }

  private fail(error: string): void {
    if (this.failure !== null || this.closed) return;
    this.failure = error;
    this.logger.warn(error);
    this.takeOffEverything(error);
    this.sink?.kill();
    this.onFailed(error);
  }
}

/**
 * Plays on a one-item output of a sink of its own (the edge player, which has no continuous
 * output: its relays and live speech): opens the sink, hands `play` the output, and closes it
 * afterwards, cut off at once when the play was stopped. A sink that cannot open is `failed`'s
 * answer, with the reason.
 */
export async function onOwnSink<T>(
  openSink: () => SinkOutput,
  wallNowMs: () => number,
  signal: AbortSignal,
  play: (output: StationOutput) => Promise<T>,
  failed: (error: string) => T,
): Promise<T> {
  let output: StationOutput;
  try {
    output = new StationOutput(openSink(), OWN_SINK_LEAD_MS, wallNowMs);
  } catch (error) {
    return failed(`The sink could not open: ${(error as Error).message}`);
  }
  try {
    return await play(output);
  } finally {
    await output.close(signal.aborted);
  }
}
