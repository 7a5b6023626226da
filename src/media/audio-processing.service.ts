import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AudioAssetsRepository } from './audio-assets.repository';
import { AudioPipeline, PipelineOutcome } from './audio-pipeline';
import { PipelineError } from './pipeline-runner';
import { MediaStorage } from './media-storage';
import { Demuxer } from './audio-container';
import { WorkBudget, workBytesNeeded, WorkShape } from './work-budget';

export interface ProcessingRun {
  signal?: AbortSignal;
  /** Also told every progress change (the queue job's own progress). */
  onProgress?: (percent: number) => void;
}

/** How often at most the progress is written to the database while a job runs. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * One processing run of an asset, as the queue worker calls it: status and progress in the
 * database, the pipeline in a scratch folder, the rendition written under a temporary name and
 * renamed, and the asset marked ready only after that rename. A run killed at any point leaves no
 * file under the rendition's name that the database calls ready.
 */
@Injectable()
export class AudioProcessingService {
  private readonly logger = new Logger(AudioProcessingService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly assets: AudioAssetsRepository,
    private readonly storage: MediaStorage,
    private readonly pipeline: AudioPipeline,
    private readonly budget: WorkBudget,
    private readonly clock: Clock,
  ) {}

  /** Processes the asset; resolves without work when it is gone, finished or failed for good. */
  async process(assetId: string, run: ProcessingRun = {}): Promise<PipelineOutcome | null> {
    const asset = await this.assets.findById(assetId);
    if (!asset || asset.status === 'ready' || asset.status === 'failed') return null;
    const originalPath = this.storage.originalPath(asset.sha256);
    if (!(await this.storage.exists(originalPath))) {
      throw new PipelineError('The original recording is missing from storage', true);
    }
    const demuxer = await this.storage.containerOf(originalPath);
    if (demuxer === null) {
      throw new PipelineError('The original recording is in no accepted audio container', true);
    }
    const shape = {
      durationS: (asset.inputDurationMs ?? 0) / 1000,
      channels: asset.inputChannels ?? 2,
      sampleRate: asset.inputSampleRate ?? 48000,
    };
    const needed = workBytesNeeded(
      shape,
      this.config.audio.maxDurationSeconds,
      this.config.audio.bitrateKbps,
    );
    if (needed > this.budget.maxBytes) {
      throw new PipelineError(
        `Processing needs ${needed} bytes of work space; MEDIA_WORK_MAX_BYTES is ${this.budget.maxBytes}`,
        true,
      );
    }
    // Waits while other runs of this process hold the work folder's bound.
    const release = await this.budget.reserve(needed, run.signal);
    try {
      return await this.processReserved(assetId, originalPath, demuxer, shape, run);
    } finally {
      release();
    }
  }

  private async processReserved(
    assetId: string,
    originalPath: string,
    demuxer: Demuxer,
    shape: WorkShape,
    run: ProcessingRun,
  ): Promise<PipelineOutcome | null> {
    if (!(await this.assets.startProcessing(assetId))) return null;

    await this.storage.removeRenditionTemps(assetId);
    const workDir = await this.storage.freshWorkDir(assetId);
    const outputPath = await this.storage.renditionTempPath(assetId);
    const progress = new ProgressWriter(this.clock, (percent) =>
      this.assets.setProgress(assetId, percent),
    );
    try {
      const outcome = await this.pipeline.process(
        { originalPath, demuxer, ...shape, workDir, outputPath },
        {
          signal: run.signal,
          onProgress: (percent) => {
            progress.report(percent);
            run.onProgress?.(percent);
          },
        },
      );
      await progress.settled();
      const rendition = await this.storage.commitRendition(outputPath, assetId);
      const stored = await this.assets.markReady(assetId, {
        durationMs: Math.round(outcome.durationS * 1000),
        integratedLufs: outcome.rendition.integratedLufs,
        truePeakDbtp: outcome.rendition.truePeakDbtp,
        lra: outcome.rendition.lra,
        loudnormPath: outcome.plan.path,
        gainDb: outcome.plan.gainDb,
        trimStartMs: Math.round(outcome.bounds.startS * 1000),
        trimEndMs: Math.round(outcome.bounds.endS * 1000),
        renditionBytes: rendition.bytes,
        renditionSha256: rendition.sha256,
        inputIntegratedLufs: outcome.input.integratedLufs,
        inputTruePeakDbtp: outcome.input.truePeakDbtp,
        inputLra: outcome.input.lra,
        loudnessWarning: outcome.warning,
        targetLufs: outcome.targetLufs,
      });
      if (!stored) {
        // Deleted while it was processed: the rendition has no asset any more. (When the asset
        // is still there, another run finished it first and the rendition is that run's.)
        if (!(await this.assets.findById(assetId))) {
          await this.storage.remove(this.storage.renditionPath(assetId));
        }
        return null;
      }
      const t = outcome.timings;
      this.logger.log(
        `Audio ${assetId} ready: ${outcome.rendition.integratedLufs} LUFS${outcome.warning ? ` (${outcome.warning}, target ${outcome.targetLufs})` : ''}, ${outcome.rendition.truePeakDbtp} dBTP, ${outcome.downmix.kind} downmix, ${outcome.plan.path}, ${outcome.renders} render(s), ${outcome.gainTrials} gain trial(s), codec ${outcome.codecLossLu} LU; ms: analyse ${t.analyse}, listen ${t.listen}, search ${t.search}, render and measure ${t.render}`,
      );
      return outcome;
    } finally {
      await progress.settled();
      await this.storage.remove(outputPath);
      await this.storage.removeDir(workDir);
    }
  }

  /** The queue will run the job again: the asset waits in `queued` with the reason. */
  async willRetry(assetId: string, reason: string): Promise<void> {
    await this.assets.markRetrying(assetId, reason);
  }

  async failed(assetId: string, reason: string): Promise<void> {
    await this.assets.markFailed(assetId, reason);
  }
}

/** Writes progress at most every PROGRESS_INTERVAL_MS, one write at a time, the latest value last. */
class ProgressWriter {
  private lastWrittenAt = Number.NEGATIVE_INFINITY;
  private lastValue = -1;
  private pending: number | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly write: (percent: number) => Promise<unknown>,
  ) {}

  report(percent: number): void {
    if (percent === this.lastValue) return;
    this.pending = percent;
    if (this.clock.nowMs() - this.lastWrittenAt < PROGRESS_INTERVAL_MS) return;
    this.flush();
  }

  private flush(): void {
    const value = this.pending;
    if (value === null) return;
    this.pending = null;
    this.lastValue = value;
    this.lastWrittenAt = this.clock.nowMs();
    this.writing = this.writing
      .then(() => this.write(value))
      .then(
        () => undefined,
        () => undefined,
      );
  }

  /** Waits for the writes under way (the last value reported is not forced). */
  settled(): Promise<void> {
    return this.writing;
  }
}
