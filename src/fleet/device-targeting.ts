import type { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { itemTargetsDevice } from '../schedule/item-zones';
import type { Device } from './entities/device.entity';

/** What targeting reads of a device. */
export type TargetableDevice = Pick<Device, 'zones' | 'enrolledAt' | 'revokedAt'>;

/** What targeting reads of an item (for something about to start: now, and its planned end). */
export type TargetItem = Pick<ScheduleItem, 'zones' | 'startsAt' | 'endsAt'>;

/**
 * Whether an item is (or was) a device's to play, so its commune's record waits for the device's
 * receipt and an emergency or a live session is sent to it: the item reaches the device's zones,
 * the device was enrolled before the item ended, and its credentials were not revoked before the
 * item started (a revoked box gets nothing more; what started while it was enrolled was its).
 * Whether a commune's playout belongs to clusters at all is another question
 * (`communeHasDevices`: any device ever enrolled), which revocation does not change.
 */
export function deviceIsTargetable(device: TargetableDevice, item: TargetItem): boolean {
  if (!itemTargetsDevice(item.zones, device.zones)) return false;
  if (device.enrolledAt === null || device.enrolledAt > item.endsAt) return false;
  return device.revokedAt === null || device.revokedAt > item.startsAt;
}

/**
 * For an item starting now (an emergency's fan-out): whether the device may still be its target
 * by its end, so a command is recorded for it. A cluster not enrolled yet may enrol and connect
 * while the item lasts (it is sent the command then, and `deviceIsTargetable` counts it from its
 * enrolment); a revoked one is no target of anything that starts after its revocation.
 */
export function deviceMayBeTargeted(device: TargetableDevice, item: TargetItem): boolean {
  return deviceIsTargetable({ ...device, enrolledAt: device.enrolledAt ?? item.startsAt }, item);
}
