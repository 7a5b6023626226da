import type { Writable } from 'node:stream';
import { PlayoutProcess } from '../playout/sinks/playout-process';
import { commandArgs } from '../playout/sinks/sink-args';
import { liveEncoderCommand } from './live-stream-args';

/** A listener that falls this far behind (a stalled link) is dropped rather than buffered. */
const MAX_BACKLOG_BYTES = 64 * 1024;

/**
 * A live session's stream to the devices: one MP3 encoder, its output fanned out to every device
 * connected at the moment (a device that joins late hears from where the speech is then). Ends
 * every listener's response when the session ends, so a device's player stops with the stream.
 */
export class LiveStream {
  private readonly encoder: PlayoutProcess;
  private readonly listeners = new Set<Writable>();
  /** Listeners that have not had a byte yet: they start at an MP3 frame's header. */
  private readonly joining = new Set<Writable>();
  private ended = false;
  readonly finished: Promise<void>;

  constructor(ffmpegPath: string, maxMs: number) {
    this.encoder = new PlayoutProcess(ffmpegPath, commandArgs(liveEncoderCommand()), maxMs + 60000);
    this.encoder.stdout.on('data', (data: Buffer) => this.fanOut(data));
    this.finished = new Promise((resolve) => this.encoder.stdout.once('close', resolve)).then(
      () => {
        this.ended = true;
        for (const listener of this.listeners) listener.end();
        this.listeners.clear();
      },
    );
  }

  get listening(): number {
    return this.listeners.size;
  }

  /** Speech (mono s16le at the live frame's rate). */
  write(pcm: Buffer): void {
    if (!this.ended && this.encoder.running) this.encoder.stdin.write(pcm);
  }

  /** Adds a listener (an HTTP response); false when the stream is over. */
  listen(listener: Writable): boolean {
    if (this.ended) return false;
    this.listeners.add(listener);
    this.joining.add(listener);
    const forget = (): void => {
      this.listeners.delete(listener);
      this.joining.delete(listener);
    };
    listener.once('close', forget);
    listener.once('error', forget);
    return true;
  }

  /** No more speech: what is encoded still goes out, then every listener's stream ends. */
  async end(): Promise<void> {
    this.encoder.stdin.end();
    const timer = setTimeout(() => this.encoder.kill(), 5000);
    try {
      await this.finished;
    } finally {
      clearTimeout(timer);
    }
  }

  private fanOut(data: Buffer): void {
    for (const listener of this.listeners) {
      if (listener.writableLength > MAX_BACKLOG_BYTES) {
        listener.destroy();
        this.listeners.delete(listener);
        continue;
      }
      if (this.joining.has(listener)) {
        const header = frameStart(data);
        if (header < 0) continue;
        this.joining.delete(listener);
        listener.write(header === 0 ? data : data.subarray(header));
        continue;
      }
      listener.write(data);
    }
  }
}

/**
 * Where the first MPEG audio layer III frame header starts in `data` (-1: none): a device that
 * joins mid-session gets the stream from a frame, so its decoder needs no resynchronisation.
 */
export function frameStart(data: Buffer): number {
  for (let index = 0; index + 1 < data.length; index++) {
    if (data[index] === 0xff && (data[index + 1] & 0xe6) === 0xe2) return index;
  }
  return -1;
}
