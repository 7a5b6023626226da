import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Demuxer } from './audio-container';
import { chooseDownmix } from './downmix';
import { LoudnessWarning } from './entities/audio-asset.entity';
import { analysisArgs, Downmix, measureArgs, METERS, mp3, renderArgs, wav } from './ffmpeg-args';
import { JobProgress } from './ffmpeg-progress';
import { GainFinder } from './gain-finder';
import {
  LoudnessSummary,
  MomentaryFrame,
  parseEbur128Frame,
  SpeechBounds,
  speechBounds,
} from './loudness';
import {
  bestTrial,
  correctedPlan,
  initialPlan,
  loudnessWarning,
  LoudnessTarget,
  NormalizationPlan,
  renderChain,
} from './normalization-plan';
import { PipelineError, PipelineRunner } from './pipeline-runner';
import { analysisLimits } from './work-budget';

export interface PipelineInput {
  originalPath: string;
  /** The original's container, identified by its content: the only demuxer that may open it. */
  demuxer: Demuxer;
  channels: number;
  sampleRate: number;
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
  /** The original as ITU-R BS.1770 measures it (all channels, before any downmix). */
  input: LoudnessSummary;
  /** The mono downmix the rendition is made from, and its measurement. */
  downmix: { kind: Downmix; summary: LoudnessSummary };
  /** Set when the rendition could not reach the target (see `loudnessWarning`). */
  warning: LoudnessWarning | null;
  /** The station target the rendition was normalized to. */
  targetLufs: number;
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
 * 1. analyse (one decode of the original): the original measured as it is (ITU-R BS.1770, all
 *    channels), the mono downmix resampled to 44.1 kHz and measured with true peak and momentary
 *    loudness (silence bounds), kept as float WAV; only when the channels cancel in the usual
 *    downmix (anti-phase, see downmix.ts) is the original decoded once more, to the other one;
 * 2. on a sample of it (64 s at most): what the MP3 encoder takes away, and, only if a limiter
 *    is needed, the gain that reaches the target through it (short measuring runs, no decode);
 * 3. render: trim silence, gain (and limiter), encode MP3, in one process;
 * 4. measure the MP3 as decoded by a listener; render again only if it misses the target.
 */
@Injectable()
export class AudioPipeline {
  private readonly target: LoudnessTarget;
  private readonly bitrateKbps: number;
  private readonly maxDurationS: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly runner: PipelineRunner,
    private readonly gains: GainFinder,
    private readonly clock: Clock,
  ) {
    this.target = {
      integratedLufs: config.audio.targetLufs,
      truePeakDbtp: config.audio.truePeakDbtp,
      lra: config.audio.lra,
    };
    this.bitrateKbps = config.audio.bitrateKbps;
    this.maxDurationS = config.audio.maxDurationSeconds;
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
      this.gains.takeSample(input.workDir, analysedPath, bounds, fileLufs, run.signal),
    );
    const codec = await timed(
      'codecCheck',
      this.gains.codecCheck(
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
        this.gains.searchGain(sample, fileLufs, plan, aim, [codec.trial], run.signal, (done) =>
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
        this.runner.run('render', wav(analysedPath), renderArgs(chain, this.bitrateKbps), input.outputPath, {
          signal: run.signal,
          onProgress: (seconds) => report('render', seconds / keptS),
        }),
      );
      const measured = await timed(
        'measure',
        this.measure(input.outputPath, run.signal, (seconds) => report('measure', seconds / keptS)),
      );
      const outcome: PipelineOutcome = {
        input: analysis.original,
        downmix: { kind: analysis.downmix, summary: analysis.summary },
        warning: loudnessWarning(measured.summary, this.target),
        targetLufs: this.target.integratedLufs,
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

  /**
   * Pass 1. A recording with several channels is measured as it is and through both downmixes in
   * one decode; when the usual downmix cancels (see `chooseDownmix`) the other one is made in a
   * second decode, which only such recordings pay.
   */
  private async analyse(
    input: PipelineInput,
    analysedPath: string,
    signal: AbortSignal | undefined,
    onProgress: (seconds: number) => void,
  ): Promise<{
    original: LoudnessSummary;
    summary: LoudnessSummary;
    downmix: Downmix;
    frames: MomentaryFrame[];
    durationS: number;
  }> {
    let frames: MomentaryFrame[] = [];
    const original = { path: input.originalPath, demuxer: input.demuxer };
    const limits = analysisLimits(
      { durationS: input.durationS, channels: input.channels, sampleRate: input.sampleRate },
      this.maxDurationS,
    );
    const options = {
      signal,
      onProgress,
      limits,
      onStderrLine: (line: string) => {
        const frame = parseEbur128Frame(line);
        if (frame) frames.push(frame);
      },
    };
    // Stopped by -t or by -fs: the original decodes to more than it was accepted with.
    const refuseIfCut = (run: { outTimeS: number; outBytes: number }) => {
      if (run.outTimeS >= limits.maxSeconds - 0.05 || run.outBytes >= limits.maxBytes) {
        throw new PipelineError(
          `The recording decodes to more than the ${limits.maxSeconds.toFixed(1)} s it was accepted with; decoding was cut there`,
          true,
        );
      }
    };
    if (input.channels === 1) {
      // A mono original is its own downmix: its one measurement is both.
      const run = await this.runner.loudness(
        'analyse',
        original,
        analysisArgs(1),
        analysedPath,
        options,
      );
      refuseIfCut(run);
      return {
        original: run.summary,
        summary: run.summary,
        downmix: 'sum',
        frames,
        durationS: run.outTimeS,
      };
    }
    const run = await this.runner.meters(
      'analyse',
      original,
      analysisArgs(input.channels, 'sum'),
      [METERS.original, METERS.downmix, METERS.difference],
      analysedPath,
      options,
    );
    refuseIfCut(run);
    const originalSummary = run.summaries[METERS.original];
    if (chooseDownmix(run.summaries[METERS.downmix], run.summaries[METERS.difference]) === 'sum') {
      // A stereo downmix is measured without true peak: the original's bounds it (analysisArgs).
      const downmix = run.summaries[METERS.downmix];
      const summary = {
        ...downmix,
        truePeakDbtp: downmix.truePeakDbtp ?? originalSummary.truePeakDbtp,
      };
      return { original: originalSummary, summary, downmix: 'sum', frames, durationS: run.outTimeS };
    }
    frames = [];
    const again = await this.runner.loudness(
      'analyse',
      original,
      analysisArgs(input.channels, 'difference'),
      analysedPath,
      options,
    );
    refuseIfCut(again);
    return {
      original: originalSummary,
      summary: again.summary,
      downmix: 'difference',
      frames,
      durationS: again.outTimeS,
    };
  }

  private async measure(
    path: string,
    signal: AbortSignal | undefined,
    onProgress: (seconds: number) => void,
  ): Promise<{ summary: LoudnessSummary & { truePeakDbtp: number }; durationS: number }> {
    const { summary, outTimeS } = await this.runner.loudness('measure', mp3(path), measureArgs(), '-', {
      signal,
      onProgress,
    });
    if (summary.truePeakDbtp === null) {
      throw new PipelineError('The rendition measurement has no true peak', false);
    }
    return { summary: { ...summary, truePeakDbtp: summary.truePeakDbtp }, durationS: outTimeS };
  }
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
