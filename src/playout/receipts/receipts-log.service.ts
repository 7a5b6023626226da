import { Injectable } from '@nestjs/common';
import { LessThanOrEqual } from 'typeorm';
import { notFound } from '../../common/domain-error';
import { Db } from '../../database/db.service';
import { Receipt } from '../../fleet/protocol';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import { PlayoutRecord } from '../entities/playout-record.entity';
import { storedReceipt } from './receipt-intake.service';

/** A receipt as served: exactly what the device signed, and when and where the server took it. */
export interface ReceiptView extends Receipt {
  receivedAt: string;
  /** The commune record that first counted it. */
  recordSeq: number | null;
}

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
    if (record.source !== 'devices' || !record.scheduleItemId) return [];
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
