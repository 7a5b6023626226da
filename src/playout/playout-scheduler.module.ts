import { Module } from '@nestjs/common';
import { OverdueItems } from './overdue-items.service';
import { PlayoutModule } from './playout.module';
import { PlayoutTicks } from './playout-ticks.service';

/** Scheduler role: the reconcile and overdue tick. */
@Module({
  imports: [PlayoutModule],
  providers: [OverdueItems, PlayoutTicks],
})
export class PlayoutSchedulerModule {}
