import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { BulletinRecord, BulletinsRepository } from '../bulletins/bulletins.repository';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { formatLocalInstant } from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { assessProgress } from './campaign-progress';
import { checkDateRange, DateRange, rangeInstants } from './date-range';
import { GapsQueryDto, PlanDto } from './dto/schedule.dto';
import { ScheduleItem, ScheduleItemStatus } from './entities/schedule-item.entity';
import { planCampaign, PlannedItem, PlannerBulletin, PlannerExistingItem } from './planner';
import { PolicyChecks } from './policy-checks';
import { CommuneDevices } from './commune-devices';
import { bulletinIdsOf, itemTopics } from './item-content';
import { assertKnownZones, itemsShareDevice, normalizeItemZones } from './item-zones';
import { ProgramLogRepository } from './program-log.repository';
import { ScheduleChanges } from './schedule-changes';
import { WindowsService } from './windows.service';
import { GapsView, PlanItemView, PlanView, PolicyLimitView } from './plan.view';

export { GapsView, PlanItemView, PlanView, PolicyLimitView };

/** Items whose airtime the targets count: on the log and not (yet) known to have failed. */
export const COUNTED_STATUSES: readonly ScheduleItemStatus[] = ['planned', 'dispatched', 'aired'];

/** A plan may span at most this many days. */
export const MAX_PLAN_DAYS = 366;

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
    const range = clipToCampaign(checkDateRange(input, MAX_PLAN_DAYS), campaign);
    const dryRun = input.dryRun ?? false;
    const gapMs = this.config.schedule.gapSeconds * 1000;
    const zones = normalizeItemZones(input.zones);

    const run = async (manager: EntityManager) => {
      // Bulletins (share-locked) before the commune lock: the lock order every writer follows.
      const candidates = await this.bulletins.schedulableBy(
        communeCode,
        commune.provinceCode,
        manager,
        !dryRun,
      );
      const now = this.clock.now();
      if (!dryRun) await this.programLog.lock(manager, communeCode, now);
      const devicesZones = await this.communeDevices.zonesOfDevices(manager, communeCode);
      assertKnownZones(zones, devicesZones, communeCode);
      const { start, end } = rangeInstants(range);
      const existing = await this.programLog.itemsTouching(
        manager,
        communeCode,
        new Date(start.getTime() - gapMs),
        new Date(end.getTime() + gapMs),
      );
      const topics = await this.bulletins.topicsOf(bulletinIdsOf(existing), manager);
      const policy = await this.policy.forCommune(manager, communeCode);
      const result = planCampaign({
        ...range,
        now: now.getTime(),
        windows: await this.windows.windowsOf(manager, communeCode),
        existing: existing.map((item) => ({
          ...existingItem(item, itemTopics(item, topics)),
          sharesAir: itemsShareDevice(zones, item.zones, devicesZones),
          emergency: item.source === 'emergency',
        })),
        bulletins: candidates.map((record) => plannerBulletin(record, communeCode)),
        targets: campaign,
        gapMs,
        maxPlaysPerBulletinPerDay: this.config.schedule.maxPlaysPerBulletinPerDay,
        policy,
      });
      const rows = result.items.map((item) => scheduleRow(item, communeCode, zones, actor, now));
      if (!dryRun && rows.length > 0) {
        await this.programLog.insertMany(manager, rows);
        await this.audit.record(
          {
            action: 'schedule.planned',
            actor,
            targetType: 'campaign',
            targetId: campaign.code,
            communeCode,
            provinceCode: commune.provinceCode,
            detail: { ...range, zones, items: rows.length, shortfalls: result.shortfalls.length },
          },
          manager,
        );
      }
      return { result, rows, candidates };
    };

    const { result, rows, candidates } = dryRun
      ? await run(this.db.manager)
      : await this.db.write(run);
    if (!dryRun) {
      this.changes.emit({
        communeCode,
        kind: 'created',
        itemIds: rows.map((row) => row.id),
        startsAt: rows.map((row) => row.startsAt),
      });
    }
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
    };
  }

  /** How far the current log is from the campaign's targets, without planning. */
  async gaps(communeCode: string, query: GapsQueryDto): Promise<GapsView> {
    const commune = this.geo.commune(communeCode);
    const campaign = await this.campaigns.forProvince(query.campaign, commune.provinceCode);
    const requested = checkDateRange(
      { from: query.from ?? campaign.startsOn, to: query.to ?? campaign.endsOn },
      MAX_PLAN_DAYS,
    );
    const range = clipToCampaign(requested, campaign);
    const { start, end } = rangeInstants(range);
    const items = await this.programLog.itemsStarting(
      this.db.manager,
      communeCode,
      start,
      end,
      COUNTED_STATUSES,
    );
    const topics = await this.bulletins.topicsOf(bulletinIdsOf(items));
    const progress = assessProgress(
      campaign,
      range.from,
      range.to,
      items.map((item) => ({
        startsAt: item.startsAt.getTime(),
        durationMs: item.durationMs,
        topics: itemTopics(item, topics),
      })),
    );
    return { campaign: campaign.code, ...progress };
  }
}

/**
 * The part of [from, to] inside the campaign's dates; 422 when there is none, saying whether the
 * campaign had ended or not begun by then (`reason`), with its dates, so a client can say what to
 * do (choose another campaign or other dates).
 */
export function clipToCampaign(range: DateRange, campaign: Campaign): DateRange {
  const from = range.from > campaign.startsOn ? range.from : campaign.startsOn;
  const to = range.to < campaign.endsOn ? range.to : campaign.endsOn;
  if (to < from) {
    const ended = range.from > campaign.endsOn;
    throw new DomainError(
      'PLAN_RANGE_INVALID',
      ended
        ? `Campaign ${campaign.code} ended on ${campaign.endsOn}, before ${range.from}: choose a running campaign (or ask the province's monitor to create one)`
        : `Campaign ${campaign.code} starts on ${campaign.startsOn}, after ${range.to}: plan from ${campaign.startsOn}`,
      {
        reason: ended ? 'campaign-ended' : 'campaign-not-started',
        campaign: campaign.code,
        startsOn: campaign.startsOn,
        endsOn: campaign.endsOn,
      },
    );
  }
  return { from, to };
}

function existingItem(item: ScheduleItem, topics: readonly string[]): PlannerExistingItem {
  return {
    id: item.id,
    // A relay is a programme of its own to the planner (its topics count, it is never planned).
    bulletinId: item.bulletinId ?? `relay-${item.id}`,
    startsAt: item.startsAt.getTime(),
    endsAt: item.endsAt.getTime(),
    durationMs: item.durationMs,
    topics,
    counts: COUNTED_STATUSES.includes(item.status),
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
  communeCode: string,
  zones: string[] | null,
  actor: AuthUser,
  now: Date,
): ScheduleItem {
  return {
    id: newId(),
    communeCode,
    bulletinId: item.bulletinId,
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
    demo: false,
  };
}
