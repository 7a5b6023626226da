import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Mutex } from '../common/mutex';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DevicesRepository } from './devices.repository';
import { Device } from './entities/device.entity';

/** The columns a status sets. */
export type StatusValues = Partial<
  Pick<
    Device,
    | 'state'
    | 'lastSeenAt'
    | 'playingItemId'
    | 'playingStartedAt'
    | 'clockSkewMs'
    | 'cachedUntil'
    | 'volume'
    | 'power'
    | 'version'
    | 'statusProblem'
    | 'statusProblemAt'
  >
>;

/** The status values a `DeviceStatusBook` had not written at one moment (`unwritten()`). */
export interface UnwrittenStatuses {
  readonly inFlight: ReadonlyMap<string, StatusValues>;
  readonly pending: ReadonlyMap<string, StatusValues>;
}

/**
 * The fleet's statuses between the broker and the database, in the process that takes them. A
 * fleet's statuses (2,500 devices every 30 s: 83 a second) were one transaction each; here the
 * last values of each device wait in memory and are written together, one transaction at most
 * every DEVICE_STATUS_WRITE_MS, 1 s by default (at most one UPDATE per device, `lastSeenAt` the time of
 * receipt). A status that changes whether the device is online, or may change its alerts, is
 * written at once (`writeSoon`): what reads the database for those in another process (the
 * alert sweep of the scheduler process) is not behind by a batch. What reads them in this process
 * (the devices routes, the alert evaluation, an emergency's targeting, the sync pushes) overlays
 * what is not written yet: `unwritten()` before the read, `current(row, before)` after it.
 *
 * It also keeps each device as last known here (read once, then every status applied), so a
 * status of a known device costs no read. A change to a device made through this process
 * (PATCH, deletion, credentials) forgets it; a status field is only written by status handling.
 */
@Injectable()
export class DeviceStatusBook implements OnModuleDestroy {
  private readonly logger = new Logger(DeviceStatusBook.name);
  private readonly known = new Map<string, Device>();
  private pending = new Map<string, StatusValues>();
  /** The batch being written, still overlaid until it is committed. */
  private inFlight = new Map<string, StatusValues>();
  private timer: NodeJS.Timeout | null = null;
  private urgent: NodeJS.Immediate | null = null;
  /** Writes one after the other, so a device's values reach the database in the order taken. */
  private readonly writes = new Mutex();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly devices: DevicesRepository,
  ) {}

  /** The device as last known here, read from the database the first time (null: none). */
  async device(id: string): Promise<Device | null> {
    const known = this.known.get(id);
    if (known) return known;
    const device = await this.devices.find(id);
    if (!device) return null;
    const current = this.current(device);
    this.known.set(id, current);
    return current;
  }

  /** Takes a status's values for the device: known at once, written with the next batch. */
  take(device: Device, values: StatusValues): Device {
    const after = { ...device, ...values };
    this.known.set(device.id, after);
    this.pending.set(device.id, { ...this.pending.get(device.id), ...values });
    this.flushSoon();
    return after;
  }

  /**
   * Writes what waits as soon as the database takes it, not with the next batch: the statuses
   * that came meanwhile (a cell tower's thousand Last Wills) go in the same transaction.
   */
  writeSoon(): void {
    if (this.urgent) return;
    this.urgent = setImmediate(() => {
      this.urgent = null;
      void this.flush();
    });
  }

  /** Writes every status taken so far, in one transaction. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.writes.run(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      await this.write(batch);
    });
  }

  /**
   * What is not written yet as a read of the database begins, for `current` after the read: a
   * batch that commits while the read is under way may be missing from the row the read returns,
   * and is no longer in the book when the read ends (a box's first status, read back as "never
   * seen"). The maps are the book's own, never changed once replaced, so this copies nothing.
   */
  unwritten(): UnwrittenStatuses {
    return { inFlight: this.inFlight, pending: this.pending };
  }

  /**
   * The device read from the database with the status values not written yet: those of now and,
   * given `before` (`unwritten()` taken before the read), those not written when the read began.
   * Any read of the device's columns will do (an emergency reads only the ones it needs).
   */
  current<D extends Pick<Device, 'id'>>(device: D, before?: UnwrittenStatuses): D {
    const earlierWritten = before?.inFlight.get(device.id);
    const earlierWaiting = before?.pending.get(device.id);
    const written = this.inFlight.get(device.id);
    const waiting = this.pending.get(device.id);
    if (!earlierWritten && !earlierWaiting && !written && !waiting) return device;
    return { ...device, ...earlierWritten, ...earlierWaiting, ...written, ...waiting };
  }

  /** Its next status reads the device again (it was changed, or deleted). */
  forget(id: string): void {
    this.known.delete(id);
  }

  /** Whatever was taken is written before the database closes (it closes after this hook). */
  async onModuleDestroy(): Promise<void> {
    if (this.urgent) clearImmediate(this.urgent);
    this.urgent = null;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flushSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.config.fleet.statusWriteMs);
    // Never what keeps a process alive: closing the application writes the rest (above).
    this.timer.unref();
  }

  /** A failed batch goes back under what came since, for the next batch to try again. */
  private async write(batch: Map<string, StatusValues>): Promise<void> {
    this.inFlight = batch;
    try {
      await this.devices.updateStatuses(batch);
    } catch (error) {
      this.logger.warn(
        `Fleet: writing ${batch.size} device statuses failed, will retry: ${(error as Error).message}`,
      );
      for (const [id, values] of batch)
        this.pending.set(id, { ...values, ...this.pending.get(id) });
      this.flushSoon();
    } finally {
      this.inFlight = new Map();
    }
  }
}
