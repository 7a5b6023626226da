import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Db } from '../database/db.service';
import { itemTargetsDevice } from '../schedule/item-zones';
import { ProgramLogRepository } from '../schedule/program-log.repository';
import { ScheduleChange, ScheduleChanges } from '../schedule/schedule-changes';
import { DevicesRepository } from './devices.repository';
import { DeviceStatusBook } from './device-status-book';
import { deviceStatus } from './device-status';
import { DevicesService } from './devices.service';
import { FleetLink } from './fleet-link';

/** Changes to one commune's log within this long of the first one make one `sync` per device. */
export const SYNC_COALESCE_MS = 1000;

/** Changes that make a device fetch its manifest; emergencies go their own way (play-emergency). */
const SYNCED_KINDS = new Set<ScheduleChange['kind']>(['created', 'moved', 'cancelled']);

/**
 * Pushes a `sync` command to the online devices a committed change of their commune's program
 * log concerns (those the changed items target), so they fetch the manifest at once instead of
 * at their next poll. Changes are gathered per commune for SYNC_COALESCE_MS: a plan of hundreds
 * of items, or several edits in a row, is one `sync` per device. Offline devices fetch their
 * manifest when they come back; a failed push is logged, and the device's poll catches up.
 */
@Injectable()
export class SyncPusher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SyncPusher.name);
  private readonly pending = new Map<string, Set<string>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopListening?: () => void;

  constructor(
    private readonly changes: ScheduleChanges,
    private readonly db: Db,
    private readonly programLog: ProgramLogRepository,
    private readonly devices: DevicesRepository,
    private readonly statuses: DeviceStatusBook,
    private readonly service: DevicesService,
    private readonly link: FleetLink,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.changes.onChange((change) => this.gather(change));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }

  private gather(change: ScheduleChange): void {
    if (!SYNCED_KINDS.has(change.kind)) return;
    const items = this.pending.get(change.communeCode) ?? new Set<string>();
    change.itemIds.forEach((id) => items.add(id));
    this.pending.set(change.communeCode, items);
    if (this.timers.has(change.communeCode)) return;
    const timer = setTimeout(() => void this.flush(change.communeCode), SYNC_COALESCE_MS);
    timer.unref();
    this.timers.set(change.communeCode, timer);
  }

  private async flush(communeCode: string): Promise<void> {
    const itemIds = [...(this.pending.get(communeCode) ?? [])];
    this.pending.delete(communeCode);
    this.timers.delete(communeCode);
    try {
      const sent = await this.push(communeCode, itemIds);
      if (sent > 0) this.logger.debug(`sync sent to ${sent} device(s) of commune ${communeCode}`);
    } catch (error) {
      this.logger.warn(`sync push to commune ${communeCode}: ${(error as Error).message}`);
    }
  }

  /** Sends one `sync` to each online device of the commune that a changed item targets. */
  async push(communeCode: string, itemIds: readonly string[]): Promise<number> {
    // Only the process that serves the API holds the broker connection.
    if (!this.link.optional()) return 0;
    const at = this.service.liveness();
    // With the statuses not written yet: a cluster that has just come online is sent its sync.
    const before = this.statuses.unwritten();
    const devices = (await this.devices.listByCommune(communeCode))
      .map((device) => this.statuses.current(device, before))
      .filter((device) => deviceStatus(device, at) === 'online');
    if (devices.length === 0) return 0;
    const items = await this.programLog.itemsByIds(this.db.manager, itemIds);
    const targeted = devices.filter((device) =>
      items.some((item) => itemTargetsDevice(item.zones, device.zones)),
    );
    let sent = 0;
    for (const device of targeted) {
      try {
        await this.service.publishCommand(device, { type: 'sync' }, null);
        sent += 1;
      } catch (error) {
        this.logger.warn(`sync to device ${device.id}: ${(error as Error).message}`);
      }
    }
    return sent;
  }
}
