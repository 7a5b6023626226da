import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { toInstant } from '../database/columns';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { OPEN_ITEM_STATUSES } from '../schedule/program-log.repository';
import { AutomationRecorder } from './automation-recorder';
import { CLAIM_STALE_MS } from './playout-claims';
import { communeHasDevicesSql } from './receipts/device-communes';

/** Items settled per tick; the rest wait for the next one. */
const BATCH = 200;

/**
 * Finds items nothing will play any more and gives them their record: `missed` when the start
 * passed by more than the tolerance with no live player (service down, worker stuck, process
 * killed before the start), `partial` when the player died mid-play. Idempotent: the recorder
 * checks under the chain lock and takes the item's claim in the same transaction. Items of
 * communes with devices are not the server player's: `ReceiptGrace` settles them.
 */
@Injectable()
export class OverdueItems {
  private readonly logger = new Logger(OverdueItems.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly recorder: AutomationRecorder,
    private readonly clock: Clock,
  ) {}

  async settle(): Promise<number> {
    const now = this.clock.now();
    const tolerance = this.config.playout.lateToleranceMs;
    const items = await this.db.manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.status IN (:...open)', { open: [...OPEN_ITEM_STATUSES] })
      .andWhere(
        `(item.startsAt < :overdue OR EXISTS (SELECT 1 FROM playout_claim claim
          WHERE claim.schedule_item_id = item.id AND claim.output_started_at IS NOT NULL
          AND claim.heartbeat_at < :stale))`,
        {
          overdue: toInstant(new Date(now.getTime() - tolerance)),
          stale: toInstant(new Date(now.getTime() - CLAIM_STALE_MS)),
        },
      )
      .andWhere(`NOT ${communeHasDevicesSql('item')}`)
      .orderBy('item.startsAt', 'ASC')
      .take(BATCH)
      .getMany();
    let settled = 0;
    for (const item of items) {
      const record = await this.recorder.settleOverdue(item, tolerance);
      if (record) {
        settled += 1;
        this.logger.warn(`Item ${item.id} of commune ${item.communeCode}: ${record.outcome}`);
      }
    }
    return settled;
  }
}
