import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { formatDayMonthTime } from '../common/local-time';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { itemTargetsDevice } from '../schedule/item-zones';
import { itemTitles } from '../schedule/item-titles';
import { ProgramLogRepository } from '../schedule/program-log.repository';
import { ScheduleChanges } from '../schedule/schedule-changes';
import { itemRef } from '../schedule/schedule-item.view';
import { DevicesRepository } from './devices.repository';
import { DeviceZoneItem } from './device.view';
import { Device } from './entities/device.entity';

/** What a cluster edit or deletion does to the future items it would leave with no cluster. */
export interface ZoneItemsOptions {
  /** Take those items off the log (cancelled, with the reason) instead of refusing the change. */
  dropItems?: boolean;
}

/** The cluster change: its zones after it, or null when it is deleted. */
export interface ClusterChange {
  device: Device;
  zonesAfter: readonly string[] | null;
}

/**
 * The items no cluster would serve after the change that some cluster serves now, by the one
 * targeting rule (`itemTargetsDevice`): an item with zones needs a cluster in one of them, an item
 * without zones (the whole commune) any cluster at all. Every registered cluster counts, enrolled
 * or not yet, as a new item's zones are checked (`assertKnownZones`): a box still to enrol is
 * where the commune meant the sound to go. Items already unserved are not this change's doing.
 */
export function itemsLeftUnserved(
  items: readonly ScheduleItem[],
  zonesBefore: readonly (readonly string[])[],
  zonesAfter: readonly (readonly string[])[],
): ScheduleItem[] {
  const served = (item: ScheduleItem, clusters: readonly (readonly string[])[]) =>
    clusters.some((zones) => itemTargetsDevice(item.zones, zones));
  return items.filter((item) => served(item, zonesBefore) && !served(item, zonesAfter));
}

/** Why an item left without a cluster is cancelled, as the program log shows it. */
export function unservedReason(zones: readonly string[] | null): string {
  const where = zones === null ? 'trong xã' : `ở vùng phát ${zones.join(', ')}`;
  return `Không còn cụm loa nào ${where} (cụm loa đã được sửa hoặc xoá)`;
}

/**
 * The program log's side of a cluster edit or deletion (D7): future open items that would be left
 * with no cluster serving any of their zones are refused (409 `DEVICE_ZONE_HAS_ITEMS`, naming
 * them) unless `dropItems`, which cancels them, as a window change does with its items.
 */
@Injectable()
export class DeviceZoneItems {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly programLog: ProgramLogRepository,
    private readonly changes: ScheduleChanges,
    private readonly audit: AuditService,
  ) {}

  /**
   * Inside the change's transaction, before the cluster is written: locks the commune's program
   * log (an item added meanwhile for the zone is seen, or sees the change), then refuses or
   * cancels. Answers the cancelled items; `emit` tells the rest once the transaction commits.
   */
  async settle(
    manager: EntityManager,
    change: ClusterChange,
    options: ZoneItemsOptions,
    now: Date,
    actor: AuthUser,
  ): Promise<DeviceZoneItem[]> {
    const { device, zonesAfter } = change;
    const communeCode = device.communeCode;
    await this.programLog.lock(manager, communeCode, now);
    const clusters = await this.devices.listByCommune(communeCode, manager);
    const before = clusters.map((cluster) => cluster.zones);
    const after = clusters.flatMap((cluster) =>
      cluster.id !== device.id ? [cluster.zones] : zonesAfter === null ? [] : [[...zonesAfter]],
    );
    const future = await this.programLog.futureOpenItems(manager, { communeCode }, now);
    const unserved = itemsLeftUnserved(future, before, after);
    if (unserved.length === 0) return [];
    const titles = await itemTitles(manager, unserved);
    const summaries = unserved.map((item): DeviceZoneItem => ({
      ...itemRef(item),
      title: titles.get(item.id) ?? null,
      localTime: formatDayMonthTime(item.startsAt),
      zones: item.zones,
    }));
    if (!options.dropItems) {
      const what = zonesAfter === null ? 'Deleting' : 'This zones change to';
      throw new DomainError(
        'DEVICE_ZONE_HAS_ITEMS',
        `${what} cluster "${device.name}" would leave ${unserved.length} future item(s) with no cluster in any of their zones, so they would play nowhere; repeat with dropItems=true to cancel them, or give their zones to another cluster first`,
        {
          deviceId: device.id,
          name: device.name,
          itemCount: unserved.length,
          items: summaries,
        },
      );
    }
    const byReason = new Map<string, ScheduleItem[]>();
    for (const item of unserved) {
      const reason = unservedReason(item.zones);
      byReason.set(reason, [...(byReason.get(reason) ?? []), item]);
    }
    for (const [reason, items] of byReason) {
      await this.programLog.cancel(manager, items, reason, now);
    }
    await this.audit.record(
      {
        action: 'schedule.cancelled',
        actor,
        targetType: 'device',
        targetId: device.id,
        communeCode,
        detail: {
          reason: zonesAfter === null ? 'cluster deleted' : 'cluster zones changed',
          items: unserved.map((item) => item.id),
        },
      },
      manager,
    );
    return summaries.map((summary) => ({ ...summary, status: 'cancelled' }));
  }

  /** After the commit: the cancelled items leave the players' queues and the clusters' manifests. */
  emit(communeCode: string, cancelled: readonly DeviceZoneItem[]): void {
    this.changes.emit({
      communeCode,
      kind: 'cancelled',
      itemIds: cancelled.map((item) => item.id),
    });
  }
}
