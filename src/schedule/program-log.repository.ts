import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Airtime, airtimeOf } from '../campaigns/targets';
import {
  insertRows,
  placeholders,
  selectRows,
  sqlBoolean,
  SqlValue,
} from '../database/bulk-insert';
import { readByCommune } from '../database/by-commune';
import { toInstant } from '../database/columns';
import type { Bulletin } from '../bulletins/entities/bulletin.entity';
import type { PlayoutOutcome } from '../playout/entities/playout-record.entity';
import { Db } from '../database/db.service';
import {
  OPEN_ITEM_STATUSES,
  ScheduleItem,
  ScheduleItemStatus,
} from './entities/schedule-item.entity';

export { OPEN_ITEM_STATUSES };

/** Database access for a commune's program log, shared by the schedule and bulletins features. */
@Injectable()
export class ProgramLogRepository {
  constructor(private readonly db: Db) {}

  /**
   * Locks the commune's program log until the transaction ends: every change to it goes through
   * here first, so two requests never both see a slot free. One upsert creates the commune's row
   * or bumps its `version`; on PostgreSQL the update takes the row's lock (as `SELECT … FOR
   * UPDATE` would) and a concurrent request waits at this statement until the first commits.
   * SQLite has one writer at a time already (Db.write).
   */
  async lock(manager: EntityManager, communeCode: string, now: Date): Promise<void> {
    const [commune, updatedAt] = this.db.isSqlite ? ['?', '?'] : ['$1', '$2'];
    await manager.query(
      `INSERT INTO commune_schedule (commune_code, version, updated_at) VALUES (${commune}, 1, ${updatedAt})
       ON CONFLICT (commune_code) DO UPDATE SET version = commune_schedule.version + 1, updated_at = excluded.updated_at`,
      [communeCode, toInstant(now)],
    );
  }

  /**
   * `lock` for several communes in one statement (an emergency to a province), in code order: the
   * order every writer of several logs follows, so two of them never wait on each other.
   */
  async lockAll(manager: EntityManager, communeCodes: readonly string[], now: Date): Promise<void> {
    const at = toInstant(now);
    await insertRows(
      manager,
      'commune_schedule',
      ['commune_code', 'version', 'updated_at'],
      [...communeCodes].sort().map((code) => [code, 1, at]),
      '(commune_code) DO UPDATE SET version = commune_schedule.version + 1, updated_at = excluded.updated_at',
    );
  }

  /** `itemsTouching` for several communes in one query, by commune. */
  async itemsTouchingAny(
    manager: EntityManager,
    communeCodes: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Map<string, ScheduleItem[]>> {
    return readByCommune(communeCodes, (codes) =>
      manager
        .createQueryBuilder(ScheduleItem, 'item')
        .where('item.communeCode IN (:...codes)', { codes })
        .andWhere('item.status <> :cancelled', { cancelled: 'cancelled' })
        .andWhere('item.startsAt < :to', { to: toInstant(to) })
        .andWhere('item.endsAt > :from', { from: toInstant(from) })
        .orderBy('item.startsAt', 'ASC')
        .addOrderBy('item.id', 'ASC')
        .getMany(),
    );
  }

  /** Non-cancelled items of the commune that share some time with [from, to). */
  itemsTouching(
    manager: EntityManager,
    communeCode: string,
    from: Date,
    to: Date,
  ): Promise<ScheduleItem[]> {
    return manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.communeCode = :communeCode', { communeCode })
      .andWhere('item.status <> :cancelled', { cancelled: 'cancelled' })
      .andWhere('item.startsAt < :to', { to: toInstant(to) })
      .andWhere('item.endsAt > :from', { from: toInstant(from) })
      .orderBy('item.startsAt', 'ASC')
      .addOrderBy('item.id', 'ASC')
      .getMany();
  }

  /** Items of the commune starting in [from, to), every status unless given. */
  itemsStarting(
    manager: EntityManager,
    communeCode: string,
    from: Date,
    to: Date,
    statuses?: readonly ScheduleItemStatus[],
  ): Promise<ScheduleItem[]> {
    const query = manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.communeCode = :communeCode', { communeCode })
      .andWhere('item.startsAt >= :from', { from: toInstant(from) })
      .andWhere('item.startsAt < :to', { to: toInstant(to) })
      .orderBy('item.startsAt', 'ASC')
      .addOrderBy('item.id', 'ASC');
    if (statuses) query.andWhere('item.status IN (:...statuses)', { statuses });
    return query.getMany();
  }

  /** Open items that have not started yet: of a bulletin (every commune), or of a commune. */
  futureOpenItems(
    manager: EntityManager,
    where: { bulletinId: string } | { communeCode: string },
    now: Date,
  ): Promise<ScheduleItem[]> {
    const query = manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.status IN (:...open)', { open: OPEN_ITEM_STATUSES })
      .andWhere('item.startsAt > :now', { now: toInstant(now) })
      .orderBy('item.startsAt', 'ASC')
      .addOrderBy('item.id', 'ASC');
    if ('bulletinId' in where) {
      query.andWhere('item.bulletinId = :bulletinId', { bulletinId: where.bulletinId });
    } else {
      query.andWhere('item.communeCode = :communeCode', { communeCode: where.communeCode });
    }
    return query.getMany();
  }

  /**
   * Keeps the copies of a bulletin's title and priority on its open items that have not started
   * in step with the bulletin; the items that have started or closed keep theirs (their history).
   */
  async followBulletin(
    manager: EntityManager,
    bulletin: Pick<Bulletin, 'id' | 'title' | 'priority'>,
    now: Date,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(ScheduleItem)
      .set({ title: bulletin.title, priority: bulletin.priority, updatedAt: now })
      .where('bulletin_id = :bulletinId', { bulletinId: bulletin.id })
      .andWhere('status IN (:...open)', { open: OPEN_ITEM_STATUSES })
      .andWhere('starts_at > :now', { now: toInstant(now) })
      .execute();
  }

  /** The items of these ids (those that exist), any status. */
  async itemsByIds(manager: EntityManager, ids: readonly string[]): Promise<ScheduleItem[]> {
    const items: ScheduleItem[] = [];
    for (let index = 0; index < ids.length; index += 500) {
      items.push(
        ...(await manager.findBy(ScheduleItem, { id: In(ids.slice(index, index + 500)) })),
      );
    }
    return items;
  }

  /**
   * What the as-run log counts of each of these items, by item: the sum of `airtimeOf` over its
   * records in effect (those no later record corrects), as the reports count them. Items without
   * a record in effect are absent.
   */
  async airtimeOfItems(
    manager: EntityManager,
    ids: readonly string[],
  ): Promise<Map<string, Airtime>> {
    const counted = new Map<string, Airtime>();
    for (let index = 0; index < ids.length; index += 500) {
      const slice = ids.slice(index, index + 500);
      const rows = await selectRows<{ itemId: string; outcome: string; playedMs: number | string }>(
        manager,
        'SELECT record.schedule_item_id AS "itemId", record.outcome, ' +
          'record.played_ms AS "playedMs" FROM playout_record record ' +
          `WHERE record.schedule_item_id IN (${placeholders(slice.length)}) ` +
          'AND NOT EXISTS (SELECT 1 FROM playout_record fix WHERE fix.commune_code = ' +
          'record.commune_code AND fix.corrects_seq = record.seq AND fix.seq > record.seq)',
        slice,
      );
      for (const row of rows) {
        const { airedMs, plays } = airtimeOf({
          outcome: row.outcome as PlayoutOutcome,
          playedMs: Number(row.playedMs),
        });
        const known = counted.get(row.itemId) ?? { airedMs: 0, plays: 0 };
        counted.set(row.itemId, { airedMs: known.airedMs + airedMs, plays: known.plays + plays });
      }
    }
    return counted;
  }

  /** Takes items off the log, keeping them (status `cancelled`) with the reason. */
  async cancel(
    manager: EntityManager,
    items: readonly ScheduleItem[],
    reason: string,
    now: Date,
  ): Promise<void> {
    const ids = items.map((item) => item.id);
    for (let index = 0; index < ids.length; index += 500) {
      await manager.update(
        ScheduleItem,
        { id: In(ids.slice(index, index + 500)) },
        {
          status: 'cancelled',
          cancelReason: reason.slice(0, 200),
          updatedAt: now,
          revision: () => 'revision + 1',
        },
      );
    }
    for (const item of items) {
      item.status = 'cancelled';
      item.cancelReason = reason.slice(0, 200);
      item.updatedAt = now;
      item.revision += 1;
    }
  }

  /** Inserts many items in a few multi-row statements (the planner writes hundreds at once). */
  async insertMany(manager: EntityManager, items: readonly ScheduleItem[]): Promise<void> {
    await insertRows(
      manager,
      'schedule_item',
      ITEM_COLUMNS,
      items.map((item) => itemColumnValues(manager, item)),
      undefined,
      true,
    );
  }
}

/** The columns of `schedule_item`, in the order of itemColumnValues. */
const ITEM_COLUMNS = [
  'id',
  'commune_code',
  'bulletin_id',
  'topics',
  'title',
  'priority',
  'starts_at',
  'ends_at',
  'duration_ms',
  'status',
  'source',
  'zones',
  'cancel_reason',
  'created_by',
  'created_at',
  'updated_at',
  'revision',
  'demo',
] as const;

function itemColumnValues(manager: EntityManager, item: ScheduleItem): SqlValue[] {
  return [
    item.id,
    item.communeCode,
    item.bulletinId,
    // simple-json, as TypeORM writes it for the entity.
    item.topics == null ? null : JSON.stringify(item.topics),
    item.title,
    item.priority,
    toInstant(item.startsAt),
    toInstant(item.endsAt),
    item.durationMs,
    item.status,
    item.source,
    // simple-json, as TypeORM writes it for the entity.
    item.zones === null ? null : JSON.stringify(item.zones),
    item.cancelReason,
    item.createdBy,
    toInstant(item.createdAt),
    toInstant(item.updatedAt),
    item.revision,
    sqlBoolean(manager, item.demo),
  ];
}
