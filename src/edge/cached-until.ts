/**
 * End of the span from `nowMs` for which every item's audio is cached and verified: the start
 * of the first item (not yet ended) whose audio is not, else the manifest's horizon. A relay's
 * audio is its fallback bulletin's: a relay counts as cached when that is.
 */
export function cachedUntil(
  items: readonly { startsAt: number; durationMs: number; audio: { id: string } | null }[],
  verified: ReadonlySet<string>,
  horizonUntil: string | null,
  nowMs: number,
): string | null {
  if (horizonUntil === null) return null;
  for (const item of items) {
    if (item.startsAt + item.durationMs <= nowMs) continue;
    // A relay without a fallback bulletin has nothing to cache.
    if (item.audio && !verified.has(item.audio.id))
      return new Date(Math.max(item.startsAt, nowMs)).toISOString();
  }
  return new Date(Date.parse(horizonUntil)).toISOString();
}
