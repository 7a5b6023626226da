import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobOf, QueueName } from '../queue/queue.constants';
import { ChainChecksService } from './chain-checks.service';
import { RollupsService } from './rollups.service';

/**
 * The maintenance queue's jobs: the roll-up catch-up, and the verification of the hash chains
 * that grew (or of every chain, `all`) for the reports.
 */
@Processor(QueueName.Maintenance)
export class ReportsMaintenanceProcessor extends WorkerHost {
  constructor(
    private readonly rollups: RollupsService,
    private readonly chains: ChainChecksService,
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
      default:
        throw new Error(`Unknown maintenance job "${job.name}"`);
    }
  }
}
