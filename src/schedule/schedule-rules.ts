import { BulletinRecord } from '../bulletins/bulletins.repository';
import { DomainError } from '../common/domain-error';
import { formatDayMonthTime, formatLocalInstant, localDateOf } from '../common/local-time';
import { Commune } from '../geo/geo.types';
import { ScheduleItem } from './entities/schedule-item.entity';
import { itemRef } from './schedule-item.view';
import {
  describeWindow,
  keepsGap,
  occurrencesOn,
  touchingOccurrences,
  WindowSpec,
  containingOccurrence,
} from './window-time';
import { SlotDetails } from './schedule.view';

/** What an item of this bulletin will be: its duration comes from the processed audio. */
export interface SchedulableBulletin {
  record: BulletinRecord;
  durationMs: number;
}

/**
 * The bulletin exists for the commune (its own or its province's library), is approved and its
 * audio is ready: otherwise 404 / 422.
 */
export function assertSchedulable(
  record: BulletinRecord | null,
  bulletinId: string,
  commune: Commune,
): SchedulableBulletin {
  const { bulletin } = record ?? {};
  const visible =
    bulletin &&
    (bulletin.communeCode === commune.code ||
      (bulletin.communeCode === null && bulletin.provinceCode === commune.provinceCode));
  if (!record || !bulletin || !visible) {
    throw new DomainError(
      'BULLETIN_NOT_FOUND',
      `Bulletin ${bulletinId} is neither commune ${commune.code}'s nor in its province library`,
      { bulletinId },
    );
  }
  if (bulletin.status !== 'approved') {
    throw new DomainError(
      'BULLETIN_NOT_APPROVED',
      `Bulletin "${bulletin.title}" is ${bulletin.status}, not approved`,
      { bulletinId, bulletinStatus: bulletin.status },
    );
  }
  const audio = record.audio;
  if (!audio || audio.status !== 'ready' || !audio.durationMs) {
    throw new DomainError(
      'AUDIO_NOT_READY',
      `The audio of bulletin "${bulletin.title}" is not ready (${audio?.status ?? 'missing'})`,
      { bulletinId, audioId: bulletin.audioId, audioStatus: audio?.status ?? null },
    );
  }
  return { record, durationMs: audio.durationMs };
}

export function assertNotPast(startsAt: Date, now: Date): void {
  if (startsAt.getTime() < now.getTime()) {
    throw new DomainError(
      'SCHEDULE_IN_PAST',
      `${formatLocalInstant(startsAt)} is in the past (now ${formatLocalInstant(now)})`,
      { startsAt: formatLocalInstant(startsAt), now: formatLocalInstant(now) },
    );
  }
}

/** The whole item must fit in one occurrence of an on-air window; the problem names the window. */
export function assertInsideWindow(
  windows: readonly WindowSpec[],
  startsAt: Date,
  endsAt: Date,
): void {
  const start = startsAt.getTime();
  const end = endsAt.getTime();
  if (containingOccurrence(windows, start, end)) return;
  const range = `${formatLocalInstant(startsAt)} – ${formatLocalInstant(endsAt)}`;
  const touching = touchingOccurrences(windows, start, end)[0];
  if (touching) {
    const window = windows.find((candidate) => candidate.id === touching.windowId);
    // The starts at which the item would fit in this occurrence, if it is not longer than it.
    const durationMs = end - start;
    const fits = durationMs <= touching.endsAt - touching.startsAt;
    const local = (ms: number): string => formatLocalInstant(new Date(ms));
    throw new DomainError(
      'SCHEDULE_OUTSIDE_WINDOW',
      `The item (${range}) does not fit in window ${window ? describeWindow(window) : touching.name}` +
        (fits
          ? `; it fits starting from ${local(touching.startsAt)} to ${local(touching.endsAt - durationMs)}`
          : '; it is longer than the window'),
      {
        startsAt: local(start),
        endsAt: local(end),
        durationMs,
        window: {
          id: touching.windowId,
          name: touching.name,
          startsAt: local(touching.startsAt),
          endsAt: local(touching.endsAt),
        },
        earliestStartsAt: fits ? local(touching.startsAt) : null,
        latestStartsAt: fits ? local(touching.endsAt - durationMs) : null,
      },
    );
  }
  const date = localDateOf(startsAt);
  const sameDay = occurrencesOn(windows, date);
  const names = sameDay
    .map((occurrence) => {
      const window = windows.find((candidate) => candidate.id === occurrence.windowId);
      return window ? describeWindow(window) : occurrence.name;
    })
    .join(', ');
  throw new DomainError(
    'SCHEDULE_OUTSIDE_WINDOW',
    sameDay.length > 0
      ? `The item (${range}) is outside every on-air window; windows on ${date}: ${names}`
      : `No on-air window on ${date} holds the item (${range})`,
    {
      windows: sameDay.map((occurrence) => ({
        id: occurrence.windowId,
        name: occurrence.name,
        startsAt: formatLocalInstant(new Date(occurrence.startsAt)),
        endsAt: formatLocalInstant(new Date(occurrence.endsAt)),
      })),
    },
  );
}

/** Where a refused item would fit instead: the nearest free start in the same window occurrence. */
export interface FreeSlot {
  startsAt: Date;
  endsAt: Date;
  windowName: string;
}

export function slotDetails(slot: FreeSlot): SlotDetails {
  return {
    startsAt: formatLocalInstant(slot.startsAt),
    endsAt: formatLocalInstant(slot.endsAt),
    localTime: formatDayMonthTime(slot.startsAt),
    windowName: slot.windowName,
  };
}

/** The first item within `gapMs` of [startsAt, endsAt), if any. */
export function findOverlap(
  neighbours: readonly ScheduleItem[],
  startsAt: Date,
  endsAt: Date,
  gapMs: number,
): ScheduleItem | undefined {
  return neighbours.find(
    (item) =>
      !keepsGap(
        startsAt.getTime(),
        endsAt.getTime(),
        item.startsAt.getTime(),
        item.endsAt.getTime(),
        gapMs,
      ),
  );
}

/**
 * No other item of the commune within `gapMs` of [startsAt, endsAt); the problem names it (title,
 * local time) and the nearest free slot, when there is one.
 */
export function assertNoOverlap(
  neighbours: readonly ScheduleItem[],
  startsAt: Date,
  endsAt: Date,
  gapMs: number,
  titles: ReadonlyMap<string, string | null>,
  nearestFree: FreeSlot | null = null,
): void {
  const conflict = findOverlap(neighbours, startsAt, endsAt, gapMs);
  if (!conflict) return;
  const title = titles.get(conflict.id) ?? titles.get(conflict.bulletinId ?? conflict.id) ?? null;
  const proposal = nearestFree
    ? `; the nearest free time in window ${nearestFree.windowName} is ${formatLocalInstant(nearestFree.startsAt)}`
    : '; no free time in the same window holds it';
  throw new DomainError(
    'SCHEDULE_OVERLAP',
    `The item overlaps item ${conflict.id}${title ? ` "${title}"` : ''} (${formatLocalInstant(conflict.startsAt)} – ${formatLocalInstant(conflict.endsAt)}) or comes within the ${gapMs / 1000} s gap${proposal}`,
    {
      conflictingItem: {
        ...itemRef(conflict),
        title,
        localTime: formatDayMonthTime(conflict.startsAt),
      },
      gapSeconds: gapMs / 1000,
      nearestFreeSlot: nearestFree ? slotDetails(nearestFree) : null,
    },
  );
}

export { SlotDetails } from './schedule.view';
