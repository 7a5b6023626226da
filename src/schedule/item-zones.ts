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
