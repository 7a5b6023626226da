/**
 * ffmpeg's `-progress` output: blocks of `key=value` lines, each ending with `progress=continue`
 * (or `progress=end`). Only the output time matters here.
 */
export interface ProgressUpdate {
  /** Seconds of output written so far. */
  outTimeS: number;
  done: boolean;
}

/**
 * Reads one `-progress` line; returns an update for the lines that carry the output time or the
 * end, null for the others (and for `N/A` values, written before the first frame).
 */
export function parseProgressLine(line: string): ProgressUpdate | null {
  const separator = line.indexOf('=');
  if (separator < 0) return null;
  const key = line.slice(0, separator).trim();
  const value = line.slice(separator + 1).trim();
  if (key === 'out_time_us') {
    const micros = Number(value);
    return Number.isFinite(micros) && micros >= 0 ? { outTimeS: micros / 1e6, done: false } : null;
  }
  if (key === 'progress' && value === 'end') return { outTimeS: Number.NaN, done: true };
  return null;
}

/** Bytes written to the output so far, from a `total_size=` line of `-progress`; null otherwise. */
export function parseProgressSize(line: string): number | null {
  const match = /^total_size=(\d+)$/.exec(line.trim());
  return match ? Number(match[1]) : null;
}

/** A share of the whole job: its stages in order, each with a weight (any positive numbers). */
export interface Stage {
  name: string;
  weight: number;
}

/**
 * Turns "stage s is fraction f done" into 0–100 for the whole job. Never goes backwards, and only
 * reaches 100 when told the job is complete.
 */
export class JobProgress {
  private readonly total: number;
  private last = 0;

  constructor(private readonly stages: readonly Stage[]) {
    this.total = stages.reduce((sum, stage) => sum + stage.weight, 0);
    if (!(this.total > 0)) throw new Error('Stages need a positive total weight');
  }

  /** Percent done when `stage` is `fraction` (0–1) done; stages before it count as finished. */
  at(stage: string, fraction: number): number {
    const index = this.stages.findIndex((candidate) => candidate.name === stage);
    if (index < 0) throw new Error(`Unknown stage ${stage}`);
    const before = this.stages.slice(0, index).reduce((sum, s) => sum + s.weight, 0);
    const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const percent = Math.floor(((before + this.stages[index].weight * clamped) / this.total) * 100);
    this.last = Math.max(this.last, Math.min(99, percent));
    return this.last;
  }

  complete(): number {
    this.last = 100;
    return this.last;
  }
}
