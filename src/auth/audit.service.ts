import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { Db } from '../database/db.service';
import { AuthUser } from './auth-user';
import { AuditAction, AuditEvent } from './entities/audit-event.entity';

export interface AuditEntry {
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
    const event: AuditEvent = {
      id: newId(),
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
    if (manager) {
      await manager.insert(AuditEvent, event as QueryDeepPartialEntity<AuditEvent>);
    } else {
      await this.db.write((m) => m.insert(AuditEvent, event as QueryDeepPartialEntity<AuditEvent>));
    }
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
