import { EntityManager, In } from 'typeorm';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { StreamSource } from '../sources/entities/stream-source.entity';
import { ScheduleItem } from './entities/schedule-item.entity';
import { User } from '../users/entities/user.entity';
import { liveTitle, relayTitle } from './schedule-item.view';

/** Ids per `IN (…)` lookup. */
const LOOKUP_CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  return Array.from({ length: Math.ceil(values.length / LOOKUP_CHUNK) }, (_, index) =>
    values.slice(index * LOOKUP_CHUNK, (index + 1) * LOOKUP_CHUNK),
  );
}

/**
 * The title people read for each item: its copy of its bulletin's (the one it ran with), or for a relay (no bulletin) its source's
 * ("Tiếp âm: …"), for a live announcement who spoke ("Phát trực tiếp: …"), as the program log shows it. Bulletins and sources are read once for all.
 */
export async function itemTitles(
  manager: EntityManager,
  items: readonly ScheduleItem[],
): Promise<Map<string, string | null>> {
  // An item's own copy of its bulletin's title; the bulletin's only when the copy was not read.
  const bulletinIds = [
    ...new Set(items.flatMap((item) => (item.title ? [] : (item.bulletinId ?? [])))),
  ];
  const sourceIds = [...new Set(items.flatMap((item) => item.sourceId ?? []))];
  const titles = new Map<string, string>();
  for (const ids of chunks(bulletinIds)) {
    const bulletins = await manager.find(Bulletin, {
      select: { id: true, title: true },
      where: { id: In(ids) },
    });
    for (const bulletin of bulletins) titles.set(bulletin.id, bulletin.title);
  }
  const sourceNames = new Map<string, string>();
  for (const ids of chunks(sourceIds)) {
    const sources = await manager.find(StreamSource, {
      select: { id: true, name: true },
      where: { id: In(ids) },
    });
    for (const source of sources) sourceNames.set(source.id, source.name);
  }
  const speakerIds = [
    ...new Set(items.flatMap((item) => (item.source === 'live' ? (item.createdBy ?? []) : []))),
  ];
  const speakers = new Map<string, string>();
  for (const ids of chunks(speakerIds)) {
    const users = await manager.find(User, {
      select: { id: true, username: true, displayName: true },
      where: { id: In(ids) },
    });
    for (const user of users) speakers.set(user.id, user.displayName || user.username);
  }
  return new Map(
    items.map((item) => [
      item.id,
      item.source === 'live'
        ? liveTitle(speakers.get(item.createdBy ?? '') ?? null)
        : item.bulletinId !== null
          ? (item.title ?? titles.get(item.bulletinId) ?? null)
          : item.sourceId
            ? relayTitle(sourceNames.get(item.sourceId) ?? null)
            : null,
    ]),
  );
}
