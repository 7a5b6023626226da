import { DomainError } from '../common/domain-error';

/**
 * Whether an item of the program log goes to a device: an item without zones goes to every
 * device of its commune, an item with zones to the devices that sit in at least one of them.
 * The one rule for targeting; the manifest, the emergency fan-out, the overlap check and the
 * receipts all ask it.
 */
export function itemTargetsDevice(
  itemZones: readonly string[] | null,
  deviceZones: readonly string[],
): boolean {
  return itemZones === null || itemZones.some((zone) => deviceZones.includes(zone));
}

/**
 * Whether two items would play on one device at once if they overlapped: some device of the
 * commune is targeted by both. A commune without devices plays its program from the server, one
 * item at a time, so there every two items share the air (the rule before zones).
 */
export function itemsShareDevice(
  a: readonly string[] | null,
  b: readonly string[] | null,
  devicesZones: readonly (readonly string[])[],
): boolean {
  if (devicesZones.length === 0) return true;
  return devicesZones.some((zones) => itemTargetsDevice(a, zones) && itemTargetsDevice(b, zones));
}

/** The zones an item is given, as stored: sorted, without repeats; absent or null: every device. */
export function normalizeItemZones(zones: readonly string[] | null | undefined): string[] | null {
  return zones === undefined || zones === null ? null : [...new Set(zones)].sort();
}

/**
 * An item's zones must each hold a device of the commune: a zone no device sits in would play
 * nowhere, which is a typo far more often than a plan (422 ZONE_UNKNOWN names them).
 */
export function assertKnownZones(
  zones: readonly string[] | null,
  devicesZones: readonly (readonly string[])[],
  communeCode: string,
): void {
  if (zones === null) return;
  const known = [...new Set(devicesZones.flat())].sort();
  const unknown = zones.filter((zone) => !known.includes(zone));
  if (unknown.length === 0) return;
  throw new DomainError(
    'ZONE_UNKNOWN',
    known.length === 0
      ? `Commune ${communeCode} has no devices, so no zones: ${unknown.join(', ')} unknown`
      : `No device of commune ${communeCode} sits in zone ${unknown.join(', ')} (zones: ${known.join(', ')})`,
    { unknownZones: unknown, knownZones: known },
  );
}
