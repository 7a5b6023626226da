import { Injectable, Logger } from '@nestjs/common';
import { localDateOf } from '../common/local-time';
import { toInstant } from '../database/columns';
import { insertRows } from '../database/bulk-insert';
import { Db } from '../database/db.service';
import type { Device } from './entities/device.entity';

/** Days remembered per process before the memory of written rows is dropped. */
const REMEMBERED_DAYS = 2;

/**
 * Notes that a cluster was online on a local day (one row per cluster and day, the first live
 * status of the day). A device sends a status at least every 60 s: this process remembers which
 * rows it wrote, so only the first status of a device's day costs a write. A failure is logged
 * and never stops the status from being handled.
 */
@Injectable()
export class DevicePresenceRecorder {
  private readonly logger = new Logger(DevicePresenceRecorder.name);
  private readonly written = new Map<string, Set<string>>();

  constructor(private readonly db: Db) {}

  async seen(device: Pick<Device, 'id' | 'communeCode' | 'provinceCode'>, at: Date): Promise<void> {
    const date = localDateOf(at);
    const today = this.written.get(date) ?? this.startDay(date);
    if (today.has(device.id)) return;
    try {
      await this.db.write((manager) =>
        insertRows(
          manager,
          'device_presence',
          ['device_id', 'local_date', 'commune_code', 'province_code', 'first_seen_at'],
          [[device.id, date, device.communeCode, device.provinceCode, toInstant(at)]],
          '(device_id, local_date) DO NOTHING',
        ),
      );
      today.add(device.id);
    } catch (error) {
      this.logger.warn(
        `Presence of ${device.id} on ${date} not written: ${(error as Error).message}`,
      );
    }
  }

  private startDay(date: string): Set<string> {
    const set = new Set<string>();
    this.written.set(date, set);
    for (const day of [...this.written.keys()].sort().slice(0, -REMEMBERED_DAYS)) {
      this.written.delete(day);
    }
    return set;
  }
}
