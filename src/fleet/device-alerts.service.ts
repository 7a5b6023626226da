import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WindowSpec } from '../schedule/window-time';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import {
  DEVICE_STATUS_ALERT_KINDS,
  deviceAlertConditions,
  statusAlertsQuiet,
} from './device-alerts';
import { DeviceStatusBook } from './device-status-book';
import { livenessAt } from './device-status';
import { DevicesRepository } from './devices.repository';
import { Alert, AlertKind } from './entities/alert.entity';
import { Device } from './entities/device.entity';

/**
 * Raises and clears the alerts a device's status decides (offline in an on-air window, a cache
 * short of the next 24 h, a skewed clock): for one device when its status changes (the API
 * process's status handler), for every device on the scheduler's sweep (time alone opens a
 * window, shortens a cache, or makes a device silent too long: offline without a Last Will). Only differences are written: an unchanged fleet costs three reads.
 * An open alert whose message changed (a larger skew, a longer cache) gets the new message.
 */
@Injectable()
export class DeviceAlerts {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly devices: DevicesRepository,
    private readonly repository: AlertsRepository,
    private readonly alerts: AlertsService,
    private readonly statuses: DeviceStatusBook,
    private readonly clock: Clock,
  ) {}

  /** Devices evaluated by this process since it started (a quiet one's alerts are all clear). */
  private readonly evaluated = new Set<string>();

  /**
   * Whether a status may change the device's alerts: not when the device was quiet before and
   * is quiet after (online, nothing to raise) and was evaluated here already, so its alerts are
   * clear and stay so. That is nearly every status of a healthy fleet, which then costs nothing.
   */
  mayChange(before: Device, after: Device): boolean {
    const at = livenessAt(this.config, this.clock.now());
    return !(
      this.evaluated.has(after.id) &&
      statusAlertsQuiet(before, at) &&
      statusAlertsQuiet(after, at)
    );
  }

  async evaluateDevice(deviceId: string): Promise<void> {
    this.evaluated.add(deviceId);
    const before = this.statuses.unwritten();
    const found = await this.devices.find(deviceId);
    const device = found && this.statuses.current(found, before);
    const open = await this.repository.openOfKinds(DEVICE_STATUS_ALERT_KINDS, deviceId);
    const windows = device ? await this.repository.windowsOf([device.communeCode]) : [];
    await this.apply(device?.apiTokenHash ? device : null, windows, open);
  }

  /**
   * Every enrolled device; open alerts of devices deleted or no longer enrolled are cleared. A
   * sweep that crosses a status message may act on a status a moment old: the next message or
   * sweep puts it right.
   */
  async sweep(): Promise<void> {
    // Statuses this process took and has not written yet count (the API process's sweep).
    const before = this.statuses.unwritten();
    const devices = (await this.devices.listEnrolled()).map((d) =>
      this.statuses.current(d, before),
    );
    const open = await this.repository.openOfKinds(DEVICE_STATUS_ALERT_KINDS);
    const communes = [...new Set(devices.map((device) => device.communeCode))];
    const windows = groupBy(await this.repository.windowsOf(communes), (w) => w.communeCode);
    const openByDevice = groupBy(open, (alert) => alert.deviceId ?? '');
    for (const device of devices) {
      await this.apply(
        device,
        windows.get(device.communeCode) ?? [],
        openByDevice.get(device.id) ?? [],
      );
      openByDevice.delete(device.id);
    }
    for (const orphans of openByDevice.values()) await this.apply(null, [], orphans);
  }

  /** Makes the open alerts of one device match its conditions (none for a missing device). */
  private async apply(
    device: Device | null,
    windows: readonly WindowSpec[],
    open: readonly Alert[],
  ): Promise<void> {
    const conditions: ReadonlyMap<AlertKind, string> = device
      ? deviceAlertConditions(device, {
          ...livenessAt(this.config, this.clock.now()),
          windows,
          offlineGraceMs: this.config.alerts.offlineGraceSeconds * 1000,
        })
      : new Map();
    for (const alert of open) {
      if (!conditions.has(alert.kind)) await this.alerts.clear(alert);
    }
    if (!device) return;
    for (const [kind, message] of conditions) {
      if (open.find((alert) => alert.kind === kind)?.message === message) continue;
      await this.alerts.raise({
        communeCode: device.communeCode,
        kind,
        deviceId: device.id,
        message,
      });
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
