import { execFileSync } from 'node:child_process';

/** Sample rate audio is analysed at (enough for tones up to 2 kHz). */
export const ANALYSIS_RATE = 8000;

/** Decodes an audio file to mono float samples at ANALYSIS_RATE (ffmpeg). */
export function decodeMono(path: string): Float32Array {
  const raw = execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      path,
      '-ac',
      '1',
      '-ar',
      String(ANALYSIS_RATE),
      '-f',
      'f32le',
      '-',
    ],
    { maxBuffer: 512 * 1024 * 1024 },
  );
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

/** Goertzel: the power of one frequency in a block of samples (normalized by its length). */
export function tonePower(samples: Float32Array, frequency: number, rate = ANALYSIS_RATE): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power =
    previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return power / (samples.length * samples.length);
}

/**
 * Which of `candidates` (Hz) sounds in `samples` from `fromMs` to `toMs`: the strongest, if it is
 * clearly there; null for silence.
 */
export function dominantTone(
  samples: Float32Array,
  fromMs: number,
  toMs: number,
  candidates: readonly number[],
): number | null {
  const block = samples.subarray(
    Math.max(0, Math.floor((fromMs * ANALYSIS_RATE) / 1000)),
    Math.min(samples.length, Math.floor((toMs * ANALYSIS_RATE) / 1000)),
  );
  if (block.length === 0) return null;
  const powers = candidates.map((frequency) => tonePower(block, frequency));
  const best = powers.indexOf(Math.max(...powers));
  // A sine of amplitude a gives a²/4; -40 dBFS (a = 0.01) is far above MP3 noise.
  return powers[best] > 0.01 ** 2 / 4 ? candidates[best] : null;
}
