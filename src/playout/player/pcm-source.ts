import type { Readable } from 'node:stream';
import { CHUNK_BYTES } from './pcm';

/**
 * Raw PCM from the decoder, cut into pacing chunks and kept a little ahead in memory, so the
 * player's timer never waits on the decoder. The decoder is held by back-pressure meanwhile.
 */
export class PcmSource {
  private readonly queue: Buffer[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  private error: Error | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly stream: Readable,
    /** Chunks kept ahead; the decoder is paused beyond that. */
    private readonly aheadChunks = 100,
  ) {
    stream.on('data', (data: Buffer) => this.accept(data));
    stream.once('end', () => this.finish());
    stream.once('error', (error: Error) => {
      this.error = error;
      this.finish();
    });
  }

  /** Chunks ready now. */
  get available(): number {
    return this.queue.length;
  }

  /** True once the decoder is done and every chunk has been taken. */
  get exhausted(): boolean {
    return this.ended && this.queue.length === 0;
  }

  get failure(): Error | null {
    return this.error;
  }

  /** The next chunk if one is ready (the last one may be short). */
  take(): Buffer | undefined {
    const chunk = this.queue.shift();
    if (this.stream.isPaused() && this.queue.length < this.aheadChunks / 2 && !this.ended) {
      this.stream.resume();
    }
    return chunk;
  }

  /** Resolves once `chunks` are ready or the decoder has ended. */
  async fill(chunks: number): Promise<void> {
    while (this.queue.length < chunks && !this.ended) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private accept(data: Buffer): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= CHUNK_BYTES) {
      const all = Buffer.concat(this.pending);
      const whole = all.length - (all.length % CHUNK_BYTES);
      for (let offset = 0; offset < whole; offset += CHUNK_BYTES) {
        this.queue.push(all.subarray(offset, offset + CHUNK_BYTES));
      }
      const rest = all.subarray(whole);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    if (this.queue.length >= this.aheadChunks) this.stream.pause();
    this.wake();
  }

  private finish(): void {
    if (this.ended) return;
    if (this.pendingBytes > 0) this.queue.push(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
