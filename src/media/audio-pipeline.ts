import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { looksLikeCorruptInput } from './audio-inspection';
import {
  analysisArgs,
  FfmpegArgs,
  gainTrialArgs,
  loudnessArgs,
  measureArgs,
  RenderChain,
  renderArgs,
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
  codecExcerpt,
  codecLoss,
  correctedPlan,
  GainTrial,
  initialPlan,
  LoudnessTarget,
  NormalizationPlan,
  nextGainTrial,
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

    const analysis = await this.analyse(input, analysedPath, run.signal, (seconds) =>
      report('analyse', seconds / Math.max(input.durationS, 0.001)),
    );
    const bounds = speechBounds(analysis.frames, analysis.summary.integratedLufs, analysis.durationS);
    if (bounds === null || analysis.summary.integratedLufs <= -70) {
      throw new PipelineError('The recording is silent: nothing in it is loud enough to broadcast', true);
    }

    const loss = await this.codecLoss(
      input.workDir,
      analysedPath,
      bounds,
      initialPlan(analysis.summary, this.target),
      run.signal,
    );
    // Aim above the target by what the encoder takes away; the true-peak limit stays.
    const aim = { ...this.target, integratedLufs: this.target.integratedLufs + loss };
    let plan = initialPlan(analysis.summary, aim);
    let gainTrials = 0;
    if (plan.path === 'dynamic') {
      const trials = await this.searchGain(analysedPath, bounds, plan, aim, run.signal, (done) =>
        report('search', done),
      );
      gainTrials = trials.length;
      plan = { ...plan, gainDb: bestTrial(trials, aim.integratedLufs).gainDb };
    }
    report('search', 1);

    const keptS = bounds.endS - bounds.startS;
    for (let renders = 1; ; renders += 1) {
      const chain = renderChain(bounds, plan);
      await this.step(
        'render',
        this.ffmpeg.run(analysedPath, renderArgs(chain, this.bitrateKbps), input.outputPath, {
          signal: run.signal,
          onProgress: (seconds) => report('render', seconds / keptS),
        }),
      );
      const measured = await this.measure(input.outputPath, run.signal, (seconds) =>
        report('measure', seconds / keptS),
      );
      const outcome: PipelineOutcome = {
        input: analysis.summary,
        bounds,
        plan,
        rendition: measured.summary,
        durationS: measured.durationS,
        renders,
        gainTrials,
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
   * LU the MP3 encoder takes away from this recording: an excerpt rendered with the plan, measured
   * before and after encoding (three short runs on at most 30 s of audio).
   */
  private async codecLoss(
    workDir: string,
    analysedPath: string,
    bounds: SpeechBounds,
    plan: NormalizationPlan,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const chain = renderChain(codecExcerpt(bounds), plan);
    const probePath = join(workDir, 'codec-check.mp3');
    const before = await this.measureWith(analysedPath, gainTrialArgs(chain), signal);
    await this.step(
      'codec check',
      this.ffmpeg.run(analysedPath, renderArgs(chain, this.bitrateKbps), probePath, { signal }),
    );
    const after = await this.measureWith(probePath, loudnessArgs(), signal);
    return codecLoss(before.integratedLufs, after.integratedLufs);
  }

  private async searchGain(
    analysedPath: string,
    bounds: SpeechBounds,
    plan: NormalizationPlan,
    aim: LoudnessTarget,
    signal: AbortSignal | undefined,
    onProgress: (fraction: number) => void,
  ): Promise<GainTrial[]> {
    const trials: GainTrial[] = [];
    for (let gainDb: number | null = plan.gainDb; gainDb !== null; ) {
      const summary = await this.measureWith(
        analysedPath,
        gainTrialArgs(renderChain(bounds, { ...plan, gainDb })),
        signal,
      );
      trials.push({ gainDb, integratedLufs: summary.integratedLufs });
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

function renderChain(bounds: SpeechBounds, plan: NormalizationPlan): RenderChain {
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
