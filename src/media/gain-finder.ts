import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  codecCheckArgs,
  gainTrialArgs,
  loudnessArgs,
  mp3,
  sampleArgs,
  TimeRange,
  wav,
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

/** Where the codec check and the gain search listen. */
export interface Sample {
  path: string;
  /** The part of `path` to use. */
  range: TimeRange;
  /** Its integrated loudness as it is. */
  lufs: number;
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
   * The kept range of a short recording (its loudness is the file's: silence is gated out), or
   * windows spread over a long one cut into a small file and measured on the way.
   */
  async takeSample(
    workDir: string,
    analysedPath: string,
    bounds: TimeRange,
    fileLufs: number,
    signal?: AbortSignal,
  ): Promise<Sample> {
    const windows = sampleWindows(bounds);
    if (windows.length === 1) return { path: analysedPath, range: windows[0], lufs: fileLufs };
    const path = join(workDir, 'sample.wav');
    const { summary, outTimeS } = await this.runner.loudness(
      'sample',
      wav(analysedPath),
      sampleArgs(windows),
      path,
      { signal },
    );
    return { path, range: { startS: 0, endS: outTimeS }, lufs: summary.integratedLufs };
  }

  /**
   * What the MP3 encoder takes away from this recording: the sample rendered with the plan and
   * encoded (measured just before the encoder), then the MP3 measured. The "before" is also a
   * point of the gain search.
   */
  async codecCheck(
    workDir: string,
    sample: Sample,
    fileLufs: number,
    plan: NormalizationPlan,
    signal?: AbortSignal,
  ): Promise<{ lossLu: number; trial: GainTrial }> {
    const chain = renderChain(sample.range, plan);
    const probePath = join(workDir, 'codec-check.mp3');
    const before = await this.runner.loudness(
      'codec check',
      wav(sample.path),
      codecCheckArgs(chain, this.bitrateKbps),
      probePath,
      { signal },
    );
    const after = await this.runner.loudness('codec check', mp3(probePath), loudnessArgs(), '-', {
      signal,
    });
    return {
      lossLu: codecLoss(before.summary.integratedLufs, after.summary.integratedLufs),
      trial: {
        gainDb: plan.gainDb,
        integratedLufs: predictedLoudness(fileLufs, sample.lufs, before.summary.integratedLufs),
      },
    };
  }

  /** The gain that lands the whole recording on `aim` through the plan's limiter. */
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
    for (let gainDb = nextGainTrial(trials, aim.integratedLufs); gainDb !== null; ) {
      const processed = await this.runner.loudness(
        'gain search',
        wav(sample.path),
        gainTrialArgs(renderChain(sample.range, { ...plan, gainDb })),
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
