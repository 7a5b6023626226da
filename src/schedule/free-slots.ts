import { Occurrence } from './window-time';

/** Time already taken on the log, in epoch milliseconds. */
export interface Busy {
  startsAt: number;
  endsAt: number;
}

/** Starts fall on whole seconds: what people and the as-run log read. */
const SECOND_MS = 1000;

function ceilSecond(ms: number): number {
  return Math.ceil(ms / SECOND_MS) * SECOND_MS;
}

/**
 * The free stretches of an occurrence from `notBefore` on: its time minus every busy interval
 * widened by the gap on both sides, earliest first.
 */
export function freeStretches(
  occurrence: Pick<Occurrence, 'startsAt' | 'endsAt'>,
  busy: readonly Busy[],
  gapMs: number,
  notBefore: number,
): Busy[] {
  const stretches: Busy[] = [];
  let cursor = ceilSecond(Math.max(occurrence.startsAt, notBefore));
  for (const other of [...busy].sort((a, b) => a.startsAt - b.startsAt)) {
    const blockedFrom = other.startsAt - gapMs;
    if (blockedFrom > cursor)
      stretches.push({ startsAt: cursor, endsAt: Math.min(blockedFrom, occurrence.endsAt) });
    cursor = Math.max(cursor, ceilSecond(other.endsAt + gapMs));
    if (cursor >= occurrence.endsAt) break;
  }
  if (cursor < occurrence.endsAt) stretches.push({ startsAt: cursor, endsAt: occurrence.endsAt });
  return stretches.filter((stretch) => stretch.endsAt > stretch.startsAt);
}

/** Every start from `first` to `last` (whole seconds, both included), in epoch milliseconds. */
export interface StartRange {
  first: number;
  last: number;
}

/**
 * Where in the occurrence, not before `notBefore`, an item of `durationMs` may start: for each
 * free stretch that holds it, its first and last start on a whole second, earliest first.
 */
export function fitRanges(
  occurrence: Pick<Occurrence, 'startsAt' | 'endsAt'>,
  busy: readonly Busy[],
  durationMs: number,
  gapMs: number,
  notBefore: number,
): StartRange[] {
  return freeStretches(occurrence, busy, gapMs, notBefore)
    .map((free) => ({
      first: free.startsAt,
      last: Math.floor((free.endsAt - durationMs) / SECOND_MS) * SECOND_MS,
    }))
    .filter((range) => range.last >= range.first);
}

/**
 * The start in the occurrence nearest to `wanted` (before or after it), not before `notBefore`,
 * where the item fits: what a refused time proposes instead.
 */
export function nearestFit(
  occurrence: Pick<Occurrence, 'startsAt' | 'endsAt'>,
  busy: readonly Busy[],
  durationMs: number,
  gapMs: number,
  wanted: number,
  notBefore: number,
): number | null {
  let best: number | null = null;
  for (const range of fitRanges(occurrence, busy, durationMs, gapMs, notBefore)) {
    const start = Math.min(Math.max(ceilSecond(wanted), range.first), range.last);
    if (best === null || Math.abs(start - wanted) < Math.abs(best - wanted)) best = start;
  }
  return best;
}
