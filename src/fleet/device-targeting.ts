import type { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { itemTargetsDevice } from '../schedule/item-zones';
import type { Device } from './entities/device.entity';
import type { DeviceEnrolment } from './entities/device-enrolment.entity';
import type { DeviceZoneSpan } from './entities/device-zone-span.entity';

/** What targeting reads of a device. */
export type TargetableDevice = Pick<Device, 'zones' | 'enrolledAt' | 'revokedAt'>;

/** What targeting reads of an item (for something about to start: now, and its planned end). */
export type TargetItem = Pick<ScheduleItem, 'zones' | 'startsAt' | 'endsAt'>;

/** What targeting reads of one enrolment of a device: when it began and ended (null: it holds). */
export type EnrolmentSpan = Pick<DeviceEnrolment, 'enrolledAt' | 'endedAt'>;

/** What targeting reads of one span of a device's zones: which, from when, until when (null: now). */
export type ZoneSpan = Pick<DeviceZoneSpan, 'zones' | 'startedAt' | 'endedAt'>;

/**
 * Whether a span of a device's state (a zone span, an enrolment) held while the item ran: the one
 * rule `zonesReached` and `enrolmentCovers` share. Both are half-open, `[from, until)` and
 * `[startsAt, endsAt)`: a span that ended exactly when the item started did not hold during it,
 * nor one that began exactly when it ended. An item of no length (a live session asked for now)
 * is its instant: a span holds at it from its own start.
 */
export function spanHeldDuring(
  span: { from: Date; until: Date | null },
  item: Pick<TargetItem, 'startsAt' | 'endsAt'>,
): boolean {
  const began = item.endsAt > item.startsAt ? span.from < item.endsAt : span.from <= item.startsAt;
  return began && (span.until === null || span.until > item.startsAt);
}

/**
 * Whether the item reaches the zones the device had while it ran: those of a span that held
 * while it ran (`spanHeldDuring`). The manifest sends a device every item of its zones that has
 * not ended, so a box whose zones changed while an item ran was sent it under either; one whose
 * zones changed before the item started was not sent it under the old ones, nor one created
 * after it ended. Editing a cluster's zones unsends nothing it was sent.
 */
export function zonesReached(spans: readonly ZoneSpan[], item: TargetItem): boolean {
  return spans.some(
    (span) =>
      spanHeldDuring({ from: span.startedAt, until: span.endedAt }, item) &&
      itemTargetsDevice(item.zones, span.zones),
  );
}

/**
 * Whether an item was (or is) sent to a device under one of its enrolments: the enrolment held
 * while the item ran (`spanHeldDuring`: it began before the item ended and did not end before
 * or when the item started; a revoked or re-keyed box gets nothing more; what started while it
 * was enrolled was its). Zones are the caller's to check.
 */
export function enrolmentCovers(
  enrolment: EnrolmentSpan,
  item: Pick<TargetItem, 'startsAt' | 'endsAt'>,
): boolean {
  return spanHeldDuring({ from: enrolment.enrolledAt, until: enrolment.endedAt }, item);
}

/**
 * Whether an item is (or was) a device's to play under its current enrolment, so an emergency or
 * a live session is sent to it: the item reaches the device's zones, the device was enrolled
 * before the item ended, and its credentials were not revoked before the item started.
 * Whether a commune's playout belongs to clusters at all is another question
 * (`communeHasDevices`: any device ever enrolled), which revocation does not change. For an item
 * of the past, under whichever enrolment, see `deviceWasTargeted`.
 */
export function deviceIsTargetable(device: TargetableDevice, item: TargetItem): boolean {
  if (!itemTargetsDevice(item.zones, device.zones)) return false;
  if (device.enrolledAt === null) return false;
  return enrolmentCovers({ enrolledAt: device.enrolledAt, endedAt: device.revokedAt }, item);
}

/**
 * Whether the item was sent to the device under any of its enrolments, by the zones it had while
 * the item ran (`zonesReached`, not its current zones), so its commune's record waits for the
 * device's receipt. A device is one target however many of its enrolments or zone spans the item
 * spans (a box re-keyed or re-zoned while it played is not counted twice).
 */
export function deviceWasTargeted(
  zoneSpans: readonly ZoneSpan[],
  enrolments: readonly EnrolmentSpan[],
  item: TargetItem,
): boolean {
  if (!zonesReached(zoneSpans, item)) return false;
  return enrolments.some((enrolment) => enrolmentCovers(enrolment, item));
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
