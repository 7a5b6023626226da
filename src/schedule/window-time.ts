import {
  DAY_MS,
  formatLocalTime,
  isoDayOfWeek,
  localDateOf,
  localDateTime,
  parseLocalTime,
} from '../common/local-time';

/** What the window arithmetic needs of a broadcast window. */
export interface WindowSpec {
  id: string;
  name: string;
  daysOfWeek: readonly number[];
  /** `HH:mm` local. */
  startTime: string;
  durationMinutes: number;
  validFrom: string | null;
  validTo: string | null;
}

/** One dated instance of a weekly window: [startsAt, endsAt) in epoch milliseconds. */
export interface Occurrence {
  windowId: string;
  name: string;
  date: string;
  startsAt: number;
  endsAt: number;
}

export function startMinutes(window: Pick<WindowSpec, 'startTime'>): number {
  const minutes = parseLocalTime(window.startTime);
  if (minutes === null) throw new Error(`Bad window start time ${window.startTime}`);
  return minutes;
}

export function endMinutes(window: Pick<WindowSpec, 'startTime' | 'durationMinutes'>): number {
  return startMinutes(window) + window.durationMinutes;
}

/** "Sáng (05:30–06:00)": how a window is named in messages. */
export function describeWindow(
  window: Pick<WindowSpec, 'name' | 'startTime' | 'durationMinutes'>,
): string {
  return `${window.name} (${window.startTime}–${formatLocalTime(endMinutes(window))})`;
}

export function appliesOn(window: WindowSpec, date: string): boolean {
  if (window.validFrom !== null && date < window.validFrom) return false;
  if (window.validTo !== null && date > window.validTo) return false;
  return window.daysOfWeek.includes(isoDayOfWeek(date));
}

/** The occurrences of `windows` on a local date, earliest first. */
export function occurrencesOn(windows: readonly WindowSpec[], date: string): Occurrence[] {
  return windows
    .filter((window) => appliesOn(window, date))
    .map((window) => {
      const startsAt = localDateTime(date, startMinutes(window)).getTime();
      return {
        windowId: window.id,
        name: window.name,
        date,
        startsAt,
        endsAt: startsAt + window.durationMinutes * 60000,
      };
    })
    .sort((a, b) => a.startsAt - b.startsAt || a.windowId.localeCompare(b.windowId));
}

/** The occurrence that holds all of [startsAt, endsAt), if any (windows never cross midnight). */
export function containingOccurrence(
  windows: readonly WindowSpec[],
  startsAt: number,
  endsAt: number,
): Occurrence | undefined {
  return occurrencesOn(windows, localDateOf(new Date(startsAt))).find(
    (occurrence) => occurrence.startsAt <= startsAt && endsAt <= occurrence.endsAt,
  );
}

/** Occurrences on the local date of `startsAt` that share some time with [startsAt, endsAt). */
export function touchingOccurrences(
  windows: readonly WindowSpec[],
  startsAt: number,
  endsAt: number,
): Occurrence[] {
  return occurrencesOn(windows, localDateOf(new Date(startsAt))).filter(
    (occurrence) => occurrence.startsAt < endsAt && startsAt < occurrence.endsAt,
  );
}

function validityOverlaps(a: WindowSpec, b: WindowSpec): boolean {
  const aFrom = a.validFrom ?? '0000-01-01';
  const aTo = a.validTo ?? '9999-12-31';
  const bFrom = b.validFrom ?? '0000-01-01';
  const bTo = b.validTo ?? '9999-12-31';
  return aFrom <= bTo && bFrom <= aTo;
}

/** Two windows overlap when they share a weekday, some minutes and some validity dates. */
export function windowsOverlap(a: WindowSpec, b: WindowSpec): boolean {
  if (!a.daysOfWeek.some((day) => b.daysOfWeek.includes(day))) return false;
  if (!(startMinutes(a) < endMinutes(b) && startMinutes(b) < endMinutes(a))) return false;
  return validityOverlaps(a, b);
}

/** True when [startsAt, endsAt) keeps at least `gapMs` away from [otherStart, otherEnd). */
export function keepsGap(
  startsAt: number,
  endsAt: number,
  otherStart: number,
  otherEnd: number,
  gapMs: number,
): boolean {
  return endsAt + gapMs <= otherStart || otherEnd + gapMs <= startsAt;
}

export const MINUTES_PER_DAY = DAY_MS / 60000;
