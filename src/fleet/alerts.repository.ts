import { Injectable } from '@nestjs/common';
import { EntityManager, FindOptionsWhere, In, IsNull, MoreThanOrEqual } from 'typeorm';
import { toInstant } from '../database/columns';
import { Db } from '../database/db.service';
import { BroadcastWindow } from '../schedule/entities/broadcast-window.entity';
import { Alert, AlertKind } from './entities/alert.entity';

export interface AlertScope {
  communeCode?: string;
  provinceCode?: string;
}

/** Database access for fleet alerts (and the windows their evaluation reads). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly db: Db) {}

  findOpen(openKey: string): Promise<Alert | null> {
    return this.db.manager.findOne(Alert, { where: { openKey } });
  }

  insert(alert: Alert, manager: EntityManager): Promise<unknown> {
    return manager.insert(Alert, alert);
  }

  async updateMessage(id: string, message: string): Promise<void> {
    await this.db.write((manager) => manager.update(Alert, { id }, { message }));
  }

  /** Clears the open alert with this key; false when none was open. */
  async clear(openKey: string, clearedAt: Date): Promise<boolean> {
    const result = await this.db.write((manager) =>
      manager.update(Alert, { openKey }, { openKey: null, clearedAt }),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Open alerts of these kinds, of one device or (without `deviceId`) of every device. */
  openOfKinds(kinds: readonly AlertKind[], deviceId?: string): Promise<Alert[]> {
    return this.db.manager.find(Alert, {
      where: {
        kind: In([...kinds]),
        clearedAt: IsNull(),
        ...(deviceId === undefined ? {} : { deviceId }),
      },
    });
  }

  /** Open alerts, and with `clearedSince` those cleared since then, newest first. */
  list(scope: AlertScope, clearedSince: Date | null, limit: number): Promise<Alert[]> {
    const base: FindOptionsWhere<Alert> = { ...scope };
    const where: FindOptionsWhere<Alert>[] = [{ ...base, clearedAt: IsNull() }];
    if (clearedSince) {
      where.push({ ...base, clearedAt: MoreThanOrEqual(toInstant(clearedSince) as never) });
    }
    return this.db.manager.find(Alert, {
      where,
      order: { since: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /** The on-air windows of these communes (the fleet reads the program's windows, never writes). */
  windowsOf(communeCodes: readonly string[]): Promise<BroadcastWindow[]> {
    if (communeCodes.length === 0) return Promise.resolve([]);
    return this.db.manager.findBy(BroadcastWindow, { communeCode: In([...communeCodes]) });
  }
}
