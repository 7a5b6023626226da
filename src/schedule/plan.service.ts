import { Inject, Injectable } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EntityManager } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { BulletinRecord, BulletinsRepository } from '../bulletins/bulletins.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import type { Airtime } from '../campaigns/targets';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { formatLocalInstant, localDateOf } from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { assessProgress, countedItem } from './campaign-progress';
import { checkDateRange, DateRange, rangeInstants } from './date-range';
import { GapsQueryDto, PlanDto, ProvincePlanDto } from './dto/schedule.dto';
import { ScheduleItem, ScheduleItemStatus } from './entities/schedule-item.entity';
import {
  planCampaign,
  PlannedItem,
  PlannerBulletin,
  PlannerExistingItem,
  PlanResult,
} from './planner';
import { PolicyItemKind } from './broadcast-policy';
import { countsTowardDailyLimit, itemBreach, itemViolations, PolicyChecks } from './policy-checks';
import { PolicyItemBreach } from '../policy/policy.view';
import { CommuneDevices } from './commune-devices';
import { bulletinCopy, bulletinIdsOf, itemTopics } from './item-content';
import { assertKnownZones, itemsShareDevice, normalizeItemZones } from './item-zones';
import { ProgramLogRepository } from './program-log.repository';
import { ScheduleChanges } from './schedule-changes';
import { WindowsService } from './windows.service';
import { GapsView, PlanItemView, PlanView, PolicyLimitView, ProvincePlanView } from './plan.view';

export { GapsView, PlanItemView, PlanView, PolicyLimitView, ProvincePlanView };

/**
 * Items whose whole airtime and one play the targets count: on the log and not (yet) known to
 * have failed. A `partial` item counts what its as-run records count (`PARTIAL_STATUS`).
 */
export const COUNTED_STATUSES: readonly ScheduleItemStatus[] = ['planned', 'dispatched', 'aired'];

/** An item played in part: the targets count its played part, as the reports do. */
const PARTIAL_STATUS: ScheduleItemStatus = 'partial';

/** A plan may span at most this many days. */
export const MAX_PLAN_DAYS = 366;

/** One commune's part of a plan: the planner's result, the rows written, the bulletins it had. */
interface CommunePlan {
  communeCode: string;
  result: PlanResult;
  rows: ScheduleItem[];
  candidates: BulletinRecord[];
  /** Items of the range on the log that the player will refuse under the policy in force. */
  refusedItems: PolicyItemBreach[];
}

/** The campaign planner over a commune's program log, and how far the log is from the targets. */
@Injectable()
export class PlanService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly programLog: ProgramLogRepository,
    private readonly bulletins: BulletinsRepository,
    private readonly windows: WindowsService,
    private readonly campaigns: CampaignsService,
    private readonly changes: ScheduleChanges,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly communeDevices: CommuneDevices,
    private readonly policy: PolicyChecks,
  ) {}

  /**
   * Plans [from, to] ∩ the campaign for `zones` (absent: every device); with `dryRun` nothing is
   * written. Items that share no device with the plan's zones leave their time free for it.
   */
  async plan(communeCode: string, input: PlanDto, actor: AuthUser): Promise<PlanView> {
    const commune = this.geo.commune(communeCode);
    const campaign = await this.campaigns.forProvince(input.campaign, commune.provinceCode);
    const range = clipToCampaign(checkDateRange(input, MAX_PLAN_DAYS), campaign, this.today());
    const dryRun = input.dryRun ?? false;
    const zones = normalizeItemZones(input.zones);
    const [{ result, rows, candidates, refusedItems }] = await this.planCommunes(
      commune.provinceCode,
      [communeCode],
      { campaign, range, dryRun, zones },
      actor,
    );
    const byId = new Map(candidates.map((record) => [record.bulletin.id, record]));
    return {
      campaign: campaign.code,
      ...range,
      dryRun,
      items: result.items.map((item, index) => ({
        id: dryRun ? null : rows[index].id,
        bulletinId: item.bulletinId,
        title: byId.get(item.bulletinId)?.bulletin.title ?? '',
        topics: byId.get(item.bulletinId)?.topics ?? [],
        windowId: item.windowId,
        startsAt: formatLocalInstant(new Date(item.startsAt)),
        endsAt: formatLocalInstant(new Date(item.endsAt)),
        durationMs: item.durationMs,
        zones,
      })),
      shortfalls: result.shortfalls,
      shortfallGroups: result.shortfallGroups,
      progress: result.progress,
      policyLimits: result.policyLimits.map((limit) => ({
        ...limit,
        startsAt: formatLocalInstant(new Date(limit.startsAt)),
        endsAt: formatLocalInstant(new Date(limit.endsAt)),
      })),
      refusedItems,
    };
  }

  /**
   * Plans every commune of the province (or those of `communes`) for every device, as each
   * commune's own plan would, in one transaction: what the province's monitor does when a campaign
   * starts. The answer is a line a commune: the items planned and what still lacks, with the fix.
   */
  async planProvince(
    provinceCode: string,
    input: ProvincePlanDto,
    actor: AuthUser,
  ): Promise<ProvincePlanView> {
    const communes = input.communes
      ? this.geo.communesIn(provinceCode, input.communes)
      : this.geo.communesOf(provinceCode);
    const campaign = await this.campaigns.forProvince(input.campaign, provinceCode);
    const range = clipToCampaign(checkDateRange(input, MAX_PLAN_DAYS), campaign, this.today());
    const dryRun = input.dryRun ?? false;
    const plans = await this.planCommunes(
      provinceCode,
      communes.map((commune) => commune.code),
      { campaign, range, dryRun, zones: null },
      actor,
    );
    const lines = plans.map(({ communeCode, result, refusedItems }, index) => ({
      communeCode,
      communeName: communes[index].name,
      itemCount: result.items.length,
      met: result.progress.met,
      refusedItemCount: refusedItems.length,
      shortfallGroups: result.shortfallGroups,
    }));
    return {
      campaign: campaign.code,
      ...range,
      dryRun,
      itemCount: lines.reduce((sum, line) => sum + line.itemCount, 0),
      metCount: lines.filter((line) => line.met).length,
      communes: lines,
    };
  }

  /**
   * The planning of each commune in one transaction (none with `dryRun`): the reads of all the
   * communes in a few queries, each commune planned on its own log, the items of all in a few
   * multi-row INSERTs and an audit event a commune, then one change a commune for the player.
   */
  private async planCommunes(
    provinceCode: string,
    communeCodes: readonly string[],
    plan: { campaign: Campaign; range: DateRange; dryRun: boolean; zones: string[] | null },
    actor: AuthUser,
  ): Promise<CommunePlan[]> {
    const { campaign, range, dryRun, zones } = plan;
    const gapMs = this.config.schedule.gapSeconds * 1000;
    const run = async (manager: EntityManager): Promise<CommunePlan[]> => {
      // Bulletins (share-locked) before the communes' locks: the lock order every writer follows.
      const candidates = await this.bulletins.schedulableByAll(
        communeCodes,
        provinceCode,
        manager,
        !dryRun,
      );
      const now = this.clock.now();
      if (!dryRun) await this.programLog.lockAll(manager, communeCodes, now);
      const devicesZones = await this.communeDevices.zonesOfDevicesIn(manager, communeCodes);
      for (const code of communeCodes) assertKnownZones(zones, devicesZones.get(code)!, code);
      const { start, end } = rangeInstants(range);
      const existing = await this.programLog.itemsTouchingAny(
        manager,
        communeCodes,
        new Date(start.getTime() - gapMs),
        new Date(end.getTime() + gapMs),
      );
      const topics = await this.bulletins.topicsOf(
        bulletinIdsOf([...existing.values()].flat()),
        manager,
      );
      const policies = await this.policy.forCommunes(manager, communeCodes);
      const windows = await this.windows.windowsOfAll(manager, communeCodes);
      const kinds = await this.policy.kinds(manager, [...existing.values()].flat());
      const playedParts = await this.playedParts(manager, [...existing.values()].flat());
      const planOne = (communeCode: string): CommunePlan => {
        const logged = existing.get(communeCode)!;
        // Items the player will refuse under the policy in force take their time, count nothing.
        const violations = itemViolations(
          policies.get(communeCode)!,
          windows.get(communeCode)!,
          logged.map((item) => ({ ...item, kind: kinds.get(item.id)! })),
          now,
        );
        const result = planCampaign({
          ...range,
          now: now.getTime(),
          windows: windows.get(communeCode)!,
          existing: logged.map((item) => ({
            ...existingItem(
              item,
              itemTopics(item, topics),
              kinds.get(item.id)!,
              violations.has(item.id),
              playedParts.get(item.id),
            ),
            sharesAir: itemsShareDevice(zones, item.zones, devicesZones.get(communeCode)!),
          })),
          // An emergency bulletin (a storm warning) is played at once by the commune (TT 39),
          // never planned as a campaign's airtime.
          bulletins: candidates
            .get(communeCode)!
            .filter((record) => record.bulletin.priority !== 'emergency')
            .map((record) => plannerBulletin(record, communeCode)),
          targets: campaign,
          gapMs,
          maxPlaysPerBulletinPerDay: this.config.schedule.maxPlaysPerBulletinPerDay,
          policy: policies.get(communeCode)!,
        });
        const records = new Map(
          candidates.get(communeCode)!.map((record) => [record.bulletin.id, record]),
        );
        const rows = result.items.map((item) =>
          scheduleRow(item, records.get(item.bulletinId)!, communeCode, zones, actor, now),
        );
        const refusedItems = logged.flatMap((item) => {
          const violation = violations.get(item.id);
          return violation && item.startsAt >= start && item.startsAt < end
            ? [itemBreach(item, violation)]
            : [];
        });
        return {
          communeCode,
          result,
          rows,
          candidates: candidates.get(communeCode)!,
          refusedItems,
        };
      };
      const plans: CommunePlan[] = [];
      // A commune's items are written (on the database's side) while the next ones are planned;
      // between two communes the event loop turns (a player's timer, a finished INSERT).
      const writes: Promise<void>[] = [];
      try {
        for (const communeCode of communeCodes) {
          const one = planOne(communeCode);
          plans.push(one);
          if (!dryRun && one.rows.length > 0) {
            const write = this.programLog.insertMany(manager, one.rows);
            write.catch(() => undefined); // settled below; no unhandled rejection meanwhile
            writes.push(write);
          }
          await nextTurn();
        }
      } catch (error) {
        await Promise.allSettled(writes);
        throw error;
      }
      for (const write of await Promise.allSettled(writes)) {
        if (write.status === 'rejected') throw write.reason;
      }
      const written = plans.filter((one) => one.rows.length > 0);
      if (!dryRun && written.length > 0) {
        await this.audit.recordAll(
          written.map(({ communeCode, result, rows }) => ({
            action: 'schedule.planned',
            actor,
            targetType: 'campaign',
            targetId: campaign.code,
            communeCode,
            provinceCode,
            detail: { ...range, zones, items: rows.length, shortfalls: result.shortfalls.length },
          })),
          manager,
        );
      }
      return plans;
    };

    const plans = dryRun ? await run(this.db.manager) : await this.db.write(run);
    if (!dryRun) {
      for (const { communeCode, rows } of plans) {
        this.changes.emit({
          communeCode,
          kind: 'created',
          itemIds: rows.map((row) => row.id),
          startsAt: rows.map((row) => row.startsAt),
        });
      }
    }
    return plans;
  }

  /** What the as-run log counts of the partial items among `items`, by item id. */
  private playedParts(
    manager: EntityManager,
    items: readonly ScheduleItem[],
  ): Promise<Map<string, Airtime>> {
    const partial = items.filter((item) => item.status === PARTIAL_STATUS);
    return this.programLog.airtimeOfItems(
      manager,
      partial.map((item) => item.id),
    );
  }

  /** How far the current log is from the campaign's targets, without planning. */
  async gaps(communeCode: string, query: GapsQueryDto): Promise<GapsView> {
    const commune = this.geo.commune(communeCode);
    const campaign = await this.campaigns.forProvince(query.campaign, commune.provinceCode);
    const requested = checkDateRange(
      { from: query.from ?? campaign.startsOn, to: query.to ?? campaign.endsOn },
      MAX_PLAN_DAYS,
    );
    const range = clipToCampaign(requested, campaign, this.today());
    const { start, end } = rangeInstants(range);
    const items = await this.programLog.itemsStarting(this.db.manager, communeCode, start, end, [
      ...COUNTED_STATUSES,
      PARTIAL_STATUS,
    ]);
    const playedParts = await this.playedParts(this.db.manager, items);
    const topics = await this.bulletins.topicsOf(bulletinIdsOf(items));
    // The player refuses what breaks the policy in force: that airtime will not be.
    const refused = await this.policy.itemViolationsOf(
      this.db.manager,
      communeCode,
      items,
      this.clock.now(),
    );
    const progress = assessProgress(
      campaign,
      range.from,
      range.to,
      items.flatMap((item) =>
        countedItem(
          item.startsAt.getTime(),
          itemTopics(item, topics),
          countedAirtime(item, refused.has(item.id), playedParts.get(item.id)),
        ),
      ),
    );
    return {
      campaign: campaign.code,
      ...progress,
      refusedItems: items.flatMap((item) => {
        const violation = refused.get(item.id);
        return violation ? [itemBreach(item, violation)] : [];
      }),
    };
  }
  /** Today, local: whether a campaign before the range is over or still running. */
  private today(): string {
    return localDateOf(this.clock.now());
  }
}

/**
 * The part of [from, to] inside the campaign's dates (a week the campaign ends in is planned up
 * to its last day); 422 when there is none, saying why (`reason`), with the campaign's dates, so a
 * client can say what to do:
 * - `campaign-ended`: the campaign is over (before `today`): choose another campaign;
 * - `after-campaign-end`: the campaign still runs but ends before the range: choose dates up to
 *   its end;
 * - `campaign-not-started`: the range is before the campaign: plan from its first day.
 */
export function clipToCampaign(range: DateRange, campaign: Campaign, today: string): DateRange {
  const from = range.from > campaign.startsOn ? range.from : campaign.startsOn;
  const to = range.to < campaign.endsOn ? range.to : campaign.endsOn;
  if (to >= from) return { from, to };
  const dates = { campaign: campaign.code, startsOn: campaign.startsOn, endsOn: campaign.endsOn };
  if (range.from <= campaign.endsOn) {
    throw new DomainError(
      'PLAN_RANGE_INVALID',
      `Campaign ${campaign.code} starts on ${campaign.startsOn}, after ${range.to}: plan from ${campaign.startsOn}`,
      { reason: 'campaign-not-started', ...dates },
    );
  }
  if (campaign.endsOn < today) {
    throw new DomainError(
      'PLAN_RANGE_INVALID',
      `Campaign ${campaign.code} ended on ${campaign.endsOn}, before ${range.from}: choose a running campaign (or ask the province's monitor to create one)`,
      { reason: 'campaign-ended', ...dates },
    );
  }
  throw new DomainError(
    'PLAN_RANGE_INVALID',
    `Campaign ${campaign.code} ends on ${campaign.endsOn}, before ${range.from}: choose dates up to ${campaign.endsOn}`,
    { reason: 'after-campaign-end', ...dates },
  );
}

/**
 * What an item of the log adds to the targets: its whole duration and one play while it is to
 * air or aired; a partial play what its as-run records count (`playedPart`, absent while it has
 * none); nothing once missed or failed, or when the player will refuse it (`refused`: it fails
 * at play time).
 */
export function countedAirtime(
  item: Pick<ScheduleItem, 'status' | 'durationMs'>,
  refused: boolean,
  playedPart: Airtime | undefined,
): Airtime | null {
  if (refused) return null;
  if (COUNTED_STATUSES.includes(item.status)) return { airedMs: item.durationMs, plays: 1 };
  if (item.status === PARTIAL_STATUS) return playedPart ?? null;
  return null;
}

/**
 * An item of the log to the planner; one the player will refuse (`refused`) counts nothing: it
 * fails at play time, and the player's daily airtime leaves failed items out. `playedPart`: what
 * the as-run log counts of a partial item.
 */
export function existingItem(
  item: ScheduleItem,
  topics: readonly string[],
  kind: PolicyItemKind,
  refused: boolean,
  playedPart?: Airtime,
): PlannerExistingItem {
  return {
    id: item.id,
    // A relay is a programme of its own to the planner (its topics count, it is never planned).
    bulletinId: item.bulletinId ?? `relay-${item.id}`,
    startsAt: item.startsAt.getTime(),
    endsAt: item.endsAt.getTime(),
    durationMs: item.durationMs,
    topics,
    counted: countedAirtime(item, refused, playedPart),
    countsTowardDailyLimit: !refused && countsTowardDailyLimit(item, kind),
  };
}

function plannerBulletin(record: BulletinRecord, communeCode: string): PlannerBulletin {
  return {
    id: record.bulletin.id,
    topics: record.topics,
    durationMs: record.audio?.durationMs ?? 0,
    library: record.bulletin.communeCode !== communeCode,
    approvedAt: (record.bulletin.approvedAt ?? record.bulletin.createdAt).getTime(),
    priority: record.bulletin.priority,
  };
}

function scheduleRow(
  item: PlannedItem,
  record: BulletinRecord,
  communeCode: string,
  zones: string[] | null,
  actor: AuthUser,
  now: Date,
): ScheduleItem {
  return {
    id: newId(),
    communeCode,
    ...bulletinCopy(record),
    startsAt: new Date(item.startsAt),
    endsAt: new Date(item.endsAt),
    durationMs: item.durationMs,
    status: 'planned',
    source: 'planner',
    zones,
    cancelReason: null,
    createdBy: actor.id,
    createdAt: now,
    updatedAt: now,
    revision: 0,
    demo: false,
  };
}
