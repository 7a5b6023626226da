/**
 * Whether an item with these zones (an emergency, a program item) goes to a cluster with those:
 * without zones, to every cluster of the commune; with zones, to the clusters in at least one of
 * them. The server's one targeting rule (`itemTargetsDevice`, src/schedule/item-zones.ts), kept
 * here as the web app cannot import the server's code; src/web/web-targeting.spec.ts holds both
 * to the same answers.
 */
export function itemTargetsDevice(
  itemZones: readonly string[] | null,
  deviceZones: readonly string[],
): boolean {
  return itemZones === null || itemZones.some((zone) => deviceZones.includes(zone));
}
