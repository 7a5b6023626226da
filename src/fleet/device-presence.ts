import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { localDateOf } from '../common/local-time';
import { toInstant } from '../database/columns';
import { insertRows, SqlValue } from '../database/bulk-insert';
import { Db } from '../database/db.service';
import type { Device } from './entities/device.entity';

/** Days remembered per process before the memory of written rows is dropped. */
const REMEMBERED_DAYS = 2;
/** How long the first presence of a batch waits for others (50,000 clusters start a day at once). */
const BATCH_DELAY_MS = 1000;

/**
 * Notes that a cluster was online on a local day (one row per cluster and day: the first live
 * status of the day). A device sends a status at least every 60 s: this process remembers the
 * rows it noted, so only the first status of a device's day costs anything, and those are written
 * in batches (one statement each) rather than one transaction per device. A failed batch is
 * logged and forgotten, so the devices' next statuses note them again; a status is never held up.
 */
@Injectable()
export class DevicePresenceRecorder implements OnModuleDestroy {
  private readonly logger = new Logger(DevicePresenceRecorder.name);
  private readonly noted = new Map<string, Set<string>>();
  private pending: SqlValue[][] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db) {}

  seen(device: Pick<Device, 'id' | 'communeCode' | 'provinceCode'>, at: Date): void {
    const date = localDateOf(at);
    const day = this.noted.get(date) ?? this.startDay(date);
    if (day.has(device.id)) return;
    day.add(device.id);
    this.pending.push([device.id, date, device.communeCode, device.provinceCode, toInstant(at)]);
    this.timer ??= setTimeout(() => void this.flush(), BATCH_DELAY_MS);
  }

  /** Writes what was noted so far (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => (rows.length > 0 ? this.write(rows) : undefined));
    await this.writing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private async write(rows: SqlValue[][]): Promise<void> {
    try {
      await this.db.write((manager) =>
        insertRows(
          manager,
          'device_presence',
          ['device_id', 'local_date', 'commune_code', 'province_code', 'first_seen_at'],
          rows,
          '(device_id, local_date) DO NOTHING',
        ),
      );
    } catch (error) {
      this.logger.warn(`${rows.length} cluster presences not written: ${(error as Error).message}`);
      for (const [deviceId, date] of rows) this.noted.get(String(date))?.delete(String(deviceId));
    }
  }

  private startDay(date: string): Set<string> {
    const set = new Set<string>();
    this.noted.set(date, set);
    for (const day of [...this.noted.keys()].sort().slice(0, -REMEMBERED_DAYS)) {
      this.noted.delete(day);
    }
    return set;
  }
}
