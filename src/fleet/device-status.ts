import type { DeviceViewStatus } from './dto/device.dto';
import type { Device } from './entities/device.entity';

/** How a cluster is shown: never seen, offline (its Last Will or an `offline` status), online. */
export function deviceStatus(device: Pick<Device, 'lastSeenAt' | 'state'>): DeviceViewStatus {
  if (device.lastSeenAt === null) return 'never-seen';
  return device.state === 'offline' || device.state === null ? 'offline' : 'online';
}
