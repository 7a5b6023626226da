import { CompressorSettings, RenderChain, TimeRange } from './ffmpeg-args';
import { LoudnessWarning } from './entities/audio-asset.entity';
import { LoudnessSummary } from './loudness';

/**
 * How a recording is brought to the broadcast loudness (EBU R128), decided from the measurement
 * of pass 1, the way `loudnorm` decides in its second pass:
 * - `linear`: one constant gain (target − measured integrated loudness) keeps the true peak under
 *   the limit and the loudness range under its target. This is exactly loudnorm's linear mode.
 * - `dynamic`: it does not; the gain is followed by a look-ahead limiter (and, when the loudness
 *   range is too wide, a slow compressor), and the gain that lands on the target through them is
 *   searched on the analysed audio (see `nextGainTrial`).
 */
export type NormalizationPath = 'linear' | 'dynamic';

export interface LoudnessTarget {
  integratedLufs: number;
  truePeakDbtp: number;
  lra: number;
}

export interface NormalizationPlan {
  path: NormalizationPath;
  gainDb: number;
  limiterCeilingDbfs: number | null;
  compressor: CompressorSettings | null;
}

/**
 * Room kept under the true-peak limit before encoding: MP3 encoding and the reconstruction
 * between samples add peak that the sample-peak limiter does not see. The rendition is measured
 * afterwards and re-rendered with more room if it still overshoots.
 */
export const ENCODER_HEADROOM_DB = 1.0;

/** Never raise a recording by more than this (beyond it only noise gets louder). */
export const MAX_GAIN_DB = 40;

export function initialPlan(input: LoudnessSummary, target: LoudnessTarget): NormalizationPlan {
  const gainDb = Math.min(MAX_GAIN_DB, target.integratedLufs - input.integratedLufs);
  const peakAfterGain = (input.truePeakDbtp ?? 0) + gainDb;
  const peakRoom = target.truePeakDbtp - ENCODER_HEADROOM_DB;
  const rangeTooWide = input.lra > target.lra;
  if (peakAfterGain <= peakRoom && !rangeTooWide) {
    return { path: 'linear', gainDb: round2(gainDb), limiterCeilingDbfs: null, compressor: null };
  }
  return {
    path: 'dynamic',
    gainDb: round2(gainDb),
    limiterCeilingDbfs: round2(peakRoom),
    compressor: rangeTooWide ? compressorFor(input.lra, target) : null,
  };
}

/**
 * A slow compressor that narrows the loudness range to about its target: parts louder than the
 * target loudness are reduced by the ratio of the measured range to the target range.
 */
export function compressorFor(measuredLra: number, target: LoudnessTarget): CompressorSettings {
  return {
    thresholdDbfs: round2(target.integratedLufs),
    ratio: round2(Math.min(4, Math.max(1.2, measuredLra / target.lra))),
  };
}

export interface GainTrial {
  gainDb: number;
  integratedLufs: number;
}

/** A trial this close to the target ends the search. */
export const GAIN_SEARCH_TOLERANCE_LU = 0.1;
export const GAIN_SEARCH_MAX_TRIALS = 5;

/**
 * The next gain to try, or null when the search is over (close enough, out of trials, or the
 * limiter no longer lets more gain through). Loudness after a limiter grows more slowly than the
 * gain, so the first step assumes slope 1 (it stays under the target) and later steps use the
 * secant through two trials: the two around the target when there are such, else the two
 * nearest it.
 */
export function nextGainTrial(trials: readonly GainTrial[], targetLufs: number): number | null {
  if (trials.length === 0) throw new Error('The search starts from a first trial');
  const best = bestTrial(trials, targetLufs);
  if (Math.abs(best.integratedLufs - targetLufs) <= GAIN_SEARCH_TOLERANCE_LU) return null;
  if (trials.length >= GAIN_SEARCH_MAX_TRIALS) return null;
  let next: number;
  if (trials.length === 1) {
    next = best.gainDb + (targetLufs - best.integratedLufs);
  } else {
    const [low, high] = secantPair(trials, targetLufs);
    const slope = (high.integratedLufs - low.integratedLufs) / (high.gainDb - low.gainDb || 1e-9);
    if (!(slope > 0.02)) return null;
    // A secant step on a concave curve can overshoot; never move more than 12 dB at once.
    const step = Math.max(-12, Math.min(12, (targetLufs - best.integratedLufs) / slope));
    next = best.gainDb + step;
  }
  next = round2(Math.min(MAX_GAIN_DB, next));
  return trials.some((trial) => Math.abs(trial.gainDb - next) < 0.005) ? null : next;
}

/** Two trials to draw the secant through, lower gain first (see `nextGainTrial`). */
function secantPair(trials: readonly GainTrial[], targetLufs: number): [GainTrial, GainTrial] {
  const byGain = [...trials].sort((a, b) => a.gainDb - b.gainDb);
  const bracket = bracketOf(byGain, targetLufs);
  if (bracket) return bracket;
  const nearest = [...trials]
    .sort(
      (a, b) => Math.abs(a.integratedLufs - targetLufs) - Math.abs(b.integratedLufs - targetLufs),
    )
    .slice(0, 2)
    .sort((a, b) => a.gainDb - b.gainDb);
  return [nearest[0], nearest[1]];
}

/** Neighbouring trials (by gain) whose loudness lies on either side of the target. */
function bracketOf(
  byGain: readonly GainTrial[],
  targetLufs: number,
): [GainTrial, GainTrial] | null {
  for (let i = 1; i < byGain.length; i += 1) {
    const [low, high] = [byGain[i - 1], byGain[i]];
    if (low.integratedLufs <= targetLufs && targetLufs <= high.integratedLufs) return [low, high];
  }
  return null;
}

/**
 * Trials beside the codec check's gain for a plan with a limiter, in the same pass: a third and
 * two thirds of the way to where the gain would lift the peak over the limiter's ceiling by as
 * much again, so that most recordings' target lies between two of them. `peakDbfs` is the sample
 * peak of the analysed downmix: what the (sample-peak) limiter sees. None for a linear plan.
 */
export function listeningGains(plan: NormalizationPlan, peakDbfs: number | null): number[] {
  if (plan.path !== 'dynamic' || plan.limiterCeilingDbfs === null) return [];
  const overCeiling = (peakDbfs ?? 0) + plan.gainDb - plan.limiterCeilingDbfs;
  const span = Math.min(12, Math.max(3, overCeiling));
  return [span / 3, (2 * span) / 3]
    .map((step) => round2(Math.min(MAX_GAIN_DB, plan.gainDb + step)))
    .filter((gainDb, i, gains) => gainDb > plan.gainDb && gains.indexOf(gainDb) === i);
}

/** Whether two plans render alike (the listening pass made for one serves the other). */
export function samePlan(a: NormalizationPlan, b: NormalizationPlan): boolean {
  return (
    a.path === b.path &&
    a.gainDb === b.gainDb &&
    a.limiterCeilingDbfs === b.limiterCeilingDbfs &&
    a.compressor?.thresholdDbfs === b.compressor?.thresholdDbfs &&
    a.compressor?.ratio === b.compressor?.ratio
  );
}

/** Two trials around the target at most this far apart in loudness are joined by a straight line. */
export const INTERPOLATION_MAX_SPAN_LU = 1.0;

/**
 * The gain that lands on the target without another trial, or null when one is needed: a trial
 * within the search tolerance, or the straight line between two trials close around the target
 * (loudness through a limiter is a smooth, concave curve of the gain: over a span of 1 LU the
 * line is off by less than ebur128's 0.1 LU resolution, and the rendition is measured anyway).
 */
export function settledGain(trials: readonly GainTrial[], targetLufs: number): number | null {
  if (trials.length === 0) return null;
  const best = bestTrial(trials, targetLufs);
  if (Math.abs(best.integratedLufs - targetLufs) <= GAIN_SEARCH_TOLERANCE_LU) return best.gainDb;
  const bracket = bracketOf(
    [...trials].sort((a, b) => a.gainDb - b.gainDb),
    targetLufs,
  );
  if (!bracket) return null;
  const [low, high] = bracket;
  const rise = high.integratedLufs - low.integratedLufs;
  if (rise > INTERPOLATION_MAX_SPAN_LU || rise <= 0) return null;
  return round2(
    low.gainDb + ((targetLufs - low.integratedLufs) / rise) * (high.gainDb - low.gainDb),
  );
}

/** The trial closest to the target (ties: the quieter one, which limits less). */
export function bestTrial(trials: readonly GainTrial[], targetLufs: number): GainTrial {
  if (trials.length === 0) throw new Error('No trials');
  return [...trials].sort(
    (a, b) =>
      Math.abs(a.integratedLufs - targetLufs) - Math.abs(b.integratedLufs - targetLufs) ||
      a.gainDb - b.gainDb,
  )[0];
}

/**
 * MP3 encoding at broadcast bitrates takes some loudness away (0.3–0.5 LU on speech at 128 kbps,
 * more on noise-like content), so the rendition is aimed higher by what the encoder took from a
 * short excerpt. Positive: the MP3 came out quieter. Zero when either side is unmeasurable.
 */
export function codecLoss(beforeLufs: number, afterLufs: number): number {
  if (!Number.isFinite(beforeLufs) || !Number.isFinite(afterLufs)) return 0;
  if (beforeLufs <= -69 || afterLufs <= -69) return 0;
  return round2(Math.min(1.5, Math.max(-1, beforeLufs - afterLufs)));
}

export interface SampleOptions {
  /** Length of each window. */
  windowS: number;
  /** Windows spread evenly over the recording. */
  windows: number;
  /** Recordings up to this long are sampled whole. */
  wholeBelowS: number;
}

export const SAMPLE_OPTIONS: SampleOptions = { windowS: 8, windows: 8, wholeBelowS: 90 };

/**
 * Where the gain search and the codec check listen: the whole kept range of a short recording,
 * otherwise evenly spread windows of it (64 s at most, however long the recording). A limiter's
 * and an encoder's effect on loudness are local, so a spread sample shows them at a fraction of
 * the cost of the whole file.
 */
export function sampleWindows(
  bounds: TimeRange,
  options: SampleOptions = SAMPLE_OPTIONS,
): TimeRange[] {
  const kept = bounds.endS - bounds.startS;
  if (kept <= options.wholeBelowS) return [{ startS: bounds.startS, endS: bounds.endS }];
  const stride = kept / options.windows;
  return Array.from({ length: options.windows }, (_, index) => {
    const startS = bounds.startS + index * stride + (stride - options.windowS) / 2;
    return { startS: round3(startS), endS: round3(startS + options.windowS) };
  });
}

/**
 * The whole file's loudness after a processing chain, predicted from the sample: the file's own
 * loudness, the gain, and what the chain did on the sample beyond the gain (the limiter's loss).
 */
export function predictedLoudness(
  fileLufs: number,
  sampleLufs: number,
  processedSampleLufs: number,
): number {
  return round2(fileLufs + (processedSampleLufs - sampleLufs));
}

/** The filters a plan asks for over a span of the analysed audio. */
export function renderChain(range: TimeRange, plan: NormalizationPlan): RenderChain {
  return {
    trimStartS: range.startS,
    trimEndS: range.endS,
    gainDb: plan.gainDb,
    limiterCeilingDbfs: plan.limiterCeilingDbfs,
    compressor: plan.compressor,
  };
}

/** Largest loudness error accepted on the rendition before it is rendered once more. */
export const RENDITION_TOLERANCE_LU = 0.5;

export interface RenditionCheck {
  integratedLufs: number;
  truePeakDbtp: number;
}

/**
 * What to change after measuring an encoded rendition: null when it meets the target, otherwise
 * the plan for one more render (more limiter room for a true-peak overshoot; a gain correction for
 * a loudness miss).
 */
export function correctedPlan(
  plan: NormalizationPlan,
  measured: RenditionCheck,
  target: LoudnessTarget,
): NormalizationPlan | null {
  const overshoot = measured.truePeakDbtp - target.truePeakDbtp;
  const miss = target.integratedLufs - measured.integratedLufs;
  if (overshoot <= 0 && Math.abs(miss) <= RENDITION_TOLERANCE_LU) return null;
  // Too quiet with the whole gain already applied: another render would be the same file.
  if (overshoot <= 0 && miss > 0 && plan.gainDb >= MAX_GAIN_DB) return null;
  const gainDb = round2(Math.min(MAX_GAIN_DB, plan.gainDb + miss));
  if (overshoot > 0) {
    const ceiling =
      (plan.limiterCeilingDbfs ?? target.truePeakDbtp - ENCODER_HEADROOM_DB) - overshoot - 0.3;
    return { ...plan, path: 'dynamic', gainDb, limiterCeilingDbfs: round2(ceiling) };
  }
  return { ...plan, gainDb };
}

/**
 * What the operator must be told about a finished rendition: `too-quiet` when it stays more than
 * the tolerance below the target (the recording needed more than MAX_GAIN_DB, beyond which only
 * noise would get louder; it should be recorded again), otherwise null.
 */
export function loudnessWarning(
  rendition: RenditionCheck,
  target: LoudnessTarget,
): LoudnessWarning | null {
  return rendition.integratedLufs < target.integratedLufs - RENDITION_TOLERANCE_LU
    ? 'too-quiet'
    : null;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
