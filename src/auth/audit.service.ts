import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { insertRows } from '../database/bulk-insert';
import { toInstant } from '../database/columns';
import { Db } from '../database/db.service';
import { AuthUser } from './auth-user';
import { AuditAction, AuditEvent, SEND_BACK_CONDITION } from './entities/audit-event.entity';

export interface AuditEntry {
  /** Given when the caller updates the row later (an aggregated entry); generated otherwise. */
  id?: string;
  action: AuditAction;
  actor?: Pick<AuthUser, 'id' | 'username'> | null;
  /** For events without a signed-in actor (a failed login). */
  actorUsername?: string;
  targetType?: string;
  targetId?: string;
  communeCode?: string | null;
  provinceCode?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** The columns of `audit_event`, in the order `recordAll` gives the values. */
const AUDIT_COLUMNS = [
  'id',
  'at',
  'action',
  'actor_id',
  'actor_username',
  'target_type',
  'target_id',
  'commune_code',
  'province_code',
  'ip',
  'detail',
] as const;

/** Bulletin ids per query of `sendBacksOf` (well under SQLite's limit of bound parameters). */
const TARGETS_CHUNK = 500;

export interface AuditQuery {
  action?: AuditAction;
  from?: Date;
  to?: Date;
  limit: number;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Records an event; pass the manager of the transaction that does the audited change. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    if (manager) {
      await this.recordAll([entry], manager);
    } else {
      await this.db.write((m) => this.recordAll([entry], m));
    }
  }

  /**
   * Records several events of one change in its transaction: plain multi-row INSERTs (a group
   * of posts audits up to 200 records; TypeORM's insert builder cost more than the rows).
   */
  async recordAll(entries: readonly AuditEntry[], manager: EntityManager): Promise<void> {
    await insertRows(
      manager,
      'audit_event',
      AUDIT_COLUMNS,
      entries.map((entry) => {
        const event = this.event(entry);
        return [
          event.id,
          toInstant(event.at),
          event.action,
          event.actorId,
          event.actorUsername,
          event.targetType,
          event.targetId,
          event.communeCode,
          event.provinceCode,
          event.ip,
          event.detail === null ? null : JSON.stringify(event.detail),
        ];
      }),
    );
  }

  private event(entry: AuditEntry): AuditEvent {
    return {
      id: entry.id ?? newId(),
      at: this.clock.now(),
      action: entry.action,
      actorId: entry.actor?.id ?? null,
      actorUsername: entry.actor?.username ?? entry.actorUsername ?? null,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      communeCode: entry.communeCode ?? null,
      provinceCode: entry.provinceCode ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail ?? null,
    };
  }

  /**
   * Locks an aggregated entry for `updateDetail` (row lock on PostgreSQL; SQLite has one writer).
   * False when the entry does not exist (yet).
   */
  async lockForUpdate(id: string, manager: EntityManager): Promise<boolean> {
    const row = await manager.findOne(AuditEvent, {
      where: { id },
      select: { id: true },
      ...(this.db.isSqlite ? {} : { lock: { mode: 'pessimistic_write' as const } }),
    });
    return row !== null;
  }

  /**
   * Brings an aggregated entry (failed logins of one window) up to date: only its summary changes,
   * never what happened or when it began; every other entry is written once.
   */
  async updateDetail(
    id: string,
    patch: { actorUsername: string | null; detail: Record<string, unknown> },
    manager: EntityManager,
  ): Promise<void> {
    await manager.update(AuditEvent, { id }, {
      // A row about several usernames names no single actor.
      ...(patch.actorUsername === null ? { actorId: null } : {}),
      actorUsername: patch.actorUsername,
      detail: patch.detail,
    } as QueryDeepPartialEntity<AuditEvent>);
  }

  /** The query of `sendBacksOf` for some bulletins, by the partial index of send-backs. */
  sendBacksQuery(
    bulletinIds: readonly string[],
    manager: EntityManager = this.db.manager,
  ): SelectQueryBuilder<AuditEvent> {
    return manager
      .createQueryBuilder(AuditEvent, 'event')
      .where('event.targetId IN (:...bulletinIds)', { bulletinIds })
      .andWhere(SEND_BACK_CONDITION);
  }

  /** The send-backs of these bulletins, oldest first, in a few queries whatever their number. */
  async sendBacksOf(
    bulletinIds: readonly string[],
    manager: EntityManager = this.db.manager,
  ): Promise<AuditEvent[]> {
    const unique = [...new Set(bulletinIds)];
    const events: AuditEvent[] = [];
    for (let index = 0; index < unique.length; index += TARGETS_CHUNK) {
      events.push(
        ...(await this.sendBacksQuery(
          unique.slice(index, index + TARGETS_CHUNK),
          manager,
        ).getMany()),
      );
    }
    return events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const builder = this.db.manager
      .createQueryBuilder(AuditEvent, 'event')
      .orderBy('event.at', 'DESC')
      .limit(query.limit);
    if (query.action) builder.andWhere('event.action = :action', { action: query.action });
    if (query.from) builder.andWhere('event.at >= :from', { from: query.from.toISOString() });
    if (query.to) builder.andWhere('event.at <= :to', { to: query.to.toISOString() });
    return builder.getMany();
  }
}
