import { PCM } from './pcm';

/** Below this short-term loudness the output is dead air (issue 15: −50 LUFS). */
export const DEAD_AIR_LUFS = -50;
/** The short-term window of EBU R 128: 3 s. */
const SHORT_TERM_MS = 3000;

/**
 * Mean square of 16-bit stereo PCM, in full-scale units (a full-scale sine is 0.5). Unweighted: a
 * cheap stand-in for R 128's K-weighted loudness, close enough (within a few LU for speech and
 * music) to tell programme from dead air and to steer a slow gain.
 */
export function meanSquare(chunk: Buffer): number {
  const samples = Math.floor(chunk.length / PCM.bytesPerSample);
  if (samples === 0) return 0;
  let sum = 0;
  for (let offset = 0; offset + 1 < chunk.length; offset += 2) {
    const value = chunk.readInt16LE(offset) / 32768;
    sum += value * value;
  }
  return sum / samples;
}

/** LUFS-like loudness of a mean square (−0.691 + 10·log10, as R 128 sums its channels). */
export function loudnessOf(meanSquareValue: number, channels: number = PCM.channels): number {
  const power = meanSquareValue * channels;
  return power <= 0 ? -Infinity : -0.691 + 10 * Math.log10(power);
}

/**
 * Short-term loudness over the last 3 s of 20 ms chunks, and how long it has stayed below the
 * dead-air level. Fed the audio as it comes from the stream, before any gain.
 */
export class LoudnessMeter {
  private readonly window: number[] = [];
  private sum = 0;
  private quietMs = 0;

  constructor(private readonly chunkMs: number) {}

  push(chunk: Buffer): void {
    const value = meanSquare(chunk);
    this.window.push(value);
    this.sum += value;
    if (this.window.length > SHORT_TERM_MS / this.chunkMs) this.sum -= this.window.shift()!;
    this.quietMs = this.shortTerm < DEAD_AIR_LUFS ? this.quietMs + this.chunkMs : 0;
  }

  get shortTerm(): number {
    return this.window.length === 0 ? -Infinity : loudnessOf(this.sum / this.window.length);
  }

  /** Milliseconds the short-term loudness has been below −50 LUFS without a break. */
  get silentMs(): number {
    return this.quietMs;
  }

  reset(): void {
    this.window.length = 0;
    this.sum = 0;
    this.quietMs = 0;
  }
}

/** The most a relay's gain moves per chunk (dB): about 1 dB in 200 ms, no pumping. */
const GAIN_STEP_DB = 0.1;
const MAX_GAIN_DB = 15;
const MIN_GAIN_DB = -20;

/**
 * A relay's loudness brought to the station's target on the fly: a slow gain that follows the
 * short-term loudness, clamped, never raised on dead air (noise is not boosted), with a hard
 * limit at full scale. Returns a new buffer.
 */
export class DynamicGain {
  private gainDb = 0;

  constructor(private readonly targetLufs: number) {}

  get currentDb(): number {
    return this.gainDb;
  }

  apply(chunk: Buffer, shortTermLufs: number): Buffer {
    if (Number.isFinite(shortTermLufs) && shortTermLufs >= DEAD_AIR_LUFS) {
      const wanted = Math.min(MAX_GAIN_DB, Math.max(MIN_GAIN_DB, this.targetLufs - shortTermLufs));
      const step = Math.max(-GAIN_STEP_DB, Math.min(GAIN_STEP_DB, wanted - this.gainDb));
      this.gainDb += step;
    }
    const factor = 10 ** (this.gainDb / 20);
    const out = Buffer.allocUnsafe(chunk.length - (chunk.length % 2));
    for (let offset = 0; offset < out.length; offset += 2) {
      const value = Math.round(chunk.readInt16LE(offset) * factor);
      out.writeInt16LE(Math.max(-32768, Math.min(32767, value)), offset);
    }
    return out;
  }
}
