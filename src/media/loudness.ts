/**
 * Reading what ffmpeg's `ebur128` filter reports, and what follows from it: the summary
 * (integrated loudness, loudness range, true peak), the momentary loudness every 100 ms, and from
 * that the span of the recording that is not leading or trailing silence.
 */

export interface LoudnessSummary {
  integratedLufs: number;
  /** Relative gate of the integrated measurement (what loudnorm calls `measured_thresh`). */
  thresholdLufs: number;
  lra: number;
  lraLowLufs: number;
  lraHighLufs: number;
  /** Null when the filter ran without `peak=true`. */
  truePeakDbtp: number | null;
  /** Highest sample (dBFS); null when the filter ran without `peak=sample`. */
  samplePeakDbfs: number | null;
}

export interface MomentaryFrame {
  /** End of the 400 ms window, in seconds from the start. */
  t: number;
  /** Momentary loudness in LUFS (-Infinity for digital silence). */
  lufs: number;
}

const NUMBER = String.raw`(-?(?:\d+(?:\.\d+)?|inf)|nan)`;

function parseLevel(text: string): number {
  if (text === 'nan') return Number.NEGATIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  return Number(text);
}

/**
 * The `Summary:` block ebur128 logs when it closes, or null when the text has none (the filter
 * never ran, or ffmpeg stopped before the end).
 */
export function parseEbur128Summary(stderr: string, meter?: string): LoudnessSummary | null {
  const start =
    meter === undefined ? stderr.lastIndexOf('Summary:') : meterSummaryStart(stderr, meter);
  if (start < 0) return null;
  // A named meter's block ends where the next log line with a `[name @ 0x…]` prefix begins.
  const end = meter === undefined ? -1 : stderr.slice(start).search(/\n\[/);
  const block = end < 0 ? stderr.slice(start) : stderr.slice(start, start + end);
  const section = (title: string): string | null => {
    const at = block.indexOf(title);
    if (at < 0) return null;
    const rest = block.slice(at + title.length);
    const next = rest.search(/\n\s*\n\s*\S[^\n]*:\s*\n/);
    return next < 0 ? rest : rest.slice(0, next);
  };
  const value = (text: string | null, label: string): number | null => {
    if (text === null) return null;
    const match = new RegExp(String.raw`${label}:\s*${NUMBER}`).exec(text);
    return match ? parseLevel(match[1]) : null;
  };
  const integrated = section('Integrated loudness:');
  const range = section('Loudness range:');
  const peak = section('True peak:');
  const samplePeak = section('Sample peak:');
  const integratedLufs = value(integrated, 'I');
  const thresholdLufs = value(integrated, 'Threshold');
  const lra = value(range, 'LRA');
  const lraLowLufs = value(range, 'LRA low');
  const lraHighLufs = value(range, 'LRA high');
  if (
    integratedLufs === null ||
    thresholdLufs === null ||
    lra === null ||
    lraLowLufs === null ||
    lraHighLufs === null
  ) {
    return null;
  }
  return {
    integratedLufs,
    thresholdLufs,
    lra,
    lraLowLufs,
    lraHighLufs,
    truePeakDbtp: value(peak, 'Peak'),
    samplePeakDbfs: value(samplePeak, 'Peak'),
  };
}

/**
 * Where the last summary of the meter `ebur128@<meter>` starts. ffmpeg may configure a filter
 * graph twice and each closing meter logs a summary: the last one is the measurement.
 */
function meterSummaryStart(stderr: string, meter: string): number {
  const pattern = new RegExp(String.raw`\[ebur128@${meter} @ [^\]]*\] Summary:`, 'g');
  let start = -1;
  for (const match of stderr.matchAll(pattern))
    start = match.index + match[0].length - 'Summary:'.length;
  return start;
}

const FRAME_PATTERN = new RegExp(String.raw`\bt:\s*(\d+(?:\.\d+)?)\s.*?\bM:\s*${NUMBER}`);

/** One per-frame line of ebur128 (`framelog=info`), or null for any other line. */
export function parseEbur128Frame(line: string): MomentaryFrame | null {
  if (!line.includes('TARGET:')) return null;
  const match = FRAME_PATTERN.exec(line);
  if (!match) return null;
  return { t: Number(match[1]), lufs: parseLevel(match[2]) };
}

export interface SpeechBoundsOptions {
  /** Momentary loudness this far below the integrated loudness counts as silence. */
  relativeGateLu: number;
  /** …and anything below this always does. */
  absoluteGateLufs: number;
  /** Kept before the first and after the last loud window, so onsets and decays are not cut. */
  padS: number;
  /** Silence shorter than this at either end is left alone. */
  minTrimS: number;
}

export const DEFAULT_SPEECH_BOUNDS: SpeechBoundsOptions = {
  relativeGateLu: 20,
  absoluteGateLufs: -70,
  padS: 0.1,
  minTrimS: 0.3,
};

/** ebur128's momentary window. */
const MOMENTARY_WINDOW_S = 0.4;

export interface SpeechBounds {
  startS: number;
  endS: number;
}

/**
 * The part of a recording between its leading and trailing silence, from the momentary loudness
 * of pass 1. Silence is relative to the recording's own loudness, so a quiet recording with a hiss
 * floor is trimmed as well as a loud one. Null when nothing is louder than the gate (silent).
 */
export function speechBounds(
  frames: readonly MomentaryFrame[],
  integratedLufs: number,
  durationS: number,
  options: SpeechBoundsOptions = DEFAULT_SPEECH_BOUNDS,
): SpeechBounds | null {
  const gate = Math.max(integratedLufs - options.relativeGateLu, options.absoluteGateLufs);
  const loud = frames.filter((frame) => frame.lufs >= gate);
  if (loud.length === 0 || durationS <= 0) return null;
  const first = loud[0];
  const last = loud[loud.length - 1];
  // A frame's loudness covers the 400 ms before its time stamp.
  let startS = Math.max(0, first.t - MOMENTARY_WINDOW_S - options.padS);
  let endS = Math.min(durationS, last.t + options.padS);
  if (startS < options.minTrimS) startS = 0;
  if (durationS - endS < options.minTrimS) endS = durationS;
  return { startS: round3(startS), endS: round3(endS) };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
