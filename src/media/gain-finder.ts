import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  gainTrialArgs,
  LISTEN_METERS,
  listenArgs,
  loudnessArgs,
  SIDE_OUTPUT,
  TimeRange,
  wav,
  windowsLength,
} from './ffmpeg-args';
import {
  codecLoss,
  GainTrial,
  LoudnessTarget,
  NormalizationPlan,
  nextGainTrial,
  predictedLoudness,
  renderChain,
  sampleWindows,
} from './normalization-plan';
import { PipelineRunner } from './pipeline-runner';

/** Where the codec check and the gain search listen: windows of the analysed audio. */
export interface Sample {
  analysedPath: string;
  /** The kept range of a short recording, or windows spread over a long one. */
  windows: TimeRange[];
  /** Its integrated loudness as it is. */
  lufs: number;
}

/** What one listening pass learnt. */
export interface Listening {
  sample: Sample;
  /** LU the MP3 encoder took from the sample (see `codecLoss`). */
  lossLu: number;
  /** The codec check's gain first, then the gains tried beside it, each with its prediction. */
  trials: GainTrial[];
}

/**
 * The decisions of the pipeline that need listening, made on a sample of the analysed audio
 * (64 s at most): what the MP3 encoder takes away, and the gain that lands on the target through
 * the limiter. Each trial predicts the whole file from its own loudness plus what the chain did
 * to the sample, so its cost does not grow with the recording.
 */
@Injectable()
export class GainFinder {
  private readonly bitrateKbps: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly runner: PipelineRunner,
  ) {
    this.bitrateKbps = config.audio.bitrateKbps;
  }

  /**
   * One pass over the sample: the plan's chain encoded as MP3 (measured before the encoder, and
   * the MP3 measured as it is written by a second process), and the chain at each of
   * `trialGains` measured, all branches of one graph. A short recording is its own sample (its
   * loudness is the file's: silence is gated out); windows of a long one are measured as they are.
   */
  async listen(
    analysedPath: string,
    bounds: TimeRange,
    fileLufs: number,
    plan: NormalizationPlan,
    trialGains: readonly number[],
    signal?: AbortSignal,
  ): Promise<Listening> {
    const windows = sampleWindows(bounds);
    const whole = windows.length === 1;
    const chain = (gainDb: number) =>
      renderChain({ startS: 0, endS: windowsLength(windows) }, { ...plan, gainDb });
    const args = listenArgs(
      { windows, measureSample: !whole, codec: chain(plan.gainDb), trials: trialGains.map(chain) },
      this.bitrateKbps,
    );
    const trialMeters = trialGains.map((_, i) => LISTEN_METERS.trial(i));
    const meters = [LISTEN_METERS.codec, ...trialMeters, ...(whole ? [] : [LISTEN_METERS.sample])];
    const { produced, mp3 } = await this.runner.withMeasuredMp3(
      'codec check',
      loudnessArgs(),
      signal,
      (side) =>
        this.runner.meters('codec check', wav(analysedPath), args, meters, SIDE_OUTPUT, side),
    );
    const levels = produced.summaries;
    const sampleLufs = whole ? fileLufs : levels[LISTEN_METERS.sample].integratedLufs;
    const predict = (lufs: number) => predictedLoudness(fileLufs, sampleLufs, lufs);
    return {
      sample: { analysedPath, windows, lufs: sampleLufs },
      lossLu: codecLoss(levels[LISTEN_METERS.codec].integratedLufs, mp3.summary.integratedLufs),
      trials: [
        {
          gainDb: plan.gainDb,
          integratedLufs: predict(levels[LISTEN_METERS.codec].integratedLufs),
        },
        ...trialGains.map((gainDb, i) => ({
          gainDb,
          integratedLufs: predict(levels[trialMeters[i]].integratedLufs),
        })),
      ],
    };
  }

  /** More trials, one at a time, until one lands the whole recording on `aim` through the plan's limiter. */
  async searchGain(
    sample: Sample,
    fileLufs: number,
    plan: NormalizationPlan,
    aim: LoudnessTarget,
    known: GainTrial[],
    signal?: AbortSignal,
    onProgress?: (fraction: number) => void,
  ): Promise<GainTrial[]> {
    const trials = [...known];
    const range = { startS: 0, endS: windowsLength(sample.windows) };
    for (let gainDb = nextGainTrial(trials, aim.integratedLufs); gainDb !== null;) {
      const processed = await this.runner.loudness(
        'gain search',
        wav(sample.analysedPath),
        gainTrialArgs(sample.windows, renderChain(range, { ...plan, gainDb })),
        '-',
        { signal },
      );
      trials.push({
        gainDb,
        integratedLufs: predictedLoudness(fileLufs, sample.lufs, processed.summary.integratedLufs),
      });
      onProgress?.(trials.length / 5);
      gainDb = nextGainTrial(trials, aim.integratedLufs);
    }
    return trials;
  }
}
