import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { BulletinsRepository } from '../bulletins/bulletins.repository';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { addDays, eachDate, formatLocalInstant, localDateOf } from '../common/local-time';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { TopicsService } from '../topics/topics.service';
import { rangeInstants, resolveDateRange } from './date-range';
import {
  CancelScheduleItemDto,
  CreateScheduleItemDto,
  MoveScheduleItemDto,
  ScheduleRangeQueryDto,
} from './dto/schedule.dto';
import { CommuneDevices } from './commune-devices';
import { ScheduleItem } from './entities/schedule-item.entity';
import { assertKnownZones, itemsShareDevice, normalizeItemZones } from './item-zones';
import { OPEN_ITEM_STATUSES, ProgramLogRepository } from './program-log.repository';
import { ScheduleChanges } from './schedule-changes';
import { itemRef, scheduleItemView, ScheduleItemView } from './schedule-item.view';
import {
  assertInsideWindow,
  assertNoOverlap,
  findOverlap,
  assertNotPast,
  assertSchedulable,
  SchedulableBulletin,
  slotDetails,
} from './schedule-rules';
import { PolicyChecks } from './policy-checks';
import { PolicyViolation } from './broadcast-policy';
import { WindowsService } from './windows.service';
import { bulletinCopy, ItemContent } from './item-content';
import { itemTitles } from './item-titles';
import { fitRanges, nearestFit } from './free-slots';
import { containingOccurrence, occurrencesOn } from './window-time';
import { SourcesService } from '../sources/sources.service';
import {
  BulletinSlotsView,
  FreeSlotsView,
  FreeSlotView,
  PlacedEmergency,
  EmergencyView,
} from './schedule.view';

/** The longest range one listing may span. */
export const MAX_LIST_DAYS = 366;

/**
 * A proposed slot starts at least this far ahead, so that it is still ahead when chosen: an
 * operator may take a minute or two over the dialog before adding.
 */
const SLOT_LEAD_MS = 120_000;

/** The program log of a commune: add, move, cancel and list items; emergencies. */
@Injectable()
export class ScheduleService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly programLog: ProgramLogRepository,
    private readonly bulletins: BulletinsRepository,
    private readonly windows: WindowsService,
    private readonly changes: ScheduleChanges,
    private readonly topics: TopicsService,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly communeDevices: CommuneDevices,
    private readonly policy: PolicyChecks,
    private readonly sources: SourcesService,
  ) {}

  get gapMs(): number {
    return this.config.schedule.gapSeconds * 1000;
  }

  async list(communeCode: string, query: ScheduleRangeQueryDto): Promise<ScheduleItemView[]> {
    this.geo.commune(communeCode);
    const today = localDateOf(this.clock.now());
    const range = resolveDateRange(query, today, 7, MAX_LIST_DAYS);
    const { start, end } = rangeInstants(range);
    const items = await this.programLog.itemsStarting(
      this.db.manager,
      communeCode,
      start,
      end,
      query.status ? [query.status] : undefined,
    );
    return this.describe(this.db.manager, items);
  }

  async get(communeCode: string, itemId: string): Promise<ScheduleItemView> {
    const item = await this.find(this.db.manager, communeCode, itemId);
    const [view] = await this.describe(this.db.manager, [item]);
    return view;
  }

  /**
   * Adds an approved bulletin, or a relay of a province source for `durationSeconds`, at
   * `startsAt` for `zones` (absent: every device): inside a window, clear of the items that share
   * a device with it, not in the past. Both kinds take this one path.
   */
  async create(
    communeCode: string,
    input: CreateScheduleItemDto,
    actor: AuthUser,
  ): Promise<ScheduleItemView> {
    const commune = this.geo.commune(communeCode);
    const startsAt = new Date(input.startsAt);
    const zones = normalizeItemZones(input.zones);
    const item = await this.db.write(async (manager) => {
      const content = await this.itemContent(manager, input, communeCode);
      const now = this.clock.now();
      assertNotPast(startsAt, now);
      await this.programLog.lock(manager, commune.code, now);
      const devicesZones = await this.communeDevices.zonesOfDevices(manager, communeCode);
      assertKnownZones(zones, devicesZones, communeCode);
      const endsAt = new Date(startsAt.getTime() + content.durationMs);
      await this.assertSlotFree(manager, communeCode, { startsAt, endsAt, zones }, devicesZones);
      const item: ScheduleItem = {
        id: newId(),
        communeCode,
        ...content,
        startsAt,
        endsAt,
        status: 'planned',
        source: 'manual',
        zones,
        cancelReason: null,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
        revision: 0,
        demo: false,
      };
      await this.policy.assertItem(manager, item, now);
      await manager.insert(ScheduleItem, item);
      await this.audit.record(
        {
          action: 'schedule.added',
          actor,
          targetType: 'schedule_item',
          targetId: item.id,
          communeCode,
          detail: { ...itemRef(item), sourceId: item.sourceId, zones: item.zones },
        },
        manager,
      );
      return item;
    });
    this.changes.emit({ communeCode, kind: 'created', itemIds: [item.id] });
    return this.get(communeCode, item.id);
  }

  /** Moves an item that has not started to another free time inside a window; its zones stay. */
  async move(
    communeCode: string,
    itemId: string,
    input: MoveScheduleItemDto,
    actor: AuthUser,
  ): Promise<ScheduleItemView> {
    const startsAt = new Date(input.startsAt);
    await this.db.write(async (manager) => {
      const before = await this.find(manager, communeCode, itemId);
      // Bulletin before commune: the lock order every writer follows. A relay keeps its length.
      const durationMs = before.bulletinId
        ? (await this.schedulable(manager, before.bulletinId, communeCode)).durationMs
        : before.durationMs;
      const now = this.clock.now();
      await this.programLog.lock(manager, communeCode, now);
      const item = await this.find(manager, communeCode, itemId);
      this.assertOpen(item, now);
      assertNotPast(startsAt, now);
      const endsAt = new Date(startsAt.getTime() + durationMs);
      await this.assertSlotFree(
        manager,
        communeCode,
        { startsAt, endsAt, zones: item.zones, exceptItemId: item.id },
        await this.communeDevices.zonesOfDevices(manager, communeCode),
      );
      await this.policy.assertItem(manager, { ...item, startsAt, endsAt }, now);
      await manager.update(
        ScheduleItem,
        { id: item.id },
        {
          startsAt,
          endsAt,
          durationMs,
          status: 'planned',
          updatedAt: now,
          revision: () => 'revision + 1',
        },
      );
      await this.audit.record(
        {
          action: 'schedule.moved',
          actor,
          targetType: 'schedule_item',
          targetId: item.id,
          communeCode,
          detail: {
            from: formatLocalInstant(item.startsAt),
            to: formatLocalInstant(startsAt),
          },
        },
        manager,
      );
    });
    this.changes.emit({ communeCode, kind: 'moved', itemIds: [itemId] });
    return this.get(communeCode, itemId);
  }

  /**
   * Where an item that has not started could move: in each window occurrence of the next `days`
   * days, the earliest free time that holds it, clear of the items sharing a device with it and
   * within the broadcast policy, and every other start clear of them. The move itself checks all
   * again (`move`).
   */
  async freeSlots(communeCode: string, itemId: string, days: number): Promise<FreeSlotsView> {
    const manager = this.db.manager;
    const item = await this.find(manager, communeCode, itemId);
    const now = this.clock.now();
    this.assertOpen(item, now);
    const durationMs = item.bulletinId
      ? (await this.schedulable(manager, item.bulletinId, communeCode, 'none')).durationMs
      : item.durationMs;
    const windows = await this.windows.windowsOf(manager, communeCode);
    const current = containingOccurrence(windows, item.startsAt.getTime(), item.endsAt.getTime());
    const slots = await this.fitsByOccurrence(manager, { ...item, durationMs }, days, now);
    return {
      itemId,
      durationMs,
      slots: slots.map((slot) => ({
        ...slot,
        sameOccurrence: current?.windowId === slot.windowId && current.date === slot.date,
      })),
    };
  }

  /**
   * Where a new item of an approved bulletin, for every device of the commune, would fit: in each
   * window occurrence of the next `days` days, the earliest free time, as `freeSlots` finds them.
   * The "add to the schedule" dialog proposes the first; adding checks all again (`create`).
   */
  async bulletinSlots(
    communeCode: string,
    bulletinId: string,
    days: number,
  ): Promise<BulletinSlotsView> {
    const manager = this.db.manager;
    const { durationMs, record } = await this.schedulable(manager, bulletinId, communeCode, 'none');
    const now = this.clock.now();
    const draft: ScheduleItem = {
      id: newId(),
      communeCode,
      ...bulletinCopy(record),
      durationMs,
      startsAt: now,
      endsAt: now,
      status: 'planned',
      source: 'manual',
      zones: null,
      cancelReason: null,
      createdBy: null,
      createdAt: now,
      updatedAt: now,
      revision: 0,
      demo: false,
    };
    const slots = await this.fitsByOccurrence(manager, draft, days, now);
    return {
      bulletinId,
      durationMs,
      slots: slots.map((slot) => ({ ...slot, sameOccurrence: false })),
    };
  }

  /**
   * In each window occurrence of the next `days` days that is not over, the earliest time `item`
   * (its length, its zones) fits, clear of the items sharing a device with it (itself aside) and
   * within the broadcast policy; and every start there clear of those items.
   */
  private async fitsByOccurrence(
    manager: EntityManager,
    item: ScheduleItem,
    days: number,
    now: Date,
  ): Promise<Omit<FreeSlotView, 'sameOccurrence'>[]> {
    const communeCode = item.communeCode;
    const windows = await this.windows.windowsOf(manager, communeCode);
    const today = localDateOf(now);
    const notBefore = now.getTime() + SLOT_LEAD_MS;
    const occurrences = eachDate(today, addDays(today, days - 1))
      .flatMap((date) => occurrencesOn(windows, date))
      .filter((occurrence) => occurrence.endsAt > notBefore);
    if (occurrences.length === 0) return [];
    const busy = (
      await this.sharingDevice(
        manager,
        communeCode,
        { zones: item.zones, exceptItemId: item.id },
        await this.communeDevices.zonesOfDevices(manager, communeCode),
        new Date(occurrences[0].startsAt - this.gapMs),
        new Date(occurrences[occurrences.length - 1].endsAt + this.gapMs),
      )
    ).map((other) => ({ startsAt: other.startsAt.getTime(), endsAt: other.endsAt.getTime() }));
    const slots: Omit<FreeSlotView, 'sameOccurrence'>[] = [];
    for (const occurrence of occurrences) {
      const ranges = fitRanges(occurrence, busy, item.durationMs, this.gapMs, notBefore);
      if (ranges.length === 0) continue;
      const startsAt = new Date(ranges[0].first);
      const endsAt = new Date(startsAt.getTime() + item.durationMs);
      try {
        await this.policy.assertItem(manager, { ...item, startsAt, endsAt }, now);
      } catch (error) {
        if (error instanceof DomainError) continue;
        throw error;
      }
      slots.push({
        windowId: occurrence.windowId,
        ...slotDetails({ startsAt, endsAt, windowName: occurrence.name }),
        date: occurrence.date,
        freeStarts: ranges.map((range) => ({
          from: formatLocalInstant(new Date(range.first)),
          to: formatLocalInstant(new Date(range.last)),
        })),
      });
    }
    return slots;
  }

  /** Takes an item that has not started off the log (it stays listed as `cancelled`). */
  async cancel(
    communeCode: string,
    itemId: string,
    input: CancelScheduleItemDto,
    actor: AuthUser,
  ): Promise<ScheduleItemView> {
    const changed = await this.db.write(async (manager) => {
      const now = this.clock.now();
      await this.programLog.lock(manager, communeCode, now);
      const item = await this.find(manager, communeCode, itemId);
      if (item.status === 'cancelled') return false;
      this.assertOpen(item, now);
      const reason = input.reason ?? `Huỷ bởi ${actor.username}`;
      await this.programLog.cancel(manager, [item], reason, now);
      await this.audit.record(
        {
          action: 'schedule.cancelled',
          actor,
          targetType: 'schedule_item',
          targetId: item.id,
          communeCode,
          detail: { ...itemRef(item), reason },
        },
        manager,
      );
      return true;
    });
    if (changed) this.changes.emit({ communeCode, kind: 'cancelled', itemIds: [itemId] });
    return this.get(communeCode, itemId);
  }

  /**
   * The emergency item of one commune, inside the caller's transaction (a province emergency
   * places one per commune in one transaction): the bulletin must be an approved emergency
   * bulletin the commune may use. Call `emergencyPlaced` once the transaction is committed.
   */
  async placeEmergency(
    manager: EntityManager,
    communeCode: string,
    bulletinId: string,
    zones: string[] | null,
    actor: AuthUser,
  ): Promise<PlacedEmergency> {
    const [placed] = await this.placeEmergencies(manager, [communeCode], bulletinId, zones, actor);
    return placed;
  }

  /**
   * `placeEmergency` on several communes' logs at once (a province's emergency), in a few
   * statements whatever their number: the bulletin read once, every log locked in one upsert (in
   * code order), their items touching the emergency read in one query, items and audit events
   * inserted by rows. Answers in the order of `communeCodes`.
   */
  async placeEmergencies(
    manager: EntityManager,
    communeCodes: readonly string[],
    bulletinId: string,
    zones: string[] | null,
    actor: AuthUser,
  ): Promise<PlacedEmergency[]> {
    const schedulable = await this.schedulable(manager, bulletinId, communeCodes[0]);
    const { bulletin } = schedulable.record;
    if (bulletin.priority !== 'emergency') {
      throw new DomainError(
        'BULLETIN_NOT_EMERGENCY',
        `Bulletin "${bulletin.title}" has priority ${bulletin.priority}; only emergency bulletins go on air at once`,
        { bulletinId: bulletin.id, priority: bulletin.priority },
      );
    }
    for (const code of communeCodes.slice(1)) {
      assertSchedulable(schedulable.record, bulletinId, this.geo.commune(code));
    }
    const now = this.clock.now();
    await this.programLog.lockAll(manager, communeCodes, now);
    const endsAt = new Date(now.getTime() + schedulable.durationMs);
    const touching = await this.programLog.itemsTouchingAny(manager, communeCodes, now, endsAt);
    const placed = communeCodes.map((communeCode): PlacedEmergency => {
      const item: ScheduleItem = {
        id: newId(),
        communeCode,
        ...bulletinCopy(schedulable.record),
        startsAt: now,
        endsAt,
        durationMs: schedulable.durationMs,
        status: 'planned',
        source: 'emergency',
        zones: zones === null ? null : [...new Set(zones)].sort(),
        cancelReason: null,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
        revision: 0,
        demo: false,
      };
      return { item, interrupted: touching.get(communeCode) ?? [] };
    });
    // Raw rows: TypeORM's many-row insert on SQLite writes the items back with each other's ids.
    await this.programLog.insertMany(
      manager,
      placed.map(({ item }) => item),
    );
    await this.audit.recordAll(
      placed.map(({ item, interrupted }) => ({
        action: 'schedule.emergency',
        actor,
        targetType: 'schedule_item',
        targetId: item.id,
        communeCode: item.communeCode,
        detail: {
          bulletinId: bulletin.id,
          title: bulletin.title,
          zones: item.zones,
          interrupts: interrupted.map((other) => other.id),
        },
      })),
      manager,
    );
    return placed;
  }

  /** After the commit: tells the playout feature, and answers the item with what it interrupts. */
  async emergencyPlaced(placed: PlacedEmergency): Promise<EmergencyView> {
    const { item, interrupted } = placed;
    this.changes.emit({ communeCode: item.communeCode, kind: 'emergency', itemIds: [item.id] });
    const view = await this.get(item.communeCode, item.id);
    return { ...view, interrupts: interrupted.map(itemRef) };
  }

  /** Views of items (a relay's with its source's name). */
  async describe(
    manager: EntityManager,
    items: readonly ScheduleItem[],
  ): Promise<ScheduleItemView[]> {
    const sourceNames = await this.sources.namesOf(
      manager,
      items.flatMap((item) => (item.sourceId ? [item.sourceId] : [])),
    );
    const violations = await this.violationsOf(manager, items);
    return items.map((item) =>
      scheduleItemView(
        item,
        item.sourceId ? (sourceNames.get(item.sourceId) ?? null) : undefined,
        violations.get(item.id),
      ),
    );
  }

  /** The rule each item breaks under its commune's policy in force, a few queries a commune. */
  private async violationsOf(
    manager: EntityManager,
    items: readonly ScheduleItem[],
  ): Promise<Map<string, PolicyViolation>> {
    const now = this.clock.now();
    const found = new Map<string, PolicyViolation>();
    for (const communeCode of new Set(items.map((item) => item.communeCode))) {
      const own = items.filter((item) => item.communeCode === communeCode);
      for (const [id, violation] of await this.policy.itemViolationsOf(
        manager,
        communeCode,
        own,
        now,
      )) {
        found.set(id, violation);
      }
    }
    return found;
  }

  // ----- helpers -----

  /** What a new item plays: an approved bulletin, or a relay of one of the province's sources. */
  private async itemContent(
    manager: EntityManager,
    input: CreateScheduleItemDto,
    communeCode: string,
  ): Promise<ItemContent> {
    if (input.bulletinId !== undefined && input.sourceId !== undefined) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'An item plays a bulletin (bulletinId) or relays a source (sourceId), not both',
      );
    }
    if (input.sourceId === undefined) {
      if (input.topics !== undefined || input.durationSeconds !== undefined) {
        throw new DomainError(
          'VALIDATION_FAILED',
          "topics and durationSeconds belong to relays; a bulletin's come from the bulletin",
        );
      }
      const schedulable = await this.schedulable(manager, input.bulletinId!, communeCode);
      return { ...bulletinCopy(schedulable.record), durationMs: schedulable.durationMs };
    }
    if (input.durationSeconds === undefined) {
      throw new DomainError('VALIDATION_FAILED', 'A relay needs durationSeconds');
    }
    const source = await this.sources.forCommune(manager, input.sourceId, communeCode);
    const topics = [...new Set(input.topics ?? [])].sort();
    await this.topics.assertKnown(topics, manager);
    return {
      bulletinId: null,
      sourceId: source.id,
      topics,
      title: null,
      priority: null,
      durationMs: input.durationSeconds * 1000,
    };
  }

  /**
   * Reads the bulletin share-locked (before the commune lock) in a write, unlocked in a read (a
   * lock needs a transaction), and checks it may be scheduled.
   */
  private async schedulable(
    manager: EntityManager,
    bulletinId: string,
    communeCode: string,
    lock: 'share' | 'none' = 'share',
  ): Promise<SchedulableBulletin> {
    const record = await this.bulletins.findRecord(bulletinId, manager, lock);
    const schedulable = assertSchedulable(record, bulletinId, this.geo.commune(communeCode));
    await this.topics.assertKnown(schedulable.record.topics, manager);
    return schedulable;
  }

  /**
   * Inside a window, and clear (with the gap) of every item that shares a device with it: items
   * whose zones hold no device in common may overlap (itemsShareDevice). A refusal names the item
   * in the way and the nearest free time of the same window occurrence.
   */
  private async assertSlotFree(
    manager: EntityManager,
    communeCode: string,
    slot: { startsAt: Date; endsAt: Date; zones: string[] | null; exceptItemId?: string },
    devicesZones: readonly string[][],
  ): Promise<void> {
    const { startsAt, endsAt } = slot;
    const windows = await this.windows.windowsOf(manager, communeCode);
    assertInsideWindow(windows, startsAt, endsAt);
    const neighbours = await this.sharingDevice(
      manager,
      communeCode,
      slot,
      devicesZones,
      new Date(startsAt.getTime() - this.gapMs),
      new Date(endsAt.getTime() + this.gapMs),
    );
    if (!findOverlap(neighbours, startsAt, endsAt, this.gapMs)) return;
    const occurrence = containingOccurrence(windows, startsAt.getTime(), endsAt.getTime())!;
    const busy = await this.sharingDevice(
      manager,
      communeCode,
      slot,
      devicesZones,
      new Date(occurrence.startsAt - this.gapMs),
      new Date(occurrence.endsAt + this.gapMs),
    );
    const durationMs = endsAt.getTime() - startsAt.getTime();
    const start = nearestFit(
      occurrence,
      busy.map((item) => ({ startsAt: item.startsAt.getTime(), endsAt: item.endsAt.getTime() })),
      durationMs,
      this.gapMs,
      startsAt.getTime(),
      this.clock.now().getTime(),
    );
    const nearest =
      start === null
        ? null
        : {
            startsAt: new Date(start),
            endsAt: new Date(start + durationMs),
            windowName: occurrence.name,
          };
    assertNoOverlap(
      neighbours,
      startsAt,
      endsAt,
      this.gapMs,
      await itemTitles(manager, neighbours),
      nearest,
    );
  }

  /** Items in [from, to) that share a device with the slot, the slot's own item left out. */
  private async sharingDevice(
    manager: EntityManager,
    communeCode: string,
    slot: { zones: string[] | null; exceptItemId?: string },
    devicesZones: readonly string[][],
    from: Date,
    to: Date,
  ): Promise<ScheduleItem[]> {
    return (await this.programLog.itemsTouching(manager, communeCode, from, to)).filter(
      (item) =>
        item.id !== slot.exceptItemId && itemsShareDevice(slot.zones, item.zones, devicesZones),
    );
  }

  private async find(
    manager: EntityManager,
    communeCode: string,
    itemId: string,
  ): Promise<ScheduleItem> {
    this.geo.commune(communeCode);
    const item = await manager.findOneBy(ScheduleItem, { id: itemId, communeCode });
    if (!item) {
      throw new DomainError(
        'SCHEDULE_ITEM_NOT_FOUND',
        `Item ${itemId} is not on the program log of commune ${communeCode}`,
        { itemId },
      );
    }
    return item;
  }

  /** Only items the player has not started may change. */
  private assertOpen(item: ScheduleItem, now: Date): void {
    if (!OPEN_ITEM_STATUSES.includes(item.status) || item.startsAt.getTime() <= now.getTime()) {
      throw new DomainError(
        'SCHEDULE_ITEM_CLOSED',
        `Item ${item.id} is ${item.status} and ${item.startsAt.getTime() <= now.getTime() ? 'has started' : 'cannot change'}`,
        { item: itemRef(item) },
      );
    }
  }
}

export {
  BulletinSlotsView,
  FreeSlotView,
  FreeSlotsView,
  PlacedEmergency,
  EmergencyView,
} from './schedule.view';
