import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { CheckpointsService } from '../playout/checkpoints.service';
import { JobName, JobOf, QueueName } from '../queue/queue.constants';
import { ChainChecksService } from './chain-checks.service';
import { RollupsService } from './rollups.service';
import { StatsPushService } from './stats/push/stats-push.service';

/** The job names this processor runs. */
export const MAINTENANCE_JOBS = [
  'maintenance.rollup',
  'maintenance.chain-check',
  'maintenance.checkpoints',
  'maintenance.stats-push',
  'maintenance.stats-delivery',
] as const satisfies readonly JobName[];

/**
 * The maintenance queue's jobs: the roll-up catch-up, the verification of the hash chains
 * that grew (or of every chain, `all`) for the reports, and the signed checkpoints of the
 * chain heads that moved, and the statistics feed's daily push (the sweep and each delivery).
 */
@Processor(QueueName.Maintenance)
export class ReportsMaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(ReportsMaintenanceProcessor.name);

  constructor(
    private readonly rollups: RollupsService,
    private readonly chains: ChainChecksService,
    private readonly checkpoints: CheckpointsService,
    private readonly statsPush: StatsPushService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'maintenance.rollup':
        return this.rollups.catchUp();
      case 'maintenance.chain-check':
        return (job.data as JobOf<'maintenance.chain-check'>).all
          ? this.chains.verifyAll()
          : this.chains.verifyStale();
      case 'maintenance.checkpoints':
        return this.checkpoints.signChanged();
      case 'maintenance.stats-push':
        return this.statsPush.sweep();
      case 'maintenance.stats-delivery':
        return this.statsPush.deliver(
          (job.data as JobOf<'maintenance.stats-delivery'>).deliveryId,
          job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        );
      default:
        return this.refuseUnknown(job);
    }
  }

  /**
   * A job this version does not know (queued by hand from the dashboard, or by another version
   * of the service): it fails at once, without the queue's retries, with a message naming it,
   * and stays in the failed list where an admin sees it. The worker goes on with the next job.
   */
  private refuseUnknown(job: Job): never {
    const message =
      `Unknown maintenance job "${job.name}" (id ${job.id ?? '?'}); ` +
      `this worker runs ${MAINTENANCE_JOBS.join(', ')}`;
    this.logger.warn(message);
    throw new UnrecoverableError(message);
  }
}
