import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DeviceAlerts } from './device-alerts.service';

const TICK = 'fleet-alert-sweep';

/**
 * The scheduler role's alert sweep, every ALERT_SWEEP_SECONDS (and once at start): windows open
 * and caches run short with no message from anyone, so only a tick raises those. It runs in the
 * scheduler role alone (the API process evaluates on status messages); it is idempotent, and the
 * table's unique open key keeps two scheduler instances from raising one alert twice. A sweep
 * still running when the next is due is skipped.
 */
@Injectable()
export class AlertSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertSweep.name);
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deviceAlerts: DeviceAlerts,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.tick(), this.config.alerts.sweepSeconds * 1000);
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
      await this.deviceAlerts.sweep();
    } catch (error) {
      this.logger.error(`Fleet alert sweep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
