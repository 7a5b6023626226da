import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OverdueItems } from './overdue-items.service';
import { PlayoutDispatcher } from './playout-dispatcher.service';
import { ReceiptGrace } from './receipts/receipt-grace.service';

const TICK = 'playout-reconcile';

/**
 * The scheduler's playout tick, every PLAYOUT_RECONCILE_SECONDS (and once at start): reconcile
 * the queue with the program log, settle overdue items, and give the items of communes with
 * devices whose receipts' grace is over their record. All are idempotent, so every
 * scheduler instance may run it; a tick still running when the next is due is skipped.
 */
@Injectable()
export class PlayoutTicks implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PlayoutTicks.name);
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dispatcher: PlayoutDispatcher,
    private readonly overdue: OverdueItems,
    private readonly receiptGrace: ReceiptGrace,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.tick(), this.config.playout.reconcileSeconds * 1000);
    this.registry.addInterval(TICK, timer);
    void this.tick();
  }

  onModuleDestroy(): void {
    if (this.registry.doesExist('interval', TICK)) this.registry.deleteInterval(TICK);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.overdue.settle();
      await this.receiptGrace.settle();
      await this.dispatcher.reconcile();
    } catch (error) {
      this.logger.error(`Playout tick failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
