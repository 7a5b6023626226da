import { Injectable } from '@nestjs/common';
import { FindOptionsWhere, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { Bulletin } from '../../bulletins/entities/bulletin.entity';
import { notFound } from '../../common/domain-error';
import { Db } from '../../database/db.service';
import { Device } from '../../fleet/entities/device.entity';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import { PlayoutRecord } from '../entities/playout-record.entity';
import { storedReceipt } from './device-chain';
import { RejectedReceiptListView, ReceiptView } from './receipt.view';

export { ReceiptView };

/** The most rejected receipts one read lists, newest first. */
export const REJECTED_RECEIPTS_LIMIT = 200;

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

  /**
   * The commune's receipts kept but not counted as airtime (or one cluster's), newest first, at
   * most REJECTED_RECEIPTS_LIMIT, with their items. A cluster not of the commune is 404.
   */
  async rejectedReceipts(
    communeCode: string,
    deviceId?: string,
  ): Promise<RejectedReceiptListView[]> {
    if (deviceId && !(await this.db.manager.existsBy(Device, { id: deviceId, communeCode }))) {
      throw notFound('DEVICE_NOT_FOUND', 'Device', deviceId);
    }
    const rows = await this.db.manager.find(DeviceReceipt, {
      where: { communeCode, refused: Not(IsNull()), ...(deviceId ? { deviceId } : {}) },
      order: { receivedAt: 'DESC', seq: 'DESC' },
      take: REJECTED_RECEIPTS_LIMIT,
    });
    const devices = await this.byId(
      Device,
      rows.map((row) => row.deviceId),
    );
    const items = await this.byId(
      ScheduleItem,
      rows.map((row) => row.scheduleItemId),
    );
    const bulletins = await this.byId(
      Bulletin,
      [...items.values()].flatMap((item) => (item.bulletinId ? [item.bulletinId] : [])),
    );
    return rows.map((row) => {
      const item = items.get(row.scheduleItemId);
      const bulletinId = item?.bulletinId ?? null;
      return {
        deviceId: row.deviceId,
        deviceName: devices.get(row.deviceId)?.name ?? null,
        seq: row.seq,
        problem: row.refused!,
        scheduleItemId: row.scheduleItemId,
        bulletinId,
        title: bulletinId ? (bulletins.get(bulletinId)?.title ?? null) : null,
        itemStartsAt: item?.startsAt.toISOString() ?? null,
        itemDurationMs: item?.durationMs ?? null,
        startedAt: row.startedAt,
        endedAt: row.endedAt,
        playedMs: row.playedMs,
        outcome: row.outcome,
        receivedAt: row.receivedAt.toISOString(),
      };
    });
  }

  private async byId<T extends { id: string }>(
    entity: new () => T,
    ids: readonly string[],
  ): Promise<Map<string, T>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const found = await this.db.manager.findBy(entity, { id: In(unique) } as FindOptionsWhere<T>);
    return new Map(found.map((one) => [one.id, one]));
  }
}
