import { CHUNK_BYTES, PCM, pcmBytesToMs } from './pcm';

/** A live frame's format: signed 16-bit little-endian mono at the player's sample rate. */
export const LIVE_FRAME = { format: 's16le', sampleRate: PCM.sampleRate, channels: 1 } as const;

/** Mono s16le to the player's stereo s16le (the same sample on both channels). */
export function monoToStereo(mono: Buffer): Buffer {
  const samples = mono.length >> 1;
  const stereo = Buffer.allocUnsafe(samples * 4);
  for (let i = 0; i < samples; i++) {
    const sample = mono.readInt16LE(i * 2);
    stereo.writeInt16LE(sample, i * 4);
    stereo.writeInt16LE(sample, i * 4 + 2);
  }
  return stereo;
}

/**
 * Live speech on its way to the output: frames pushed as they arrive (mono), taken by the player
 * as pacing chunks (stereo). The live player's only input, so a session's socket, a test or
 * another transport can feed it alike.
 */
export class LiveInput {
  private readonly queue: Buffer[] = [];
  private pending = Buffer.alloc(0);
  private closed = false;
  private waiters: (() => void)[] = [];

  /** Adds mono PCM (an even number of bytes). */
  push(mono: Buffer): void {
    if (this.closed) return;
    const all = Buffer.concat([this.pending, monoToStereo(mono)]);
    const whole = all.length - (all.length % CHUNK_BYTES);
    for (let offset = 0; offset < whole; offset += CHUNK_BYTES) {
      this.queue.push(all.subarray(offset, offset + CHUNK_BYTES));
    }
    this.pending = Buffer.from(all.subarray(whole));
    this.wake();
  }

  /** No more speech: what is queued still plays. */
  end(): void {
    if (this.closed) return;
    if (this.pending.length > 0) this.queue.push(this.pending);
    this.pending = Buffer.alloc(0);
    this.closed = true;
    this.wake();
  }

  get ended(): boolean {
    return this.closed;
  }

  /** Chunks ready now. */
  get available(): number {
    return this.queue.length;
  }

  get bufferedMs(): number {
    return pcmBytesToMs(this.queue.reduce((sum, chunk) => sum + chunk.length, 0));
  }

  take(): Buffer | undefined {
    return this.queue.shift();
  }

  /** Drops the oldest chunks beyond `keep` (the speaker's audio arrived in a burst). */
  dropOldest(keep: number): number {
    const dropped = Math.max(0, this.queue.length - keep);
    this.queue.splice(0, dropped);
    return dropped;
  }

  /** Resolves once `chunks` are ready, the input ended, or `signal` aborts. */
  async fill(chunks: number, signal: AbortSignal): Promise<void> {
    while (this.queue.length < chunks && !this.closed && !signal.aborted) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
