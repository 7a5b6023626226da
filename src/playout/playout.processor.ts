import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobOf, QueueName } from '../queue/queue.constants';
import { PlayoutRunner, RunSummary } from './playout-runner.service';

/**
 * Runs `playout.play` jobs. A job holds its worker slot for the whole play, so concurrency is
 * plays at once (PLAYOUT_CONCURRENCY). A job that stalls (its process died) may run again; the
 * claim in the database makes sure that never plays an item twice.
 */
@Processor(QueueName.Playout, { autorun: false, maxStalledCount: 1 })
export class PlayoutProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlayoutProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: PlayoutRunner,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.playout.concurrency;
    this.worker.run().catch((error: unknown) => {
      this.logger.error(`Playout worker stopped: ${(error as Error).message}`);
    });
  }

  async process(job: Job<JobOf<'playout.play'>>): Promise<RunSummary> {
    const summary = await this.runner.run(job.data);
    if (summary.action !== 'aired' && summary.action !== 'skipped') {
      this.logger.warn(
        `Item ${summary.scheduleItemId}: ${summary.action} (${summary.detail ?? ''})`,
      );
    }
    return summary;
  }
}
