import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QueueName } from '../queue/queue.constants';
import { ChainChecksService } from './chain-checks.service';
import { RollupsService } from './rollups.service';

/** The maintenance queue's jobs: roll-up catch-up and the re-verification of every chain. */
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
        return this.chains.verifyAll();
      default:
        throw new Error(`Unknown maintenance job "${job.name}"`);
    }
  }
}
