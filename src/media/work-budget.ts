import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { floatWavBytes, mp3Bytes, OutputLimits } from './ffmpeg-args';

/** Seconds of margin over a recording's length before a pass is cut. */
const DURATION_MARGIN_S = 1;

export interface WorkShape {
  /** Decoded length of the original, as the upload check measured it (0 when unknown). */
  durationS: number;
  channels: number;
  sampleRate: number;
}

/** Channels and rate of the analysed audio the bound allows for (it is mono at 44.1 kHz now). */
const ANALYSED_MAX_CHANNELS = 2;
const ANALYSED_MAX_RATE = 48000;

/**
 * What the pass over the original may write: the recording's own length (a little margin), never
 * more than MEDIA_MAX_DURATION_SECONDS, as float WAV of at most stereo at 48 kHz. A file that
 * decodes longer now than at upload is cut there, and the pipeline fails it (never silently
 * short). If the analysed audio ever keeps more channels, this bound must follow.
 */
export function analysisLimits(shape: WorkShape, maxDurationS: number): OutputLimits {
  const cap = maxDurationS + DURATION_MARGIN_S;
  const maxSeconds = shape.durationS > 0 ? Math.min(shape.durationS + DURATION_MARGIN_S, cap) : cap;
  const channels = Math.min(Math.max(shape.channels, 1), ANALYSED_MAX_CHANNELS);
  const rate = Math.min(shape.sampleRate, ANALYSED_MAX_RATE);
  return { maxSeconds, maxBytes: floatWavBytes(maxSeconds, channels, rate) };
}

/**
 * Bytes one processing run holds at most: the analysed audio and the rendition being written (the
 * codec check and the gain trials read windows of the analysed audio and write no file).
 */
export function workBytesNeeded(
  shape: WorkShape,
  maxDurationS: number,
  bitrateKbps: number,
): number {
  const analysis = analysisLimits(shape, maxDurationS);
  return analysis.maxBytes + mp3Bytes(analysis.maxSeconds, bitrateKbps);
}

interface Waiter {
  bytes: number;
  grant: () => void;
}

/**
 * The bytes the processing runs of this process may hold in MEDIA_DIR/work at once
 * (MEDIA_WORK_MAX_BYTES): each run reserves what it may write before it starts and waits, in
 * order, while the others hold too much. A run that alone needs more is refused at upload.
 */
@Injectable()
export class WorkBudget {
  readonly maxBytes: number;
  private inUse = 0;
  private readonly waiting: Waiter[] = [];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxBytes = config.audio.workMaxBytes;
  }

  get reservedBytes(): number {
    return this.inUse;
  }

  /** Waits until `bytes` fit, reserves them, and returns the release (call it once). */
  async reserve(bytes: number, signal?: AbortSignal): Promise<() => void> {
    if (bytes > this.maxBytes) {
      throw new Error(
        `A run needs ${bytes} bytes of work space; MEDIA_WORK_MAX_BYTES is ${this.maxBytes}`,
      );
    }
    signal?.throwIfAborted();
    if (this.waiting.length > 0 || this.inUse + bytes > this.maxBytes) {
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          bytes,
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          this.grantWaiting();
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(waiter);
      });
    } else {
      this.inUse += bytes;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= bytes;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.inUse + this.waiting[0].bytes <= this.maxBytes) {
      const next = this.waiting.shift()!;
      this.inUse += next.bytes;
      next.grant();
    }
  }
}
