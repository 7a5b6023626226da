import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { changedFields } from '../auth/audit-changes';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { nameKey } from '../common/text';
import {
  formatDayMonthTime,
  formatLocalInstant,
  isLocalDate,
  localDateOf,
} from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Busy, nearestFit } from './free-slots';
import { itemTitles } from './item-titles';
import { readByCommune } from '../database/by-commune';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { CreateWindowDto, UpdateWindowDto } from './dto/window.dto';
import { BroadcastWindow } from './entities/broadcast-window.entity';
import { ScheduleItem } from './entities/schedule-item.entity';
import { PolicyChecks } from './policy-checks';
import { ProgramLogRepository } from './program-log.repository';
import { ScheduleChanges } from './schedule-changes';
import { itemRef } from './schedule-item.view';
import {
  containingOccurrence,
  describeWindow,
  MINUTES_PER_DAY,
  occurrencesOn,
  startMinutes,
  windowsOverlap,
  WindowSpec,
} from './window-time';
import { windowView, WindowView, windowWithPolicyView, WindowWithPolicyView } from './window.view';
import { WindowChangeView, WindowDeletedView } from './window.view';
import { ItemSummary } from './window.view';

/** What a window edit may change, as the audit trail lists it. */
const WINDOW_FIELDS = [
  'name',
  'daysOfWeek',
  'startTime',
  'durationMinutes',
  'validFrom',
  'validTo',
] as const satisfies readonly (keyof BroadcastWindow)[];

/** Moved items start this far ahead at least, so that the player has not taken them yet. */
const MOVE_LEAD_MS = 60_000;

/** What the change does to future items left outside every window (`?dropItems`, `?moveItems`). */
export interface LeftItemsOptions {
  dropItems?: boolean;
  moveItems?: boolean;
  dryRun?: boolean;
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The windows, each with what of the policy in force it breaks. */
  async list(communeCode: string): Promise<WindowWithPolicyView[]> {
    this.geo.commune(communeCode);
    const manager = this.db.manager;
    const policy = await this.policy.forCommune(manager, communeCode);
    return (await this.windowsOf(manager, communeCode)).map((window) =>
      windowWithPolicyView(window, policy),
    );
  }

  async get(communeCode: string, id: string): Promise<WindowWithPolicyView> {
    const window = await this.find(this.db.manager, communeCode, id);
    return windowWithPolicyView(window, await this.policy.forCommune(this.db.manager, communeCode));
  }

  /** Loads a commune's windows, ordered by start time. */
  async windowsOf(manager: EntityManager, communeCode: string): Promise<BroadcastWindow[]> {
    return (await this.windowsOfAll(manager, [communeCode])).get(communeCode) ?? [];
  }

  /** `windowsOf` for several communes in one query (a province's plan), by commune. */
  async windowsOfAll(
    manager: EntityManager,
    communeCodes: readonly string[],
  ): Promise<Map<string, BroadcastWindow[]>> {
    const byCommune = await readByCommune(communeCodes, (codes) =>
      manager.findBy(BroadcastWindow, { communeCode: In(codes) }),
    );
    for (const windows of byCommune.values()) {
      windows.sort(
        (a, b) =>
          a.startTime.localeCompare(b.startTime) ||
          a.name.localeCompare(b.name) ||
          a.id.localeCompare(b.id),
      );
    }
    return byCommune;
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
      const windows = await this.windowsOf(manager, communeCode);
      assertNameFree(window, windows);
      assertNoOverlap(window, windows);
      const { id: _unsaved, ...proposed } = window;
      await this.policy.assertWindow(manager, communeCode, proposed);
      await manager.insert(BroadcastWindow, window);
      await this.audit.record(
        {
          action: 'window.created',
          actor,
          targetType: 'window',
          targetId: window.id,
          communeCode,
          detail: { window: windowView(window) },
        },
        manager,
      );
      return windowView(window);
    });
  }

  /**
   * Changes a window. Future items the change would leave outside every window are reported
   * (409) unless `moveItems` (moved into the window's new time where they fit) or `dropItems`
   * (taken off the log); `dryRun` answers the outcome and writes nothing.
   */
  async update(
    communeCode: string,
    id: string,
    input: UpdateWindowDto,
    options: LeftItemsOptions,
    actor: AuthUser,
  ): Promise<WindowChangeView> {
    const outcome = await this.run(options, async (manager) => {
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
      // Two windows named alike before names were checked stay editable until one is renamed.
      if (nameKey(next.name) !== nameKey(window.name)) assertNameFree(next, others);
      assertNoOverlap(next, others);
      // A rename of a window the policy has since outlawed stays possible; a new time is checked.
      if (next.startTime !== window.startTime || next.durationMinutes !== window.durationMinutes) {
        await this.policy.assertWindow(manager, communeCode, next);
      }
      await manager.save(BroadcastWindow, next);
      const settled = await this.settleLeftOutside(manager, communeCode, {
        before: windows,
        after: [...others, next],
        changed: window,
        target: next,
        options,
        now,
        actor,
      });
      await this.audit.record(
        {
          action: 'window.updated',
          actor,
          targetType: 'window',
          targetId: id,
          communeCode,
          detail: {
            changes: changedFields(window, next, WINDOW_FIELDS),
            droppedItems: settled.dropped.map((item) => item.id),
            movedItems: settled.moved.map((item) => item.id),
          },
        },
        manager,
      );
      return { window: next, ...settled };
    });
    if (!options.dryRun) this.emitSettled(communeCode, outcome);
    return {
      ...windowView(outcome.window),
      droppedItems: outcome.dropped,
      movedItems: outcome.moved,
      dryRun: options.dryRun ?? false,
    };
  }

  /** Deletes a window; its future items as `update` handles them (only dropping applies). */
  async delete(
    communeCode: string,
    id: string,
    options: LeftItemsOptions,
    actor: AuthUser,
  ): Promise<WindowDeletedView> {
    const outcome = await this.run(options, async (manager) => {
      const now = this.clock.now();
      await this.programLog.lock(manager, communeCode, now);
      const window = await this.find(manager, communeCode, id);
      const windows = await this.windowsOf(manager, communeCode);
      const others = windows.filter((other) => other.id !== id);
      const settled = await this.settleLeftOutside(manager, communeCode, {
        before: windows,
        after: others,
        changed: window,
        target: null,
        options,
        now,
        actor,
      });
      await manager.delete(BroadcastWindow, { id });
      await this.audit.record(
        {
          action: 'window.deleted',
          actor,
          targetType: 'window',
          targetId: id,
          communeCode,
          detail: {
            window: windowView(window),
            droppedItems: settled.dropped.map((item) => item.id),
          },
        },
        manager,
      );
      return settled;
    });
    if (!options.dryRun) this.emitSettled(communeCode, outcome);
    return {
      id,
      deleted: !options.dryRun,
      droppedItems: outcome.dropped,
      dryRun: options.dryRun ?? false,
    };
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

  private run<T>(
    options: LeftItemsOptions,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return options.dryRun ? this.db.rehearse(work) : this.db.write(work);
  }

  private emitSettled(
    communeCode: string,
    settled: { moved: readonly ItemSummary[]; dropped: readonly ItemSummary[] },
  ): void {
    const moved = settled.moved.map((item) => item.id);
    const dropped = settled.dropped.map((item) => item.id);
    if (moved.length > 0) this.changes.emit({ communeCode, kind: 'moved', itemIds: moved });
    this.changes.emit({ communeCode, kind: 'cancelled', itemIds: dropped });
  }

  /**
   * Future open items inside some window now and inside none after the change: moved into the
   * changed window's new time on their day where they fit (`moveItems`), the rest taken off the
   * log (`dropItems`); otherwise a 409 that names them and says how many would fit.
   */
  private async settleLeftOutside(
    manager: EntityManager,
    communeCode: string,
    change: {
      before: readonly BroadcastWindow[];
      after: readonly BroadcastWindow[];
      changed: BroadcastWindow;
      target: BroadcastWindow | null;
      options: LeftItemsOptions;
      now: Date;
      actor: AuthUser;
    },
  ): Promise<{ moved: ItemSummary[]; dropped: ItemSummary[] }> {
    const { before, after, changed, target, options, now, actor } = change;
    const future = await this.programLog.futureOpenItems(manager, { communeCode }, now);
    const leftOutside = future.filter((item) => {
      const start = item.startsAt.getTime();
      const end = item.endsAt.getTime();
      return containingOccurrence(before, start, end) && !containingOccurrence(after, start, end);
    });
    if (leftOutside.length === 0) return { moved: [], dropped: [] };
    const staying = future.filter((item) => !leftOutside.includes(item));
    const placements = placeInWindow(leftOutside, staying, before, target, {
      gapMs: this.config.schedule.gapSeconds * 1000,
      notBefore: now.getTime() + MOVE_LEAD_MS,
    });
    const titles = await itemTitles(manager, leftOutside);
    const summary = (item: ScheduleItem, at?: Placement): ItemSummary => ({
      ...itemRef(item),
      title: titles.get(item.id) ?? null,
      localTime: formatDayMonthTime(item.startsAt),
      ...(at
        ? {
            movedTo: formatLocalInstant(at.startsAt),
            movedToLocalTime: formatDayMonthTime(at.startsAt),
          }
        : {}),
    });
    const movable = options.moveItems ? placements.filter((placement) => placement.fits) : [];
    const unplaced = leftOutside.filter(
      (item) => !movable.some((placement) => placement.item.id === item.id),
    );
    if (unplaced.length > 0 && !options.dropItems) {
      const fitting = placements.filter((placement) => placement.fits).length;
      throw new DomainError(
        'WINDOW_HAS_ITEMS',
        `The change to window ${describeWindow(changed)} would leave ${unplaced.length} future item(s) outside every window (${fitting} of ${leftOutside.length} fit in its new time); repeat with moveItems=true to move those that fit, dropItems=true to take the rest off the log`,
        {
          windowId: changed.id,
          itemCount: leftOutside.length,
          movableCount: target ? fitting : 0,
          items: unplaced.map((item) => summary(item)),
        },
      );
    }
    for (const placement of movable) {
      await this.policy.assertItem(manager, { ...placement.item, ...placement.at! }, now);
      await manager.update(
        ScheduleItem,
        { id: placement.item.id },
        { ...placement.at!, updatedAt: now, revision: () => 'revision + 1' },
      );
    }
    if (movable.length > 0) {
      await this.audit.record(
        {
          action: 'schedule.moved',
          actor,
          targetType: 'window',
          targetId: changed.id,
          communeCode,
          detail: {
            reason: 'window changed',
            items: movable.map((placement) => ({
              id: placement.item.id,
              from: formatLocalInstant(placement.item.startsAt),
              to: formatLocalInstant(placement.at!.startsAt),
            })),
          },
        },
        manager,
      );
    }
    if (unplaced.length > 0) {
      await this.programLog.cancel(
        manager,
        unplaced,
        `Khung giờ phát ${describeWindow(changed)} đã được sửa hoặc xoá`,
        now,
      );
      await this.audit.record(
        {
          action: 'schedule.cancelled',
          actor,
          targetType: 'window',
          targetId: changed.id,
          communeCode,
          detail: { reason: 'window changed or removed', items: unplaced.map((item) => item.id) },
        },
        manager,
      );
    }
    return {
      moved: movable.map((placement) => summary(placement.item, placement.at)),
      dropped: unplaced.map((item) => summary(item)),
    };
  }
}

interface Placement {
  startsAt: Date;
  endsAt: Date;
}

/**
 * Where each item left outside goes in the target window's occurrence on its day: at the same
 * offset from the window's start as before when that time is free, else the nearest free time;
 * items keep their order and their lengths, and clear the items that stay (and each other).
 */
export function placeInWindow(
  items: readonly ScheduleItem[],
  staying: readonly ScheduleItem[],
  before: readonly WindowSpec[],
  target: WindowSpec | null,
  rule: { gapMs: number; notBefore: number },
): { item: ScheduleItem; fits: boolean; at?: Placement }[] {
  const busy: Busy[] = staying.map((item) => ({
    startsAt: item.startsAt.getTime(),
    endsAt: item.endsAt.getTime(),
  }));
  return [...items]
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
    .map((item) => {
      const start = item.startsAt.getTime();
      const occurrence = target
        ? occurrencesOn([target], localDateOf(item.startsAt))[0]
        : undefined;
      if (!occurrence) return { item, fits: false };
      const old = containingOccurrence(before, start, item.endsAt.getTime());
      const wanted = occurrence.startsAt + (old ? start - old.startsAt : 0);
      const fit = nearestFit(occurrence, busy, item.durationMs, rule.gapMs, wanted, rule.notBefore);
      if (fit === null) return { item, fits: false };
      const at = { startsAt: new Date(fit), endsAt: new Date(fit + item.durationMs) };
      busy.push({ startsAt: fit, endsAt: fit + item.durationMs });
      return { item, fits: true, at };
    });
}

/** A window must not cross midnight and its validity dates must be real and in order. */
export function assertWindowShape(window: BroadcastWindow): void {
  if (startMinutes(window) + window.durationMinutes > MINUTES_PER_DAY) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `A window may not cross midnight: ${window.startTime} + ${window.durationMinutes} min ends the next day`,
      // What the web app words in Vietnamese.
      {
        rule: 'window-crosses-midnight',
        startTime: window.startTime,
        durationMinutes: window.durationMinutes,
      },
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

/**
 * Refuses a name another window of the commune has, as `nameKey` compares them: two “Sáng” would
 * make every message that names a window ambiguous. Called inside the write's transaction after
 * `ProgramLogRepository.lock`, whose row lock (PostgreSQL) or single writer (SQLite) keeps two
 * requests from both finding the name free.
 */
function assertNameFree(window: BroadcastWindow, others: readonly BroadcastWindow[]): void {
  const key = nameKey(window.name);
  const taken = others.find((other) => other.id !== window.id && nameKey(other.name) === key);
  if (taken) {
    throw new DomainError(
      'WINDOW_NAME_TAKEN',
      `Another window of commune ${window.communeCode} is named "${taken.name}"`,
      { name: taken.name, windowId: taken.id },
    );
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

export { WindowChangeView, WindowDeletedView } from './window.view';

export { ItemSummary } from './window.view';
