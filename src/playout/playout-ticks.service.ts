import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RecurringTick } from '../common/recurring-tick';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OverdueItems } from './overdue-items.service';
import { PlayoutDispatcher } from './playout-dispatcher.service';
import { ReceiptGrace } from './receipts/receipt-grace.service';

/**
 * The scheduler's playout tick, every PLAYOUT_RECONCILE_SECONDS (and once at start): reconcile
 * the queue with the program log, settle overdue items, and give the items of communes with
 * devices whose receipts' grace is over their record. All are idempotent, so every
 * scheduler instance may run it.
 */
@Injectable()
export class PlayoutTicks implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly ticker: RecurringTick;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dispatcher: PlayoutDispatcher,
    private readonly overdue: OverdueItems,
    private readonly receiptGrace: ReceiptGrace,
    registry: SchedulerRegistry,
  ) {
    this.ticker = new RecurringTick(registry, 'playout-reconcile', () => this.reconcile());
  }

  onApplicationBootstrap(): void {
    this.ticker.start(this.config.playout.reconcileSeconds * 1000);
  }

  onModuleDestroy(): void {
    this.ticker.stop();
  }

  tick(): Promise<void> {
    return this.ticker.run();
  }

  private async reconcile(): Promise<void> {
    await this.overdue.settle();
    await this.dispatcher.reconcile();
    // Last: a failure here must not hold up the player's queue.
    await this.receiptGrace.settle();
  }
}
