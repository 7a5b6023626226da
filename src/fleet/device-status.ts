import type { AppConfig } from '../config/app-config';
import type { DeviceViewStatus } from './dto/device.dto';
import type { Device } from './entities/device.entity';

/** When a device's status is read, and how long it may stay silent and still be online. */
export interface Liveness {
  now: Date;
  silentAfterMs: number;
}

export function livenessAt(config: Pick<AppConfig, 'fleet'>, now: Date): Liveness {
  return { now, silentAfterMs: config.fleet.silentAfterSeconds * 1000 };
}

/**
 * How a cluster is shown: never seen; offline (its Last Will or an `offline` status, or silent
 * for longer than DEVICE_SILENT_AFTER_SECONDS: a clean DISCONNECT sends no Last Will); online.
 */
export function deviceStatus(
  device: Pick<Device, 'lastSeenAt' | 'state'>,
  at: Liveness,
): DeviceViewStatus {
  if (device.lastSeenAt === null) return 'never-seen';
  if (device.state === 'offline' || device.state === null) return 'offline';
  const silentMs = at.now.getTime() - device.lastSeenAt.getTime();
  return silentMs > at.silentAfterMs ? 'offline' : 'online';
}
