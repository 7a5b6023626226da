import { Module } from '@nestjs/common';
import { OverdueItems } from './overdue-items.service';
import { PlayoutModule } from './playout.module';
import { PlayoutTicks } from './playout-ticks.service';
import { ReceiptGrace } from './receipts/receipt-grace.service';

/** Scheduler role: the reconcile, overdue and receipts' grace tick. */
@Module({
  imports: [PlayoutModule],
  providers: [OverdueItems, ReceiptGrace, PlayoutTicks],
})
export class PlayoutSchedulerModule {}
