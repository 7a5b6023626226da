import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { toInstant } from '../../database/columns';
import { Db } from '../../database/db.service';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { OPEN_ITEM_STATUSES } from '../../schedule/program-log.repository';
import { AsRunLedger } from '../as-run-ledger';
import { AUTOMATION_ATTEMPT } from '../log-checks';
import { communeHasDevicesSql } from './device-communes';
import { ReceiptRecords } from './receipt-records';

/** Items settled per tick; the rest wait for the next one. */
const BATCH = 200;

/**
 * The scheduler's sweep for communes with devices: an item still without its record once
 * PLAYOUT_RECEIPT_GRACE_MINUTES have passed since its end gets it now, from the receipts that
 * came (silent devices counted `unreported`). Until then the item stays open
 * (`OPEN_ITEM_STATUSES`), which the reconciliation reads as `pending`. So does an item a person
 * recorded first (its status no longer open) whose receipts came but wait for the other clusters:
 * its receipts' record replaces the person's. Safe on several instances: each item is settled
 * under its commune's chain head, and `ReceiptRecords` writes nothing for an item that has its
 * record already.
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
    const due = new Date(now.getTime() - graceMs);
    const items = await this.db.manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.status IN (:...open)', { open: [...OPEN_ITEM_STATUSES] })
      .andWhere('item.endsAt <= :due', { due: toInstant(due) })
      .andWhere(communeHasDevicesSql('item'))
      .orderBy('item.startsAt', 'ASC')
      .take(BATCH)
      .getMany();
    items.push(...(await this.recordedByPeople(due)));
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

  /**
   * Items past their grace that a person recorded before their clusters reported in full (the
   * operator's "Xác nhận"): counted receipts wait for them, and no record of their devices (nor
   * of the player: attempt 1) is in the log. Found from the waiting receipts, by the commune's
   * index on `record_seq`: every past item is not read each tick.
   */
  private recordedByPeople(due: Date): Promise<ScheduleItem[]> {
    return (
      this.db.manager
        .createQueryBuilder(ScheduleItem, 'item')
        .where(
          'item.id IN (SELECT receipt.schedule_item_id FROM device_receipt receipt ' +
            'WHERE receipt.commune_code IN (SELECT device.commune_code FROM device ' +
            'WHERE device.enrolled_at IS NOT NULL) ' +
            'AND receipt.record_seq IS NULL AND receipt.refused IS NULL)',
        )
        // Open items are the first query's; a cancelled one is left as it was.
        .andWhere('item.status NOT IN (:...skipped)', {
          skipped: [...OPEN_ITEM_STATUSES, 'cancelled'],
        })
        .andWhere('item.endsAt <= :due', { due: toInstant(due) })
        .andWhere(
          'NOT EXISTS (SELECT 1 FROM playout_record record ' +
            'WHERE record.schedule_item_id = item.id AND record.attempt = :first)',
          { first: AUTOMATION_ATTEMPT },
        )
        .orderBy('item.startsAt', 'ASC')
        .take(BATCH)
        .getMany()
    );
  }
}
