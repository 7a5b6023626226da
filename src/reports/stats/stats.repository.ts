import { Injectable } from '@nestjs/common';
import { BulletinTopic } from '../../bulletins/entities/bulletin-topic.entity';
import { addDays, localMidnight } from '../../common/local-time';
import { toInstant } from '../../database/columns';
import { Db } from '../../database/db.service';
import { DevicePresence } from '../../fleet/entities/device-presence.entity';
import { ScheduleItem, ScheduleItemSource } from '../../schedule/entities/schedule-item.entity';
import { DateRange } from '../airtime.repository';
import { dayKey, PlannedItem } from './stats-day';

/** Communes per statement: well under both engines' parameter limits. */
const CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += CHUNK) {
    out.push(values.slice(start, start + CHUNK));
  }
  return out;
}

/** The feed's reads beyond the roll-ups: the program log and the clusters' presence. */
@Injectable()
export class StatsRepository {
  constructor(private readonly db: Db) {}

  /** Items of the communes starting within the range's local days, not cancelled. */
  async plannedItems(communeCodes: readonly string[], range: DateRange): Promise<PlannedItem[]> {
    const items = new Map<string, PlannedItem>();
    for (const codes of chunks(communeCodes)) {
      const rows = await this.db.manager
        .createQueryBuilder(ScheduleItem, 'item')
        .leftJoin(BulletinTopic, 'topic', 'topic.bulletin_id = item.bulletin_id')
        .select('item.id', 'id')
        .addSelect('item.commune_code', 'communeCode')
        .addSelect('item.starts_at', 'startsAt')
        .addSelect('item.duration_ms', 'durationMs')
        .addSelect('item.source', 'source')
        .addSelect('item.source_id', 'sourceId')
        .addSelect('topic.topic_code', 'topic')
        .where('item.commune_code IN (:...codes)', { codes })
        .andWhere("item.status <> 'cancelled'")
        .andWhere('item.starts_at >= :from AND item.starts_at < :to', {
          from: toInstant(localMidnight(range.from)),
          to: toInstant(localMidnight(addDays(range.to, 1))),
        })
        .getRawMany<{
          id: string;
          communeCode: string;
          startsAt: string;
          durationMs: number | string;
          source: ScheduleItemSource;
          sourceId: string | null;
          topic: string | null;
        }>();
      for (const row of rows) {
        const item = items.get(row.id) ?? {
          id: row.id,
          communeCode: row.communeCode,
          startsAt: new Date(row.startsAt),
          durationMs: Number(row.durationMs),
          source: row.source,
          sourceId: row.sourceId,
          topics: [],
        };
        if (row.topic !== null) item.topics.push(row.topic);
        items.set(row.id, item);
      }
    }
    return [...items.values()];
  }

  /** Clusters that sent a live status, per commune and local day (`dayKey`). */
  async clustersOnline(
    communeCodes: readonly string[],
    range: DateRange,
  ): Promise<Map<string, number>> {
    const online = new Map<string, number>();
    for (const codes of chunks(communeCodes)) {
      const rows = await this.db.manager
        .createQueryBuilder(DevicePresence, 'presence')
        .select('presence.commune_code', 'communeCode')
        .addSelect('presence.local_date', 'date')
        .addSelect('COUNT(*)', 'clusters')
        .where('presence.commune_code IN (:...codes)', { codes })
        .andWhere('presence.local_date >= :from AND presence.local_date <= :to', range)
        .groupBy('presence.commune_code')
        .addGroupBy('presence.local_date')
        .getRawMany<{ communeCode: string; date: string; clusters: number | string }>();
      for (const row of rows) online.set(dayKey(row.communeCode, row.date), Number(row.clusters));
    }
    return online;
  }
}
