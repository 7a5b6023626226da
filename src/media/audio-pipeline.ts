import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { Clock } from '../common/clock';
import { together } from '../common/together';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Demuxer } from './audio-container';
import { chooseDownmix, originalPeakBound } from './downmix';
import { LoudnessWarning } from './entities/audio-asset.entity';
import {
  analysisArgs,
  Downmix,
  RenderChain,
  measureArgs,
  METERS,
  originalMeterArgs,
  OutputLimits,
  renderArgs,
  renditionTargets,
  wav,
} from './ffmpeg-args';
import { JobProgress } from './ffmpeg-progress';
import { GainFinder, Listening } from './gain-finder';
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
  samePlan,
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
  /**
   * Listening passes run: 2 when the plan made before the original's true peak was known took
   * another path than the measured one, and the pass was made again with the right plan.
   */
  listenings: number;
  /** LU the MP3 encoder took from the excerpt (the rendition was aimed that much higher). */
  codecLossLu: number;
  /** Wall time of each stage, in milliseconds. */
  timings: StageTimings;
}

export interface StageTimings {
  /** The downmix: decoded, measured, kept as float WAV. */
  analyse: number;
  /** The original's own meter (true peak), beside `analyse` and `listen`, on the other core. */
  original: number;
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
 * 1. analyse, two processes at once, one a core (a decode of the original each; decoding is a
 *    small part of the work): the original measured as it is (ITU-R BS.1770, all channels, true
 *    peak) by one; by the other the mono downmix resampled to 44.1 kHz and measured with its
 *    sample peak and momentary loudness (silence bounds), kept as float WAV, and the other
 *    downmix's loudness (anti-phase, see downmix.ts: only when the channels cancel is the
 *    original decoded once more, to the other downmix);
 * 2. listen, in one pass over a sample of it (64 s at most): what the MP3 encoder takes away and,
 *    only if a limiter is needed, the loudness at three gains through it, which mostly settles
 *    the gain (otherwise short trials follow, one at a time). It starts when the downmix is
 *    measured, with the downmixes' sample peaks standing in for the original's true peak, while
 *    the original's meter finishes; it is made again only when the true peak changes the plan;
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
    const timings: StageTimings = { analyse: 0, original: 0, listen: 0, search: 0, render: 0 };
    const timed = async <T>(stage: keyof StageTimings, work: Promise<T>): Promise<T> => {
      const started = this.clock.nowMs();
      try {
        return await work;
      } finally {
        timings[stage] += this.clock.nowMs() - started;
      }
    };
    const limits = analysisLimits(
      { durationS: input.durationS, channels: input.channels, sampleRate: input.sampleRate },
      this.maxDurationS,
    );

    // Pass 1 in two processes, one a core: the downmix, after which the listening pass starts at
    // once with a plan from the downmix's figures, and the original's meter (its true peak is most
    // of the work). The downmix is on the job's critical path, so it is spawned first (a spawn
    // holds the event loop for some milliseconds). When either fails the other is stopped (no
    // process outlives the job).
    const [heard, original] = await together(
      [
        async (signal) => {
          const analysis = await timed(
            'analyse',
            this.analyse(input, analysedPath, limits, signal, (seconds) =>
              report('analyse', seconds / Math.max(input.durationS, 0.001)),
            ),
          );
          const bounds = speechBounds(
            analysis.frames,
            analysis.summary.integratedLufs,
            analysis.durationS,
          );
          if (bounds === null || analysis.summary.integratedLufs <= -70) {
            throw new PipelineError(
              'The recording is silent: nothing in it is loud enough to broadcast',
              true,
            );
          }
          const provisional = initialPlan(
            {
              ...analysis.summary,
              truePeakDbtp: analysis.summary.truePeakDbtp ?? analysis.peakBoundDbfs,
            },
            this.target,
          );
          const listening = await timed(
            'listen',
            this.listen(analysedPath, bounds, analysis.summary, provisional, signal),
          );
          return { analysis, bounds, provisional, listening };
        },
        (signal) =>
          input.channels === 1
            ? Promise.resolve(null)
            : timed('original', this.measureOriginal(input, limits, signal)),
      ],
      run.signal,
    );
    const { analysis, bounds } = heard;
    const inputFigures = original ?? analysis.summary;
    const summary = {
      ...analysis.summary,
      truePeakDbtp: analysis.summary.truePeakDbtp ?? inputFigures.truePeakDbtp,
    };
    const fileLufs = summary.integratedLufs;
    const firstPlan = initialPlan(summary, this.target);
    let listening = heard.listening;
    let listenings = 1;
    if (!samePlan(firstPlan, heard.provisional)) {
      // The original's true peak put the recording on the other path: listen again as the plan
      // says, so the result is the one a pipeline waiting for the true peak would give.
      listening = await timed(
        'listen',
        this.listen(analysedPath, bounds, summary, firstPlan, run.signal),
      );
      listenings += 1;
    }
    const loss = listening.lossLu;
    // Aim above the target by what the encoder takes away; the true-peak limit stays.
    const aim = { ...this.target, integratedLufs: this.target.integratedLufs + loss };
    let plan = initialPlan(summary, aim);
    let gainTrials = listening.trials.length - 1;
    if (plan.path === 'dynamic') {
      // The codec check's gain either kept the peaks under the limiter's ceiling or went through
      // the same limiter: either way it is a point of the curve, like the trials beside it.
      let gainDb = settledGain(listening.trials, aim.integratedLufs);
      if (gainDb === null) {
        const trials = await timed(
          'search',
          this.gains.searchGain(
            listening.sample,
            fileLufs,
            plan,
            aim,
            listening.trials,
            run.signal,
            (done) => report('search', done),
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
        this.render(
          analysedPath,
          input.outputPath,
          renderChain(bounds, plan),
          run.signal,
          (seconds) => report('render', seconds / keptS),
        ),
      );
      const outcome: PipelineOutcome = {
        input: inputFigures,
        downmix: { kind: analysis.downmix, summary },
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
        listenings,
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
      plan =
        renders === MAX_RENDERS - 1 && peakOver
          ? lastResortPlan(plan, measured.truePeakDbtp, this.target)
          : next;
    }
  }

  /**
   * The listening pass for a plan: gain trials placed from the downmix's sample peak, which the
   * downmix process measures, so the pass needs nothing from the original's meter but the plan.
   */
  private listen(
    analysedPath: string,
    bounds: SpeechBounds,
    downmix: LoudnessSummary,
    plan: NormalizationPlan,
    signal: AbortSignal | undefined,
  ): Promise<Listening> {
    return this.gains.listen(
      analysedPath,
      bounds,
      downmix.integratedLufs,
      plan,
      listeningGains(plan, downmix.samplePeakDbfs),
      signal,
    );
  }

  /** Pass 1's other process: the original as ITU-R BS.1770 measures it, true peak included. */
  private async measureOriginal(
    input: PipelineInput,
    limits: OutputLimits,
    signal: AbortSignal,
  ): Promise<LoudnessSummary> {
    const run = await this.runner.loudness(
      'original',
      { path: input.originalPath, demuxer: input.demuxer },
      originalMeterArgs(),
      '-',
      { signal, limits },
    );
    refuseIfCut(run, limits);
    return run.summary;
  }

  /**
   * Pass 1's downmix process. A recording with several channels is measured through both
   * downmixes in one decode; when the usual downmix cancels (see `chooseDownmix`) the other one is
   * made in a second decode, which only such recordings pay. The summary's true peak is null for
   * a stereo `sum` downmix (the original's bounds it); `peakBoundDbfs` stands in for it until the
   * original's meter has measured it.
   */
  private async analyse(
    input: PipelineInput,
    analysedPath: string,
    limits: OutputLimits,
    signal: AbortSignal,
    onProgress: (seconds: number) => void,
  ): Promise<{
    summary: LoudnessSummary;
    peakBoundDbfs: number | null;
    downmix: Downmix;
    frames: MomentaryFrame[];
    durationS: number;
  }> {
    let frames: MomentaryFrame[] = [];
    const original = { path: input.originalPath, demuxer: input.demuxer };
    const options = {
      signal,
      onProgress,
      limits,
      onStderrLine: (line: string) => {
        const frame = parseEbur128Frame(line);
        if (frame) frames.push(frame);
      },
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
      refuseIfCut(run, limits);
      const { summary } = run;
      return {
        summary,
        peakBoundDbfs: summary.truePeakDbtp,
        downmix: 'sum',
        frames,
        durationS: run.outTimeS,
      };
    }
    const run = await this.runner.meters(
      'analyse',
      original,
      analysisArgs(input.channels, 'sum'),
      [METERS.downmix, METERS.difference],
      analysedPath,
      options,
    );
    refuseIfCut(run, limits);
    const sum = run.summaries[METERS.downmix];
    const difference = run.summaries[METERS.difference];
    if (chooseDownmix(sum, difference) === 'sum') {
      const peakBoundDbfs = originalPeakBound(sum.samplePeakDbfs, difference.samplePeakDbfs);
      return { summary: sum, peakBoundDbfs, downmix: 'sum', frames, durationS: run.outTimeS };
    }
    frames = [];
    const again = await this.runner.loudness(
      'analyse',
      original,
      analysisArgs(input.channels, 'difference'),
      analysedPath,
      options,
    );
    refuseIfCut(again, limits);
    return {
      summary: again.summary,
      peakBoundDbfs: again.summary.truePeakDbtp,
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
      this.runner.run(
        'render',
        wav(analysedPath),
        renderArgs(chain, this.bitrateKbps),
        renditionTargets(outputPath),
        {
          ...side,
          onProgress,
        },
      ),
    );
    const { summary } = mp3;
    if (summary.truePeakDbtp === null) {
      throw new PipelineError('The rendition measurement has no true peak', false);
    }
    return { ...summary, truePeakDbtp: summary.truePeakDbtp };
  }
}

/** Stopped by -t or by -fs: the original decodes to more than it was accepted with. */
function refuseIfCut(run: { outTimeS: number; outBytes: number }, limits: OutputLimits): void {
  if (run.outTimeS >= limits.maxSeconds - 0.05 || run.outBytes >= limits.maxBytes) {
    throw new PipelineError(
      `The recording decodes to more than the ${limits.maxSeconds.toFixed(1)} s it was accepted with; decoding was cut there`,
      true,
    );
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
