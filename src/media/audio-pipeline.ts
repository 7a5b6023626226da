import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Demuxer } from './audio-container';
import { chooseDownmix } from './downmix';
import { LoudnessWarning } from './entities/audio-asset.entity';
import {
  analysisArgs,
  Downmix,
  RenderChain,
  measureArgs,
  METERS,
  renderArgs,
  renditionTargets,
  wav,
} from './ffmpeg-args';
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
  listeningGains,
  loudnessWarning,
  LoudnessTarget,
  NormalizationPlan,
  renderChain,
  settledGain,
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
  /** Gains tried through the limiter besides the codec check's (in its pass, then one by one). */
  gainTrials: number;
  /** LU the MP3 encoder took from the excerpt (the rendition was aimed that much higher). */
  codecLossLu: number;
  /** Wall time of each stage, in milliseconds. */
  timings: StageTimings;
}

export interface StageTimings {
  analyse: number;
  /** The listening pass: codec check and the gain trials beside it. */
  listen: number;
  /** Further gain trials, one at a time (none when the listening pass settled the gain). */
  search: number;
  /** Render and encode, with the MP3 measured as it is written. */
  render: number;
}

/** Renders after which a rendition that still misses the true-peak limit fails the job. */
const MAX_RENDERS = 3;

const STAGES = [
  { name: 'analyse', weight: 45 },
  { name: 'search', weight: 10 },
  { name: 'render', weight: 45 },
];

/**
 * The broadcast rendition of one recording, in as few decodes as possible:
 * 1. analyse (one decode of the original): the original measured as it is (ITU-R BS.1770, all
 *    channels), the mono downmix resampled to 44.1 kHz and measured with true peak and momentary
 *    loudness (silence bounds), kept as float WAV; only when the channels cancel in the usual
 *    downmix (anti-phase, see downmix.ts) is the original decoded once more, to the other one;
 * 2. listen, in one pass over a sample of it (64 s at most): what the MP3 encoder takes away and,
 *    only if a limiter is needed, the loudness at three gains through it, which mostly settles
 *    the gain (otherwise short trials follow, one at a time);
 * 3. render: trim silence, gain (and limiter), encode MP3, in one process, while a second process
 *    measures the MP3 as it is written (as a listener decodes it, true peak included); render
 *    again only if it misses the target.
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
    const timings: StageTimings = { analyse: 0, listen: 0, search: 0, render: 0 };
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
    const firstPlan = initialPlan(analysis.summary, this.target);
    const listening = await timed(
      'listen',
      this.gains.listen(
        analysedPath,
        bounds,
        fileLufs,
        firstPlan,
        listeningGains(firstPlan, analysis.summary.truePeakDbtp),
        run.signal,
      ),
    );
    const loss = listening.lossLu;
    // Aim above the target by what the encoder takes away; the true-peak limit stays.
    const aim = { ...this.target, integratedLufs: this.target.integratedLufs + loss };
    let plan = initialPlan(analysis.summary, aim);
    let gainTrials = listening.trials.length - 1;
    if (plan.path === 'dynamic') {
      // The codec check's gain either kept the peaks under the limiter's ceiling or went through
      // the same limiter: either way it is a point of the curve, like the trials beside it.
      let gainDb = settledGain(listening.trials, aim.integratedLufs);
      if (gainDb === null) {
        const trials = await timed(
          'search',
          this.gains.searchGain(listening.sample, fileLufs, plan, aim, listening.trials, run.signal, (done) =>
            report('search', done),
          ),
        );
        gainTrials = trials.length - 1;
        gainDb = bestTrial(trials, aim.integratedLufs).gainDb;
      }
      plan = { ...plan, gainDb };
    }
    report('search', 1);

    const keptS = bounds.endS - bounds.startS;
    for (let renders = 1; ; renders += 1) {
      const measured = await timed(
        'render',
        this.render(analysedPath, input.outputPath, renderChain(bounds, plan), run.signal, (seconds) =>
          report('render', seconds / keptS),
        ),
      );
      const outcome: PipelineOutcome = {
        input: analysis.original,
        downmix: { kind: analysis.downmix, summary: analysis.summary },
        warning: loudnessWarning(measured, this.target),
        targetLufs: this.target.integratedLufs,
        bounds,
        plan,
        rendition: measured,
        // The rendition is the kept range, sample for sample (the MP3's header carries the
        // encoder delay, which decoders drop).
        durationS: keptS,
        renders,
        gainTrials,
        codecLossLu: loss,
        timings: { ...timings },
      };
      const next = correctedPlan(plan, measured, this.target);
      if (next === null) return outcome;
      const peakOver = measured.truePeakDbtp > this.target.truePeakDbtp;
      if (renders >= MAX_RENDERS) {
        if (peakOver) {
          throw new PipelineError(
            `The rendition's true peak stays at ${measured.truePeakDbtp} dBTP, above the ${this.target.truePeakDbtp} dBTP limit`,
            true,
          );
        }
        return outcome;
      }
      plan = renders === MAX_RENDERS - 1 && peakOver ? lastResortPlan(plan, measured.truePeakDbtp, this.target) : next;
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

  /**
   * Renders and encodes the MP3 (to `outputPath`), and measures the MP3 as it is written, as a
   * listener decodes it: the stored values, and the proof that the true peak holds on the MP3.
   */
  private async render(
    analysedPath: string,
    outputPath: string,
    chain: RenderChain,
    signal: AbortSignal | undefined,
    onProgress: (seconds: number) => void,
  ): Promise<LoudnessSummary & { truePeakDbtp: number }> {
    const { mp3 } = await this.runner.withMeasuredMp3('render', measureArgs(), signal, (side) =>
      this.runner.run('render', wav(analysedPath), renderArgs(chain, this.bitrateKbps), renditionTargets(outputPath), {
        ...side,
        onProgress,
      }),
    );
    const { summary } = mp3;
    if (summary.truePeakDbtp === null) {
      throw new PipelineError('The rendition measurement has no true peak', false);
    }
    return { ...summary, truePeakDbtp: summary.truePeakDbtp };
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
