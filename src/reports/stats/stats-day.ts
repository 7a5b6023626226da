import { localDateOf } from '../../common/local-time';
import type { ScheduleItemSource } from '../../schedule/entities/schedule-item.entity';

/** A program-log item of the feed's range that is not cancelled, with its bulletin's topics. */
export interface PlannedItem {
  id: string;
  communeCode: string;
  startsAt: Date;
  durationMs: number;
  source: ScheduleItemSource;
  /** The relayed stream source (tiếp âm); null for a bulletin's item. */
  sourceId: string | null;
  topics: string[];
}

/** What a commune's program log held for one local day. */
export interface PlannedDay {
  /** Bulletin items (relays not counted). */
  items: number;
  /** Items put on the log by an emergency (Thông tư 39: played at once). */
  emergencies: number;
  /** Planned milliseconds per topic of the items' bulletins. */
  topicMs: Map<string, number>;
  /** Milliseconds of relay items (tiếp âm). */
  relayMs: number;
}

/** Whether an item relays a stream source (tiếp âm, `source_id`) rather than playing a bulletin. */
export function isRelayItem(item: PlannedItem): boolean {
  return item.sourceId !== null;
}

/** `commune|date` of a feed day. */
export function dayKey(communeCode: string, date: string): string {
  return `${communeCode}|${date}`;
}

/** The items per commune and local day they start on (`dayKey`). */
export function plannedDays(items: readonly PlannedItem[]): Map<string, PlannedDay> {
  const days = new Map<string, PlannedDay>();
  for (const item of items) {
    const key = dayKey(item.communeCode, localDateOf(item.startsAt));
    const day = days.get(key) ?? { items: 0, emergencies: 0, topicMs: new Map(), relayMs: 0 };
    if (isRelayItem(item)) {
      day.relayMs += item.durationMs;
    } else {
      day.items += 1;
      if (item.source === 'emergency') day.emergencies += 1;
      for (const topic of new Set(item.topics)) {
        day.topicMs.set(topic, (day.topicMs.get(topic) ?? 0) + item.durationMs);
      }
    }
    days.set(key, day);
  }
  return days;
}

/** Milliseconds as minutes with one decimal (the feed's `…Minutes` fields). */
export function msToMinutes(ms: number): number {
  return Math.round(ms / 6000) / 10;
}
