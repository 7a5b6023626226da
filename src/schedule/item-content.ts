import type { ScheduleItem } from './entities/schedule-item.entity';

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
