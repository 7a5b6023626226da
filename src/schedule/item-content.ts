import type { ScheduleItem } from './entities/schedule-item.entity';
import type { Bulletin } from '../bulletins/entities/bulletin.entity';

/**
 * What an item plays: a bulletin (its topics are the bulletin's) or a relay of a stream source
 * (its own `topics`, no bulletin). Readers of the program log go through these two helpers.
 */
export function bulletinIdsOf(items: readonly Pick<ScheduleItem, 'bulletinId'>[]): string[] {
  return [...new Set(items.flatMap((item) => (item.bulletinId === null ? [] : [item.bulletinId])))];
}

/** The topics an item counts for: a relay's own, else its bulletin's (from `bulletinTopics`). */
export function itemTopics(
  item: Pick<ScheduleItem, 'bulletinId' | 'topics'>,
  bulletinTopics: ReadonlyMap<string, readonly string[]>,
): string[] {
  if (item.bulletinId === null) return [...(item.topics ?? [])];
  return [...(bulletinTopics.get(item.bulletinId) ?? [])];
}

/** What a new item plays and its length. */
export type ItemContent = Pick<
  ScheduleItem,
  'bulletinId' | 'sourceId' | 'topics' | 'title' | 'priority' | 'durationMs'
>;

/**
 * A bulletin item's copy of its bulletin as it stands (title, priority, topics sorted), which
 * the item keeps once it has run or been taken off the log.
 */
export function bulletinCopy(record: {
  bulletin: Pick<Bulletin, 'id' | 'title' | 'priority'>;
  topics: readonly string[];
}): Omit<ItemContent, 'durationMs'> {
  return {
    bulletinId: record.bulletin.id,
    sourceId: null,
    topics: [...record.topics].sort(),
    title: record.bulletin.title,
    priority: record.bulletin.priority,
  };
}
