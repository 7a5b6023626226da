import { Injectable } from '@nestjs/common';
import { canAccessCommune, AuthUser } from '../auth/auth-user';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { PlayoutRecord } from '../playout/entities/playout-record.entity';
import { BroadcastWindow } from '../schedule/entities/broadcast-window.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { DEMO_REMOVE_COMMAND } from './demo.constants';
import { DemoStatus } from './demo-status.view';

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
      this.communeCounts(BroadcastWindow),
      manager.find(Bulletin, {
        where: { demo: true },
        select: { id: true, communeCode: true, provinceCode: true },
      }),
      this.communeCounts(ScheduleItem),
      this.communeCounts(PlayoutRecord),
    ]);
    const readable = (communeCode: string): boolean =>
      canAccessCommune(user, this.geo.commune(communeCode), 'read');
    const communeCodes = new Set(
      [
        ...windows.keys(),
        ...scheduleItems.keys(),
        ...playoutRecords.keys(),
        ...bulletins.flatMap((bulletin) => (bulletin.communeCode ? [bulletin.communeCode] : [])),
      ].filter(readable),
    );
    const readableBulletins = bulletins.filter((bulletin) =>
      bulletin.communeCode
        ? communeCodes.has(bulletin.communeCode)
        : user.role === 'admin' || user.provinceCode === bulletin.provinceCode,
    );
    const total = (counts: Map<string, number>): number =>
      [...counts.values()].reduce((sum, count) => sum + count, 0);
    return {
      present: total(windows) + bulletins.length + total(scheduleItems) + total(playoutRecords) > 0,
      communes: [...communeCodes]
        .sort()
        .map((code) => ({ code, name: this.geo.commune(code).name })),
      bulletinIds: readableBulletins.map((bulletin) => bulletin.id).sort(),
      counts: {
        windows: total(windows),
        bulletins: bulletins.length,
        scheduleItems: total(scheduleItems),
        playoutRecords: total(playoutRecords),
      },
      removeCommand: DEMO_REMOVE_COMMAND,
    };
  }

  /** Demo rows of a table by commune. */
  private async communeCounts(
    entity: typeof BroadcastWindow | typeof ScheduleItem | typeof PlayoutRecord,
  ): Promise<Map<string, number>> {
    const rows = await this.db.manager
      .createQueryBuilder(entity, 'row')
      .select('row.commune_code', 'communeCode')
      .addSelect('COUNT(*)', 'count')
      .where('row.demo = :demo', { demo: true })
      .groupBy('row.commune_code')
      .getRawMany<{ communeCode: string; count: string | number }>();
    return new Map(rows.map((row) => [row.communeCode, Number(row.count)]));
  }
}

export { DemoStatus } from './demo-status.view';
