/**
 * End of the span from `nowMs` for which every item's audio is cached and verified: the start
 * of the first item (not yet ended) whose audio is not, else the manifest's horizon.
 */
export function cachedUntil(
  items: readonly { startsAt: number; durationMs: number; audio: { id: string } }[],
  verified: ReadonlySet<string>,
  horizonUntil: string | null,
  nowMs: number,
): string | null {
  if (horizonUntil === null) return null;
  for (const item of items) {
    if (item.startsAt + item.durationMs <= nowMs) continue;
    if (!verified.has(item.audio.id)) return new Date(Math.max(item.startsAt, nowMs)).toISOString();
  }
  return new Date(Date.parse(horizonUntil)).toISOString();
}
