import { EntityManager, In } from 'typeorm';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { StreamSource } from '../sources/entities/stream-source.entity';
import { ScheduleItem } from './entities/schedule-item.entity';
import { relayTitle } from './schedule-item.view';

/** Ids per `IN (…)` lookup. */
const LOOKUP_CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  return Array.from({ length: Math.ceil(values.length / LOOKUP_CHUNK) }, (_, index) =>
    values.slice(index * LOOKUP_CHUNK, (index + 1) * LOOKUP_CHUNK),
  );
}

/**
 * The title people read for each item: its bulletin's, or for a relay (no bulletin) its source's
 * ("Tiếp âm: …"), as the program log shows it. Bulletins and sources are read once for all.
 */
export async function itemTitles(
  manager: EntityManager,
  items: readonly ScheduleItem[],
): Promise<Map<string, string | null>> {
  const bulletinIds = [...new Set(items.flatMap((item) => item.bulletinId ?? []))];
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
  return new Map(
    items.map((item) => [
      item.id,
      item.bulletinId !== null
        ? (titles.get(item.bulletinId) ?? null)
        : item.sourceId
          ? relayTitle(sourceNames.get(item.sourceId) ?? null)
          : null,
    ]),
  );
}
