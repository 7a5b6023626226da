import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobName, jobOptions, QueueName } from '../queue/queue.constants';

/** Ids of the reports' job schedulers in BullMQ (one of each across all instances). */
export const REPORTS_JOB_SCHEDULERS = {
  rollupCatchUp: 'reports-rollup-catch-up',
  chainCheck: 'reports-chain-check',
  chainFullCheck: 'reports-chain-check-all',
  checkpoints: 'playout-checkpoints',
  statsPush: 'reports-stats-push',
} as const;

/** A scheduler's job template: the job's options without the id, which BullMQ sets. */
function template<N extends JobName>(name: N, data: Parameters<typeof jobOptions<N>>[1]) {
  const { jobId: _omitted, ...opts } = jobOptions(name, data);
  void _omitted;
  return { name, data, opts };
}

/**
 * Work that must run once across instances goes through BullMQ job schedulers
 * (`upsertJobScheduler`): upserting the same id from every scheduler process keeps one schedule.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportsScheduler.name);

  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { rollupCatchUpMinutes, chainCheckMinutes, chainFullCheckHours } = this.config.reports;
    await this.maintenance.upsertJobScheduler(
      REPORTS_JOB_SCHEDULERS.rollupCatchUp,
      { every: rollupCatchUpMinutes * 60_000 },
      template('maintenance.rollup', {}),
    );
    await this.maintenance.upsertJobScheduler(
      REPORTS_JOB_SCHEDULERS.chainCheck,
      { every: chainCheckMinutes * 60_000 },
      template('maintenance.chain-check', {}),
    );
    await this.maintenance.upsertJobScheduler(
      REPORTS_JOB_SCHEDULERS.chainFullCheck,
      { every: chainFullCheckHours * 3_600_000 },
      template('maintenance.chain-check', { all: true }),
    );
    const checkpointHours = this.config.checkpoints.everyHours;
    await this.maintenance.upsertJobScheduler(
      REPORTS_JOB_SCHEDULERS.checkpoints,
      { every: checkpointHours * 3_600_000 },
      template('maintenance.checkpoints', {}),
    );
    const { statsPushMinutes } = this.config.reports;
    await this.maintenance.upsertJobScheduler(
      REPORTS_JOB_SCHEDULERS.statsPush,
      { every: statsPushMinutes * 60_000 },
      template('maintenance.stats-push', {}),
    );
    this.logger.log(
      `Roll-up catch-up every ${rollupCatchUpMinutes} min; chains that grew verified every ` +
        `${chainCheckMinutes} min, every chain every ${chainFullCheckHours} h; chain heads ` +
        `signed every ${checkpointHours} h; finished days of the statistics feed pushed every ` +
        `${statsPushMinutes} min`,
    );
  }
}

/** Scheduler role: the reports' job schedulers on the maintenance queue. */
@Module({ providers: [ReportsScheduler] })
export class ReportsSchedulerModule {}
