import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { changedFields } from '../auth/audit-changes';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { isLocalDate } from '../common/local-time';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { CreateWindowDto, UpdateWindowDto } from './dto/window.dto';
import { BroadcastWindow } from './entities/broadcast-window.entity';
import { ScheduleItem } from './entities/schedule-item.entity';
import { PolicyChecks } from './policy-checks';
import { ProgramLogRepository } from './program-log.repository';
import { ScheduleChanges } from './schedule-changes';
import { ItemRef, itemRef } from './schedule-item.view';
import {
  containingOccurrence,
  describeWindow,
  MINUTES_PER_DAY,
  startMinutes,
  windowsOverlap,
} from './window-time';
import { windowView, WindowView } from './window.view';

/** What a window edit may change, as the audit trail lists it. */
const WINDOW_FIELDS = [
  'name',
  'daysOfWeek',
  'startTime',
  'durationMinutes',
  'validFrom',
  'validTo',
] as const satisfies readonly (keyof BroadcastWindow)[];

export interface WindowChangeView extends WindowView {
  /** Future items the change left outside every window, taken off the log. */
  droppedItems: ItemRef[];
}

export interface WindowDeletedView {
  id: string;
  deleted: true;
  droppedItems: ItemRef[];
}

/** The on-air windows (khung giờ phát) of a commune. */
@Injectable()
export class WindowsService {
  constructor(
    private readonly db: Db,
    private readonly programLog: ProgramLogRepository,
    private readonly changes: ScheduleChanges,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly policy: PolicyChecks,
  ) {}

  async list(communeCode: string): Promise<WindowView[]> {
    this.geo.commune(communeCode);
    return (await this.windowsOf(this.db.manager, communeCode)).map(windowView);
  }

  async get(communeCode: string, id: string): Promise<WindowView> {
    return windowView(await this.find(this.db.manager, communeCode, id));
  }

  /** Loads a commune's windows, ordered by start time. */
  async windowsOf(manager: EntityManager, communeCode: string): Promise<BroadcastWindow[]> {
    const windows = await manager.findBy(BroadcastWindow, { communeCode });
    return windows.sort(
      (a, b) =>
        a.startTime.localeCompare(b.startTime) ||
        a.name.localeCompare(b.name) ||
        a.id.localeCompare(b.id),
    );
  }

  async create(communeCode: string, input: CreateWindowDto, actor: AuthUser): Promise<WindowView> {
    this.geo.commune(communeCode);
    const now = this.clock.now();
    const window: BroadcastWindow = {
      id: newId(),
      communeCode,
      name: input.name,
      daysOfWeek: [...input.daysOfWeek].sort((a, b) => a - b),
      startTime: input.startTime,
      durationMinutes: input.durationMinutes,
      validFrom: input.validFrom ?? null,
      validTo: input.validTo ?? null,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      demo: false,
    };
    assertWindowShape(window);
    return this.db.write(async (manager) => {
      await this.programLog.lock(manager, communeCode, now);
      assertNoOverlap(window, await this.windowsOf(manager, communeCode));
      await this.policy.assertWindow(manager, communeCode, window);
      await manager.insert(BroadcastWindow, window);
      return windowView(window);
    });
  }

  /**
   * Changes a window. Future items the change would leave outside every window are reported
   * (409) unless `dropItems`, which takes them off the log.
   */
  async update(
    communeCode: string,
    id: string,
    input: UpdateWindowDto,
    dropItems: boolean,
    actor: AuthUser,
  ): Promise<WindowChangeView> {
    const outcome = await this.db.write(async (manager) => {
      const now = this.clock.now();
      await this.programLog.lock(manager, communeCode, now);
      const window = await this.find(manager, communeCode, id);
      const next: BroadcastWindow = {
        ...window,
        name: input.name ?? window.name,
        daysOfWeek: input.daysOfWeek
          ? [...input.daysOfWeek].sort((a, b) => a - b)
          : window.daysOfWeek,
        startTime: input.startTime ?? window.startTime,
        durationMinutes: input.durationMinutes ?? window.durationMinutes,
        validFrom: input.validFrom === undefined ? window.validFrom : input.validFrom,
        validTo: input.validTo === undefined ? window.validTo : input.validTo,
        updatedAt: now,
      };
      assertWindowShape(next);
      const windows = await this.windowsOf(manager, communeCode);
      const others = windows.filter((other) => other.id !== id);
      assertNoOverlap(next, others);
      // A rename of a window the policy has since outlawed stays possible; a new time is checked.
      if (next.startTime !== window.startTime || next.durationMinutes !== window.durationMinutes) {
        await this.policy.assertWindow(manager, communeCode, next);
      }
      const dropped = await this.dropLeftOutside(
        manager,
        communeCode,
        windows,
        [...others, next],
        dropItems,
        now,
        window,
        actor,
      );
      await manager.save(BroadcastWindow, next);
      await this.audit.record(
        {
          action: 'window.updated',
          actor,
          targetType: 'window',
          targetId: id,
          communeCode,
          detail: {
            changes: changedFields(window, next, WINDOW_FIELDS),
            droppedItems: dropped.map((item) => item.id),
          },
        },
        manager,
      );
      return { window: next, dropped };
    });
    this.changes.emit({
      communeCode,
      kind: 'cancelled',
      itemIds: outcome.dropped.map((item) => item.id),
    });
    return { ...windowView(outcome.window), droppedItems: outcome.dropped.map(itemRef) };
  }

  async delete(
    communeCode: string,
    id: string,
    dropItems: boolean,
    actor: AuthUser,
  ): Promise<WindowDeletedView> {
    const dropped = await this.db.write(async (manager) => {
      const now = this.clock.now();
      await this.programLog.lock(manager, communeCode, now);
      const window = await this.find(manager, communeCode, id);
      const windows = await this.windowsOf(manager, communeCode);
      const others = windows.filter((other) => other.id !== id);
      const items = await this.dropLeftOutside(
        manager,
        communeCode,
        windows,
        others,
        dropItems,
        now,
        window,
        actor,
      );
      await manager.delete(BroadcastWindow, { id });
      await this.audit.record(
        {
          action: 'window.deleted',
          actor,
          targetType: 'window',
          targetId: id,
          communeCode,
          detail: { window: windowView(window), droppedItems: items.map((item) => item.id) },
        },
        manager,
      );
      return items;
    });
    this.changes.emit({ communeCode, kind: 'cancelled', itemIds: dropped.map((item) => item.id) });
    return { id, deleted: true, droppedItems: dropped.map(itemRef) };
  }

  private async find(
    manager: EntityManager,
    communeCode: string,
    id: string,
  ): Promise<BroadcastWindow> {
    this.geo.commune(communeCode);
    const window = await manager.findOneBy(BroadcastWindow, { id, communeCode });
    if (!window) {
      throw new DomainError(
        'WINDOW_NOT_FOUND',
        `Window ${id} of commune ${communeCode} not found`,
        {
          windowId: id,
        },
      );
    }
    return window;
  }

  /** Future open items inside some window now and inside none after the change. */
  private async dropLeftOutside(
    manager: EntityManager,
    communeCode: string,
    before: readonly BroadcastWindow[],
    after: readonly BroadcastWindow[],
    dropItems: boolean,
    now: Date,
    changed: BroadcastWindow,
    actor: AuthUser,
  ): Promise<ScheduleItem[]> {
    const future = await this.programLog.futureOpenItems(manager, { communeCode }, now);
    const leftOutside = future.filter((item) => {
      const start = item.startsAt.getTime();
      const end = item.endsAt.getTime();
      return containingOccurrence(before, start, end) && !containingOccurrence(after, start, end);
    });
    if (leftOutside.length === 0) return [];
    if (!dropItems) {
      throw new DomainError(
        'WINDOW_HAS_ITEMS',
        `The change to window ${describeWindow(changed)} would leave ${leftOutside.length} future item(s) outside every window; repeat with dropItems=true to take them off the log`,
        { windowId: changed.id, items: leftOutside.map(itemRef) },
      );
    }
    await this.programLog.cancel(
      manager,
      leftOutside,
      `Window ${describeWindow(changed)} changed or removed`,
      now,
    );
    await this.audit.record(
      {
        action: 'schedule.cancelled',
        actor,
        targetType: 'window',
        targetId: changed.id,
        communeCode,
        detail: { reason: 'window changed or removed', items: leftOutside.map((item) => item.id) },
      },
      manager,
    );
    return leftOutside;
  }
}

/** A window must not cross midnight and its validity dates must be real and in order. */
export function assertWindowShape(window: BroadcastWindow): void {
  if (startMinutes(window) + window.durationMinutes > MINUTES_PER_DAY) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `A window may not cross midnight: ${window.startTime} + ${window.durationMinutes} min ends the next day`,
    );
  }
  for (const [field, value] of [
    ['validFrom', window.validFrom],
    ['validTo', window.validTo],
  ] as const) {
    if (value !== null && !isLocalDate(value)) {
      throw new DomainError('VALIDATION_FAILED', `${field} is not a calendar date: ${value}`);
    }
  }
  if (window.validFrom !== null && window.validTo !== null && window.validTo < window.validFrom) {
    throw new DomainError('VALIDATION_FAILED', 'validTo must not be before validFrom');
  }
}

function assertNoOverlap(window: BroadcastWindow, others: readonly BroadcastWindow[]): void {
  const conflict = others.find((other) => other.id !== window.id && windowsOverlap(window, other));
  if (conflict) {
    throw new DomainError(
      'WINDOW_OVERLAP',
      `Window ${describeWindow(window)} overlaps window ${describeWindow(conflict)} of the same commune`,
      { window: windowView(conflict) },
    );
  }
}
