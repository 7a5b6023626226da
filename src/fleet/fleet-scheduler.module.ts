import { Module } from '@nestjs/common';
import { AlertSweep } from './alert-sweep.service';

/** Scheduler role: the fleet alerts' sweep. */
@Module({ providers: [AlertSweep] })
export class FleetSchedulerModule {}
