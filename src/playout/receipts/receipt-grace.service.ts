import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { toInstant } from '../../database/columns';
import { Db } from '../../database/db.service';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { OPEN_ITEM_STATUSES } from '../../schedule/program-log.repository';
import { AsRunLedger } from '../as-run-ledger';
import { communeHasDevicesSql } from './device-communes';
import { ReceiptRecords } from './receipt-records';

/** Items settled per tick; the rest wait for the next one. */
const BATCH = 200;

/**
 * The scheduler's sweep for communes with devices: an item still without its record once
 * PLAYOUT_RECEIPT_GRACE_MINUTES have passed since its end gets it now, from the receipts that
 * came (silent devices counted `unreported`). Until then the item stays open
 * (`OPEN_ITEM_STATUSES`), which the reconciliation reads as `pending`. Safe on several
 * instances: each item is settled under its commune's chain head, and `ReceiptRecords` writes
 * nothing for an item that has its record already.
 */
@Injectable()
export class ReceiptGrace {
  private readonly logger = new Logger(ReceiptGrace.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly ledger: AsRunLedger,
    private readonly records: ReceiptRecords,
    private readonly clock: Clock,
  ) {}

  async settle(): Promise<number> {
    const now = this.clock.now();
    const graceMs = this.config.playout.receiptGraceMinutes * 60000;
    const items = await this.db.manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.status IN (:...open)', { open: [...OPEN_ITEM_STATUSES] })
      .andWhere('item.endsAt <= :due', { due: toInstant(new Date(now.getTime() - graceMs)) })
      .andWhere(communeHasDevicesSql('item'))
      .orderBy('item.startsAt', 'ASC')
      .take(BATCH)
      .getMany();
    let settled = 0;
    for (const item of items) {
      const record = await this.db.write(async (manager) => {
        const head = await this.ledger.lockHead(manager, item.communeCode);
        return this.records.settle(manager, head, item, now);
      });
      if (record) {
        settled += 1;
        this.logger.log(
          `Item ${item.id} of commune ${item.communeCode} after the receipts' grace: ${record.outcome}`,
        );
      }
    }
    return settled;
  }
}
