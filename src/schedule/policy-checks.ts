import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import {
  addDays,
  DAY_MS,
  formatLocalInstant,
  localDateOf,
  localMidnight,
} from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { placeholders, selectRows } from '../database/bulk-insert';
import { toInstant } from '../database/columns';
import { GeoService } from '../geo/geo.service';
import {
  BroadcastPolicy,
  checkItem,
  checkWindow,
  DayItem,
  dayViolations,
  effectivePolicy,
  EffectivePolicy,
  PolicyItemKind,
  PolicyItem as PolicyItemTimes,
  PolicyOverrides,
  policyKindOf,
  PolicyViolation,
  pushedOverDailyLimit,
} from './broadcast-policy';
import { BroadcastPolicyRecord, PolicyScope } from './entities/broadcast-policy.entity';
import { BroadcastWindow } from './entities/broadcast-window.entity';
import { ScheduleItem, ScheduleItemStatus } from './entities/schedule-item.entity';
import { OPEN_ITEM_STATUSES } from './program-log.repository';
import { policyRefusal } from './policy-refusal';
import { containingOccurrence, describeWindow, WindowSpec } from './window-time';
import type { PolicyItemBreach, PolicyWindowBreach } from '../policy/policy.view';

/** Items whose airtime the daily limit counts: on air, or still to be. */
const AIRTIME_STATUSES: readonly ScheduleItemStatus[] = [
  'planned',
  'dispatched',
  'aired',
  'partial',
];

/** An item about to be saved (or checked at play time): its times, kind and, if saved, id. */
export interface PolicyCandidate {
  id?: string;
  startsAt: Date;
  endsAt: Date;
  kind: PolicyItemKind;
}

/**
 * What the checks need of a program-log item: a bulletin's (its priority decides an emergency)
 * or a relay's (`sourceId`, no bulletin).
 */
export type PolicyItem = Pick<
  ScheduleItem,
  'id' | 'communeCode' | 'startsAt' | 'endsAt' | 'source'
> & {
  bulletinId: string | null;
  sourceId?: string | null;
};

/** A window or an item that breaks the policy now (the answer of a tightened policy). */
export type PolicyBreach = PolicyWindowBreach | PolicyItemBreach;

/**
 * The broadcast policy against the database: the effective policy of a province or commune, the
 * check of one item against the commune's log (save time and play time), and what on the log
 * breaks it. Every save path and the server's player go through `assertItem` / `checkScheduled`.
 */
@Injectable()
export class PolicyChecks {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly geo: GeoService,
  ) {}

  async overrides(
    manager: EntityManager,
    scope: PolicyScope,
    code: string,
  ): Promise<PolicyOverrides> {
    const record = await manager.findOneBy(BroadcastPolicyRecord, { scope, code });
    return record?.rules ?? {};
  }

  async forProvince(manager: EntityManager, provinceCode: string): Promise<EffectivePolicy> {
    return effectivePolicy(
      this.config.policyDefaults,
      await this.overrides(manager, 'province', provinceCode),
    );
  }

  /**
   * The commune's effective policy: its province's and its own overrides, read in one query
   * (every plan and every save of an item asks for it).
   */
  async forCommune(manager: EntityManager, communeCode: string): Promise<EffectivePolicy> {
    return (await this.forCommunes(manager, [communeCode])).get(communeCode)!;
  }

  /** `forCommune` for several communes, their provinces' and their own overrides in one query. */
  async forCommunes(
    manager: EntityManager,
    communeCodes: readonly string[],
  ): Promise<Map<string, EffectivePolicy>> {
    const communes = communeCodes.map((code) => this.geo.commune(code));
    const provinces = [...new Set(communes.map((commune) => commune.provinceCode))];
    const overrides = new Map<string, PolicyOverrides>();
    for (let start = 0; start < communeCodes.length; start += 500) {
      const codes = communeCodes.slice(start, start + 500);
      // Plain SQL: every group of as-run posts reads its communes' policies.
      const records = await selectRows<{ scope: PolicyScope; code: string; rules: string }>(
        manager,
        'SELECT scope, code, rules FROM broadcast_policy WHERE ' +
          (start === 0
            ? `(scope = 'province' AND code IN (${placeholders(provinces.length)})) OR `
            : '') +
          `(scope = 'commune' AND code IN (${placeholders(codes.length)}))`,
        start === 0 ? [...provinces, ...codes] : codes,
      );
      for (const record of records) {
        overrides.set(
          `${record.scope}:${record.code}`,
          JSON.parse(record.rules) as PolicyOverrides,
        );
      }
    }
    return new Map(
      communes.map((commune) => [
        commune.code,
        effectivePolicy(
          this.config.policyDefaults,
          overrides.get(`province:${commune.provinceCode}`) ?? {},
          overrides.get(`commune:${commune.code}`) ?? {},
        ),
      ]),
    );
  }

  /**
   * 409 with the rule and its Vietnamese message when a recurring window breaks the commune's
   * policy. The refusal names the window by its id only when it is saved (`id`); a new window,
   * refused, has none to give.
   */
  async assertWindow(
    manager: EntityManager,
    communeCode: string,
    window: Pick<BroadcastWindow, 'name' | 'startTime' | 'durationMinutes'> & { id?: string },
  ): Promise<void> {
    const violation = checkWindow(await this.forCommune(manager, communeCode), window);
    if (violation) {
      const { id, name } = window;
      throw policyRefusal(violation, {
        window: { ...(id === undefined ? {} : { id }), name, description: describeWindow(window) },
      });
    }
  }

  /**
   * 409 with the rule and its Vietnamese message when the item (a bulletin or a relay, new or
   * moved) would break the commune's policy on the log as it is (`saveRefusal`: the item refused,
   * or a later item of its day pushed past the daily limit): every save path calls this before
   * it writes the item.
   */
  async assertItem(manager: EntityManager, item: PolicyItem, now: Date): Promise<void> {
    const candidate = await this.candidate(manager, item);
    if (candidate.kind === 'emergency') return;
    const communeCode = item.communeCode;
    const date = localDateOf(candidate.startsAt);
    const dayItems = await this.dayItems(manager, communeCode, date, date);
    const refusal = saveRefusal(
      await this.forCommune(manager, communeCode),
      await manager.findBy(BroadcastWindow, { communeCode }),
      withKinds(dayItems, await this.kinds(manager, dayItems)),
      { ...candidate, id: item.id },
      now,
    );
    if (refusal) {
      const { pushed } = refusal;
      throw policyRefusal(refusal.violation, {
        startsAt: formatLocalInstant(candidate.startsAt),
        endsAt: formatLocalInstant(candidate.endsAt),
        ...(pushed
          ? {
              pushedItem: {
                id: pushed.id,
                startsAt: formatLocalInstant(pushed.startsAt),
                endsAt: formatLocalInstant(pushed.endsAt),
              },
            }
          : {}),
      });
    }
  }

  /**
   * The rule a saved item breaks now, or null (the server player asks before it plays): the
   * daily limit counts the day's items before it, so the ones past the limit are refused.
   */
  async checkScheduled(manager: EntityManager, item: PolicyItem): Promise<PolicyViolation | null> {
    const candidate = await this.candidate(manager, item);
    return this.checkOnLog(manager, item.communeCode, candidate);
  }

  private async candidate(manager: EntityManager, item: PolicyItem): Promise<PolicyCandidate> {
    return {
      id: item.id,
      startsAt: item.startsAt,
      endsAt: item.endsAt,
      kind: (await this.kinds(manager, [item])).get(item.id)!,
    };
  }

  /**
   * What on the commune's log breaks its policy now: every window, and every open item that has
   * not started (daily limit: the items past it in start order).
   */
  async breaches(manager: EntityManager, communeCode: string, now: Date): Promise<PolicyBreach[]> {
    const policy = await this.forCommune(manager, communeCode);
    const windows = await manager.findBy(BroadcastWindow, { communeCode });
    const found: PolicyBreach[] = [];
    for (const window of windows.sort((a, b) => a.startTime.localeCompare(b.startTime))) {
      const violation = checkWindow(policy, window);
      if (violation) {
        found.push({
          type: 'window',
          communeCode,
          id: window.id,
          name: window.name,
          startTime: window.startTime,
          durationMinutes: window.durationMinutes,
          rule: violation.rule,
          message: violation.message,
          messageVi: violation.messageVi,
        });
      }
    }
    const future = await this.dayItems(manager, communeCode, localDateOf(now));
    const kinds = await this.kinds(manager, future);
    const violations = itemViolations(policy, windows, withKinds(future, kinds), now);
    for (const item of future) {
      const violation = violations.get(item.id);
      if (violation) found.push(itemBreach(item, violation));
    }
    return found;
  }

  /**
   * The rule each of `items` breaks now, by item id, read when asked: only open items that have
   * not started can break it (the player refuses them). A few queries whatever their number: the
   * policy, the windows, the items of their local days (the daily limit counts those before
   * each), their bulletins' priorities.
   */
  async itemViolationsOf(
    manager: EntityManager,
    communeCode: string,
    items: readonly ScheduleItem[],
    now: Date,
  ): Promise<Map<string, PolicyViolation>> {
    const open = items.filter((item) => isOpenAhead(item, now));
    if (open.length === 0) return new Map();
    const dates = open.map((item) => localDateOf(item.startsAt)).sort();
    const policy = await this.forCommune(manager, communeCode);
    const windows = await manager.findBy(BroadcastWindow, { communeCode });
    const dayItems = await this.dayItems(manager, communeCode, dates[0], dates.at(-1));
    const kinds = await this.kinds(manager, dayItems);
    return itemViolations(policy, windows, withKinds(dayItems, kinds), now);
  }

  /** The commune's items that count towards the daily airtime, from `from` (to `to`, both local dates). */
  private dayItems(
    manager: EntityManager,
    communeCode: string,
    from: string,
    to?: string,
  ): Promise<ScheduleItem[]> {
    const query = manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.communeCode = :communeCode', { communeCode })
      .andWhere('item.status IN (:...statuses)', { statuses: AIRTIME_STATUSES })
      .andWhere('item.startsAt >= :from', { from: toInstant(localMidnight(from)) })
      .orderBy('item.startsAt', 'ASC')
      .addOrderBy('item.id', 'ASC');
    if (to !== undefined) {
      query.andWhere('item.startsAt < :to', { to: toInstant(localMidnight(addDays(to, 1))) });
    }
    return query.getMany();
  }

  /**
   * The item against the policy and the commune's log at play time: its window occurrence (the
   * session) and the airtime of the day's items that play before it.
   */
  private async checkOnLog(
    manager: EntityManager,
    communeCode: string,
    candidate: PolicyCandidate,
  ): Promise<PolicyViolation | null> {
    if (candidate.kind === 'emergency') return null;
    const policy = await this.forCommune(manager, communeCode);
    const windows = await manager.findBy(BroadcastWindow, { communeCode });
    const start = candidate.startsAt.getTime();
    const end = candidate.endsAt.getTime();
    const dayStart = localMidnight(localDateOf(candidate.startsAt));
    const dayItems = (
      await manager
        .createQueryBuilder(ScheduleItem, 'item')
        .where('item.communeCode = :communeCode', { communeCode })
        .andWhere('item.status IN (:...statuses)', { statuses: AIRTIME_STATUSES })
        .andWhere('item.startsAt >= :from', { from: toInstant(dayStart) })
        .andWhere('item.startsAt < :to', {
          to: toInstant(new Date(dayStart.getTime() + DAY_MS)),
        })
        .getMany()
    ).filter((item) => item.id !== candidate.id);
    const kinds = await this.kinds(manager, dayItems);
    const counted = dayItems.filter(
      (item) =>
        countsTowardDailyLimit(item, kinds.get(item.id)!) &&
        (item.startsAt.getTime() < start ||
          (item.startsAt.getTime() === start &&
            candidate.id !== undefined &&
            item.id < candidate.id)),
    );
    return checkItem(
      policy,
      { startsAt: start, endsAt: end, kind: candidate.kind },
      {
        sessionStartsAt: containingOccurrence(windows, start, end)?.startsAt,
        dayAirtimeBeforeMs: counted.reduce((sum, item) => sum + item.durationMs, 0),
      },
    );
  }

  /** The policy kind of each item (its bulletin's priority read in one query per 500). */
  async kinds(
    manager: EntityManager,
    items: readonly PolicyItem[],
  ): Promise<Map<string, PolicyItemKind>> {
    const ids = [...new Set(items.flatMap((item) => (item.bulletinId ? [item.bulletinId] : [])))];
    const priorities = new Map<string, string>();
    for (let index = 0; index < ids.length; index += 500) {
      const found = await manager.find(Bulletin, {
        where: { id: In(ids.slice(index, index + 500)) },
        select: { id: true, priority: true },
      });
      for (const bulletin of found) priorities.set(bulletin.id, bulletin.priority);
    }
    return new Map(
      items.map((item) => [
        item.id,
        policyKindOf(item, item.bulletinId ? priorities.get(item.bulletinId) : null),
      ]),
    );
  }
}

/** An item of the log with its policy kind, as `itemViolations` reads it. */
export type KindedItem = Pick<ScheduleItem, 'id' | 'startsAt' | 'endsAt' | 'status' | 'source'> & {
  kind: PolicyItemKind;
};

/**
 * Whether the daily limit counts an item's airtime, at save, at play time, on the views and in
 * the planner alike: an item on air or still to be (`AIRTIME_STATUSES`), neither an emergency
 * nor live speech (README, "Phát trực tiếp"), as the as-run log's count (`COUNTED`,
 * src/playout/record-policy.ts) leaves them out.
 */
export function countsTowardDailyLimit(
  item: Pick<ScheduleItem, 'source' | 'status'>,
  kind: PolicyItemKind,
): boolean {
  return AIRTIME_STATUSES.includes(item.status) && kind !== 'emergency' && item.source !== 'live';
}

function withKinds(
  items: readonly ScheduleItem[],
  kinds: ReadonlyMap<string, PolicyItemKind>,
): KindedItem[] {
  return items.map((item) => ({ ...item, kind: kinds.get(item.id)! }));
}

/** Open (the player will still take it) and not started. */
function isOpenAhead(item: Pick<ScheduleItem, 'status' | 'startsAt'>, now: Date): boolean {
  return OPEN_ITEM_STATUSES.includes(item.status) && item.startsAt > now;
}

/**
 * The rule each open item that has not started breaks, by id, as the player will judge it
 * (`dayViolations`): `dayItems` are whole local days of the log, in which the daily limit counts
 * the day's airtime before each item, in start order, of the items it counts; an item the player
 * will refuse counts nothing for those after it, one past judging (on air, played) counts as it
 * is. `windows` give each item its session. Live speech is neither counted nor judged: the
 * player does not play it.
 */
export function itemViolations(
  policy: BroadcastPolicy,
  windows: readonly WindowSpec[],
  dayItems: readonly KindedItem[],
  now: Date,
): Map<string, PolicyViolation> {
  return dayViolations(policy, walked(windows, dayItems, now));
}

/** What saving an item is refused for: its own rule, or a later item it pushes past the limit. */
export interface SaveRefusal {
  violation: PolicyViolation;
  /** The later item of the day the player would refuse with the item saved, and not without. */
  pushed?: KindedItem;
}

/**
 * Whether the commune's log may take `item` (new, moved or changed), judged by the player's walk
 * (`dayViolations`) of its day with the change: refused when the walk refuses the item, or
 * refuses a later item it does not refuse on the log as it is (the item takes that one past the
 * daily limit). Items the walk refuses anyway count against nothing: the player will not play
 * them. `dayItems` are the item's local day of the log as it is (a moved item at its old time,
 * when that is the same day).
 */
export function saveRefusal(
  policy: BroadcastPolicy,
  windows: readonly WindowSpec[],
  dayItems: readonly KindedItem[],
  item: Pick<KindedItem, 'id' | 'startsAt' | 'endsAt' | 'kind'>,
  now: Date,
): SaveRefusal | null {
  const onLog = walked(windows, dayItems, now);
  const changed = [
    ...onLog.filter((other) => other.id !== item.id),
    dayItemOf(windows, item, false),
  ];
  const withItem = dayViolations(policy, changed);
  const own = withItem.get(item.id);
  if (own) return { violation: own };
  const without = dayViolations(policy, onLog);
  const pushed = dayItems
    .filter((other) => withItem.has(other.id) && !without.has(other.id))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
  return pushed
    ? {
        violation: pushedOverDailyLimit(policy, policyTimes(item), policyTimes(pushed)),
        pushed,
      }
    : null;
}

/** The items of the log the player walks (`countsTowardDailyLimit`), judged if still ahead. */
function walked(
  windows: readonly WindowSpec[],
  dayItems: readonly KindedItem[],
  now: Date,
): DayItem[] {
  return dayItems
    .filter((item) => countsTowardDailyLimit(item, item.kind))
    .map((item) => dayItemOf(windows, item, !isOpenAhead(item, now)));
}

/** An item as the walk takes it: a settled one is not judged, so it needs no session. */
function dayItemOf(
  windows: readonly WindowSpec[],
  item: Pick<KindedItem, 'id' | 'startsAt' | 'endsAt' | 'kind'>,
  settled: boolean,
): DayItem {
  const { startsAt, endsAt } = policyTimes(item);
  return {
    id: item.id,
    startsAt,
    endsAt,
    kind: item.kind,
    settled,
    sessionStartsAt: settled
      ? undefined
      : containingOccurrence(windows, startsAt, endsAt)?.startsAt,
  };
}

function policyTimes(item: Pick<KindedItem, 'startsAt' | 'endsAt' | 'kind'>): PolicyItemTimes {
  return { startsAt: item.startsAt.getTime(), endsAt: item.endsAt.getTime(), kind: item.kind };
}

/** An item that breaks the policy, as the policy's answer and the progress list it. */
export function itemBreach(
  item: Pick<ScheduleItem, 'id' | 'communeCode' | 'bulletinId' | 'startsAt' | 'endsAt'>,
  violation: PolicyViolation,
): PolicyItemBreach {
  return {
    type: 'item',
    communeCode: item.communeCode,
    id: item.id,
    bulletinId: item.bulletinId,
    startsAt: formatLocalInstant(item.startsAt),
    endsAt: formatLocalInstant(item.endsAt),
    rule: violation.rule,
    message: violation.message,
    messageVi: violation.messageVi,
  };
}
