import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobOf, QueueName } from '../queue/queue.constants';
import { PipelineError } from './pipeline-runner';
import { AudioProcessingService } from './audio-processing.service';

/**
 * Lock of an active job: renewed every half of it while ffmpeg runs. A worker that dies (even by
 * SIGKILL) stops renewing; within this time plus one stalled check another worker takes the job
 * back and runs it again from the start.
 */
export const AUDIO_LOCK_MS = 10_000;
export const AUDIO_STALLED_INTERVAL_MS = 5_000;

/**
 * Runs `audio.process` jobs. Concurrency comes from AUDIO_WORKER_CONCURRENCY (default: cores), set
 * before the worker starts (`autorun: false`). Broken input fails at once (UnrecoverableError);
 * anything else is retried with the queue's backoff. A cancelled job, a lost lock and the
 * application shutdown abort the job's signal, which kills its ffmpeg process group.
 */
@Processor(QueueName.Audio, {
  autorun: false,
  lockDuration: AUDIO_LOCK_MS,
  stalledInterval: AUDIO_STALLED_INTERVAL_MS,
  maxStalledCount: 1,
})
export class AudioProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(AudioProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly processing: AudioProcessingService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.audio.workerConcurrency;
    this.worker.run().catch((error: unknown) => {
      this.logger.error(`Audio worker stopped: ${(error as Error).message}`);
    });
  }

  beforeApplicationShutdown(): void {
    this.worker.cancelAllJobs('shutdown');
  }

  /** Another worker owns the job now (this one stalled): stop working on it. */
  @OnWorkerEvent('lockRenewalFailed')
  onLockLost(jobIds: string[]): void {
    for (const id of jobIds) this.worker.cancelJob(id, 'lock lost');
  }

  async process(
    job: Job<JobOf<'audio.process'>>,
    _token?: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const { assetId } = job.data;
    try {
      await this.processing.process(assetId, {
        signal,
        onProgress: (percent) => void job.updateProgress(percent).catch(() => undefined),
      });
    } catch (error) {
      // Another worker runs the job now; its run owns the asset's state.
      if (signal?.aborted && signal.reason === 'lock lost') throw error;
      const message = (error as Error).message;
      const attempt = job.attemptsMade + 1;
      const attempts = job.opts.attempts ?? 1;
      if (error instanceof PipelineError && error.permanent) {
        await this.processing.failed(assetId, message);
        throw new UnrecoverableError(message);
      }
      if (attempt >= attempts) {
        await this.processing.failed(assetId, `${message} (after ${attempt} attempts)`);
      } else {
        await this.processing.willRetry(
          assetId,
          `Attempt ${attempt} of ${attempts} failed: ${message}; retrying`,
        );
      }
      throw error;
    }
  }
}
