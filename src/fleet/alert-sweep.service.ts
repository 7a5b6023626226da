import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RecurringTick } from '../common/recurring-tick';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DeviceAlerts } from './device-alerts.service';

/**
 * The scheduler role's alert sweep, every ALERT_SWEEP_SECONDS (and once at start): windows open
 * and caches run short with no message from anyone, so only a tick raises those. It runs in the
 * scheduler role alone (the API process evaluates on status messages); it is idempotent, and the
 * table's unique open key keeps two scheduler instances from raising one alert twice.
 */
@Injectable()
export class AlertSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly ticker: RecurringTick;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    deviceAlerts: DeviceAlerts,
    registry: SchedulerRegistry,
  ) {
    this.ticker = new RecurringTick(registry, 'fleet-alert-sweep', () => deviceAlerts.sweep());
  }

  onApplicationBootstrap(): void {
    this.ticker.start(this.config.alerts.sweepSeconds * 1000);
  }

  onModuleDestroy(): void {
    this.ticker.stop();
  }

  tick(): Promise<void> {
    return this.ticker.run();
  }
}
