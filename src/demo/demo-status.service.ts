import { Injectable } from '@nestjs/common';
import { canAccessCommune, AuthUser } from '../auth/auth-user';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { PlayoutRecord } from '../playout/entities/playout-record.entity';
import { BroadcastWindow } from '../schedule/entities/broadcast-window.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { DEMO_REMOVE_COMMAND } from './demo.constants';

export interface DemoStatus {
  /** Some sample data is in the database. */
  present: boolean;
  /** Communes holding sample data (that the caller may read). */
  communes: { code: string; name: string }[];
  /** The caller's readable sample bulletins: the UI labels them and their items and records. */
  bulletinIds: string[];
  counts: { windows: number; bulletins: number; scheduleItems: number; playoutRecords: number };
  removeCommand: string;
}

/** What `npm run demo` left in the database, so the web app can label it as sample data. */
@Injectable()
export class DemoStatusService {
  constructor(
    private readonly db: Db,
    private readonly geo: GeoService,
  ) {}

  async status(user: AuthUser): Promise<DemoStatus> {
    const manager = this.db.manager;
    const [windows, bulletins, scheduleItems, playoutRecords] = await Promise.all([
      manager.countBy(BroadcastWindow, { demo: true }),
      manager.find(Bulletin, {
        where: { demo: true },
        select: { id: true, ownerCode: true, communeCode: true, provinceCode: true },
      }),
      manager.countBy(ScheduleItem, { demo: true }),
      manager.countBy(PlayoutRecord, { demo: true }),
    ]);
    const readable = bulletins.filter((bulletin) =>
      bulletin.communeCode
        ? canAccessCommune(
            user,
            { code: bulletin.communeCode, provinceCode: bulletin.provinceCode },
            'read',
          )
        : user.role === 'admin' || user.provinceCode === bulletin.provinceCode,
    );
    const communeCodes = [
      ...new Set(readable.map((bulletin) => bulletin.communeCode).filter((code) => code !== null)),
    ].sort();
    return {
      present: windows + bulletins.length + scheduleItems + playoutRecords > 0,
      communes: communeCodes.map((code) => ({ code, name: this.geo.commune(code).name })),
      bulletinIds: readable.map((bulletin) => bulletin.id).sort(),
      counts: { windows, bulletins: bulletins.length, scheduleItems, playoutRecords },
      removeCommand: DEMO_REMOVE_COMMAND,
    };
  }
}
