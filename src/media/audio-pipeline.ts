import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { looksLikeCorruptInput } from './audio-inspection';
import {
  analysisArgs,
  codecCheckArgs,
  FfmpegArgs,
  gainTrialArgs,
  loudnessArgs,
  measureArgs,
  RenderChain,
  renderArgs,
  sampleArgs,
  TimeRange,
} from './ffmpeg-args';
import { JobProgress } from './ffmpeg-progress';
import { FfmpegAdapter, FfmpegFailure } from './ffmpeg.adapter';
import {
  LoudnessSummary,
  MomentaryFrame,
  parseEbur128Frame,
  parseEbur128Summary,
  SpeechBounds,
  speechBounds,
} from './loudness';
import {
  bestTrial,
  codecLoss,
  correctedPlan,
  GainTrial,
  initialPlan,
  LoudnessTarget,
  NormalizationPlan,
  nextGainTrial,
  predictedLoudness,
  sampleWindows,
} from './normalization-plan';

/** A failure of the pipeline; `permanent` ones (broken or silent input) are not retried. */
export class PipelineError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'PipelineError';
  }
}

export interface PipelineInput {
  originalPath: string;
  channels: number;
  /** Declared duration of the original, for progress. */
  durationS: number;
  /** Scratch folder of this run. */
  workDir: string;
  /** Where the MP3 is written (a temporary name; the caller renames it). */
  outputPath: string;
}

export interface PipelineRun {
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
}

export interface PipelineOutcome {
  input: LoudnessSummary;
  bounds: SpeechBounds;
  plan: NormalizationPlan;
  rendition: LoudnessSummary & { truePeakDbtp: number };
  durationS: number;
  /** Renders it took (1 unless the encoded MP3 missed the target and was rendered again). */
  renders: number;
  gainTrials: number;
  /** LU the MP3 encoder took from the excerpt (the rendition was aimed that much higher). */
  codecLossLu: number;
  /** Wall time of each stage, in milliseconds. */
  timings: StageTimings;
}

export interface StageTimings {
  analyse: number;
  codecCheck: number;
  search: number;
  render: number;
  measure: number;
}

/** Renders after which a rendition that still misses the true-peak limit fails the job. */
const MAX_RENDERS = 3;

const STAGES = [
  { name: 'analyse', weight: 40 },
  { name: 'search', weight: 10 },
  { name: 'render', weight: 35 },
  { name: 'measure', weight: 15 },
];

/**
 * The broadcast rendition of one recording, in as few decodes as possible:
 * 1. analyse (one decode of the original): mono downmix, resample to 44.1 kHz, EBU R128
 *    measurement with true peak and momentary loudness, the result kept as float WAV;
 * 2. only if a limiter is needed: the gain that reaches the target through it, found by short
 *    measuring runs on the analysed audio (no decode, no encode, no true peak);
 * 3. render: trim silence, gain (and limiter), encode MP3 — one process;
 * 4. measure the MP3 as decoded by a listener; render again only if it misses the target.
 */
@Injectable()
export class AudioPipeline {
  private readonly target: LoudnessTarget;
  private readonly bitrateKbps: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly ffmpeg: FfmpegAdapter,
    private readonly clock: Clock,
  ) {
    this.target = {
      integratedLufs: config.audio.targetLufs,
      truePeakDbtp: config.audio.truePeakDbtp,
      lra: config.audio.lra,
    };
    this.bitrateKbps = config.audio.bitrateKbps;
  }

  async process(input: PipelineInput, run: PipelineRun = {}): Promise<PipelineOutcome> {
    const progress = new JobProgress(STAGES);
    const report = (stage: string, fraction: number): void =>
      run.onProgress?.(progress.at(stage, fraction));
    const analysedPath = join(input.workDir, 'analysed.wav');
    const timings: StageTimings = { analyse: 0, codecCheck: 0, search: 0, render: 0, measure: 0 };
    const timed = async <T>(stage: keyof StageTimings, work: Promise<T>): Promise<T> => {
      const started = this.clock.nowMs();
      try {
        return await work;
      } finally {
        timings[stage] += this.clock.nowMs() - started;
      }
    };

    const analysis = await timed(
      'analyse',
      this.analyse(input, analysedPath, run.signal, (seconds) =>
        report('analyse', seconds / Math.max(input.durationS, 0.001)),
      ),
    );
    const bounds = speechBounds(analysis.frames, analysis.summary.integratedLufs, analysis.durationS);
    if (bounds === null || analysis.summary.integratedLufs <= -70) {
      throw new PipelineError('The recording is silent: nothing in it is loud enough to broadcast', true);
    }

    const fileLufs = analysis.summary.integratedLufs;
    const sample = await timed(
      'codecCheck',
      this.takeSample(input.workDir, analysedPath, bounds, fileLufs, run.signal),
    );
    const codec = await timed(
      'codecCheck',
      this.codecCheck(
        input.workDir,
        sample,
        fileLufs,
        initialPlan(analysis.summary, this.target),
        run.signal,
      ),
    );
    const loss = codec.lossLu;
    // Aim above the target by what the encoder takes away; the true-peak limit stays.
    const aim = { ...this.target, integratedLufs: this.target.integratedLufs + loss };
    let plan = initialPlan(analysis.summary, aim);
    let gainTrials = 0;
    if (plan.path === 'dynamic') {
      // The codec check's gain either kept the peaks under the limiter's ceiling or went through
      // the same limiter: either way it is a point of the curve the search walks.
      const trials = await timed(
        'search',
        this.searchGain(sample, fileLufs, plan, aim, [codec.trial], run.signal, (done) =>
          report('search', done),
        ),
      );
      gainTrials = trials.length - 1;
      plan = { ...plan, gainDb: bestTrial(trials, aim.integratedLufs).gainDb };
    }
    report('search', 1);

    const keptS = bounds.endS - bounds.startS;
    for (let renders = 1; ; renders += 1) {
      const chain = renderChain(bounds, plan);
      await timed(
        'render',
        this.step(
          'render',
          this.ffmpeg.run(analysedPath, renderArgs(chain, this.bitrateKbps), input.outputPath, {
            signal: run.signal,
            onProgress: (seconds) => report('render', seconds / keptS),
          }),
        ),
      );
      const measured = await timed(
        'measure',
        this.measure(input.outputPath, run.signal, (seconds) => report('measure', seconds / keptS)),
      );
      const outcome: PipelineOutcome = {
        input: analysis.summary,
        bounds,
        plan,
        rendition: measured.summary,
        durationS: measured.durationS,
        renders,
        gainTrials,
        codecLossLu: loss,
        timings: { ...timings },
      };
      const next = correctedPlan(plan, measured.summary, this.target);
      if (next === null) return outcome;
      const peakOver = measured.summary.truePeakDbtp > this.target.truePeakDbtp;
      if (renders >= MAX_RENDERS) {
        if (peakOver) {
          throw new PipelineError(
            `The rendition's true peak stays at ${measured.summary.truePeakDbtp} dBTP, above the ${this.target.truePeakDbtp} dBTP limit`,
            true,
          );
        }
        return outcome;
      }
      plan = renders === MAX_RENDERS - 1 && peakOver ? lastResortPlan(plan, measured.summary.truePeakDbtp, this.target) : next;
    }
  }

  private async analyse(
    input: PipelineInput,
    analysedPath: string,
    signal: AbortSignal | undefined,
    onProgress: (seconds: number) => void,
  ): Promise<{ summary: LoudnessSummary; frames: MomentaryFrame[]; durationS: number }> {
    const frames: MomentaryFrame[] = [];
    const lines: string[] = [];
    const result = await this.step(
      'analyse',
      this.ffmpeg.run(input.originalPath, analysisArgs(input.channels), analysedPath, {
        signal,
        onProgress,
        onStderrLine: (line) => {
          const frame = parseEbur128Frame(line);
          if (frame) frames.push(frame);
          else if (lines.length < 2000) lines.push(line);
        },
      }),
    );
    const summary = parseEbur128Summary(lines.join('\n'));
    if (!summary) throw new PipelineError('Pass 1 gave no loudness measurement', false);
    return { summary, frames, durationS: result.outTimeS };
  }

  /**
   * The audio the codec check and the gain search listen to: the kept range of a short recording,
   * or windows spread over a long one cut into a small file, with its own loudness.
   */
  private async takeSample(
    workDir: string,
    analysedPath: string,
    bounds: SpeechBounds,
    fileLufs: number,
    signal: AbortSignal | undefined,
  ): Promise<Sample> {
    const windows = sampleWindows(bounds);
    // A short recording is its own sample (silence trimmed: the same loudness, gated).
    if (windows.length === 1) return { path: analysedPath, range: windows[0], lufs: fileLufs };
    const path = join(workDir, 'sample.wav');
    const lines: string[] = [];
    const result = await this.step(
      'sample',
      this.ffmpeg.run(analysedPath, sampleArgs(windows), path, {
        signal,
        onStderrLine: (line) => lines.push(line),
      }),
    );
    const summary = parseEbur128Summary(lines.join('\n'));
    if (!summary) throw new PipelineError('The sample gave no loudness measurement', false);
    return { path, range: { startS: 0, endS: result.outTimeS }, lufs: summary.integratedLufs };
  }

  /**
   * What the MP3 encoder takes away from this recording: the sample rendered with the plan and
   * encoded (measured just before the encoder), then the MP3 measured. The "before" is also a
   * first trial of the gain search.
   */
  private async codecCheck(
    workDir: string,
    sample: Sample,
    fileLufs: number,
    plan: NormalizationPlan,
    signal: AbortSignal | undefined,
  ): Promise<{ lossLu: number; trial: GainTrial }> {
    const chain = renderChain(sample.range, plan);
    const probePath = join(workDir, 'codec-check.mp3');
    const lines: string[] = [];
    await this.step(
      'codec check',
      this.ffmpeg.run(sample.path, codecCheckArgs(chain, this.bitrateKbps), probePath, {
        signal,
        onStderrLine: (line) => lines.push(line),
      }),
    );
    const before = parseEbur128Summary(lines.join('\n'));
    if (!before) throw new PipelineError('The codec check gave no loudness measurement', false);
    const after = await this.measureWith(probePath, loudnessArgs(), signal);
    return {
      lossLu: codecLoss(before.integratedLufs, after.integratedLufs),
      trial: {
        gainDb: plan.gainDb,
        integratedLufs: predictedLoudness(fileLufs, sample.lufs, before.integratedLufs),
      },
    };
  }

  /**
   * The gain that lands the whole recording on `aim` through the limiter: trials on the sample,
   * each predicting the file's loudness from the file's own loudness and what the chain did to
   * the sample, starting from the trials known already.
   */
  private async searchGain(
    sample: Sample,
    fileLufs: number,
    plan: NormalizationPlan,
    aim: LoudnessTarget,
    known: GainTrial[],
    signal: AbortSignal | undefined,
    onProgress: (fraction: number) => void,
  ): Promise<GainTrial[]> {
    const trials = [...known];
    for (let gainDb = nextGainTrial(trials, aim.integratedLufs); gainDb !== null; ) {
      const processed = await this.measureWith(
        sample.path,
        gainTrialArgs(renderChain(sample.range, { ...plan, gainDb })),
        signal,
      );
      trials.push({
        gainDb,
        integratedLufs: predictedLoudness(fileLufs, sample.lufs, processed.integratedLufs),
      });
      onProgress(trials.length / 5);
      gainDb = nextGainTrial(trials, aim.integratedLufs);
    }
    return trials;
  }

  private async measure(
    path: string,
    signal: AbortSignal | undefined,
    onProgress: (seconds: number) => void,
  ): Promise<{ summary: LoudnessSummary & { truePeakDbtp: number }; durationS: number }> {
    let durationS = 0;
    const summary = await this.measureWith(path, measureArgs(), signal, (seconds) => {
      durationS = seconds;
      onProgress(seconds);
    });
    if (summary.truePeakDbtp === null) {
      throw new PipelineError('The rendition measurement has no true peak', false);
    }
    return { summary: { ...summary, truePeakDbtp: summary.truePeakDbtp }, durationS };
  }

  private async measureWith(
    input: string,
    args: FfmpegArgs,
    signal: AbortSignal | undefined,
    onProgress?: (seconds: number) => void,
  ): Promise<LoudnessSummary> {
    const lines: string[] = [];
    await this.step(
      'measure',
      this.ffmpeg.run(input, args, '-', {
        signal,
        onProgress,
        onStderrLine: (line) => {
          if (lines.length < 2000) lines.push(line);
        },
      }),
    );
    const summary = parseEbur128Summary(lines.join('\n'));
    if (!summary) throw new PipelineError('ffmpeg gave no loudness measurement', false);
    return summary;
  }

  /** Runs one ffmpeg step; a failure on broken input becomes permanent, others stay retryable. */
  private async step<T>(name: string, running: Promise<T>): Promise<T> {
    try {
      return await running;
    } catch (error) {
      if (error instanceof FfmpegFailure) {
        const permanent = error.kind === 'failed' && looksLikeCorruptInput(error.stderrTail);
        throw new PipelineError(`${name}: ${error.message}`, permanent);
      }
      throw error;
    }
  }
}

/** Where the codec check and the gain search listen (see `takeSample`). */
interface Sample {
  path: string;
  /** The part of `path` to use. */
  range: TimeRange;
  /** Its integrated loudness as it is. */
  lufs: number;
}

function renderChain(bounds: TimeRange, plan: NormalizationPlan): RenderChain {
  return {
    trimStartS: bounds.startS,
    trimEndS: bounds.endS,
    gainDb: plan.gainDb,
    limiterCeilingDbfs: plan.limiterCeilingDbfs,
    compressor: plan.compressor,
  };
}

/** The peak limit wins over loudness: ceiling and gain both lowered past the overshoot. */
function lastResortPlan(
  plan: NormalizationPlan,
  truePeakDbtp: number,
  target: LoudnessTarget,
): NormalizationPlan {
  const drop = truePeakDbtp - target.truePeakDbtp + 1;
  const ceiling = plan.limiterCeilingDbfs ?? target.truePeakDbtp - 1;
  return {
    ...plan,
    path: 'dynamic',
    gainDb: Math.round((plan.gainDb - drop) * 100) / 100,
    limiterCeilingDbfs: Math.round((ceiling - drop) * 100) / 100,
  };
}
