import { Injectable } from '@nestjs/common';
import { LessThanOrEqual } from 'typeorm';
import { notFound } from '../../common/domain-error';
import { Db } from '../../database/db.service';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import { PlayoutRecord } from '../entities/playout-record.entity';
import { storedReceipt } from './device-chain';
import { ReceiptView } from './receipt.view';

export { ReceiptView };

@Injectable()
export class ReceiptsLog {
  constructor(private readonly db: Db) {}

  /**
   * The receipts a record counts: those of its item that the record, or an earlier record of
   * the item, counted (a correction counts the late ones too). Empty for records not built from
   * receipts.
   */
  async receiptsBehind(communeCode: string, seq: number): Promise<ReceiptView[]> {
    const record = await this.db.manager.findOneBy(PlayoutRecord, { communeCode, seq });
    if (!record) throw notFound('NOT_FOUND', 'As-run record', String(seq));
    if (record.devicesTargeted === null || !record.scheduleItemId) return [];
    const rows = await this.db.manager.find(DeviceReceipt, {
      where: {
        communeCode,
        scheduleItemId: record.scheduleItemId,
        recordSeq: LessThanOrEqual(seq),
      },
      order: { deviceId: 'ASC', seq: 'ASC' },
    });
    return rows.map((row) => ({
      ...storedReceipt(row),
      receivedAt: row.receivedAt.toISOString(),
      recordSeq: row.recordSeq,
    }));
  }
}
