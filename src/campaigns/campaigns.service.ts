import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedFields } from '../auth/audit-changes';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { isLocalDate } from '../common/local-time';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { changesCampaignRollups, rebuildCampaignRollups } from '../reports/campaign-rollups';
import { TopicsService } from '../topics/topics.service';
import { appliesToProvince, canEditCampaign, canReadCampaign } from './campaign-access';
import { CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';
import { Campaign, CampaignRule } from './entities/campaign.entity';
import { CampaignStatus, CampaignView } from './campaign.view';

export const CAMPAIGNS_DIR = 'campaigns';

export function campaignStatus(
  campaign: Pick<Campaign, 'startsOn' | 'endsOn'>,
  today: string,
): CampaignStatus {
  if (today < campaign.startsOn) return 'upcoming';
  return today > campaign.endsOn ? 'ended' : 'running';
}

export function campaignView(campaign: Campaign, today: string): CampaignView {
  const { code, name, description, provinceCode, startsOn, endsOn, rules, minDailySeconds } =
    campaign;
  return {
    code,
    name,
    description,
    provinceCode,
    startsOn,
    endsOn,
    rules,
    minDailySeconds,
    status: campaignStatus(campaign, today),
  };
}

/** Checks what class-validator cannot: real dates, their order, one rule per topic, a minimum in each rule. */
export function validateCampaignShape(
  input: Pick<Campaign, 'startsOn' | 'endsOn' | 'rules'>,
): void {
  for (const [field, value] of [
    ['startsOn', input.startsOn],
    ['endsOn', input.endsOn],
  ] as const) {
    if (!isLocalDate(value))
      throw new DomainError('VALIDATION_FAILED', `${field} is not a calendar date: ${value}`);
  }
  if (input.endsOn < input.startsOn) {
    throw new DomainError('VALIDATION_FAILED', 'endsOn must not be before startsOn');
  }
  const seen = new Set<string>();
  for (const rule of input.rules) {
    if (seen.has(rule.topic))
      throw new DomainError('VALIDATION_FAILED', `Topic ${rule.topic} has more than one rule`);
    seen.add(rule.topic);
    if (rule.minSecondsPerWeek === undefined && rule.minPlaysPerWeek === undefined) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The rule for ${rule.topic} needs minSecondsPerWeek or minPlaysPerWeek`,
      );
    }
  }
}

/** The fields an edit may change, in the order the audit trail lists them. */
const EDITABLE_FIELDS = [
  'name',
  'description',
  'startsOn',
  'endsOn',
  'rules',
  'minDailySeconds',
] as const satisfies readonly (keyof Campaign)[];

function notFound(code: string): DomainError {
  return new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${code} not found`, { campaign: code });
}

function normalizeRules(rules: CampaignRule[]): CampaignRule[] {
  return rules.map((rule) => ({
    topic: rule.topic,
    ...(rule.minSecondsPerWeek === undefined ? {} : { minSecondsPerWeek: rule.minSecondsPerWeek }),
    ...(rule.minPlaysPerWeek === undefined ? {} : { minPlaysPerWeek: rule.minPlaysPerWeek }),
  }));
}

@Injectable()
export class CampaignsService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly topics: TopicsService,
    private readonly audit: AuditService,
    private readonly geo: GeoService,
    private readonly clock: Clock,
  ) {}

  /** Adds the campaigns of config/campaigns/*.json that the database does not have yet. */
  async onApplicationBootstrap(): Promise<void> {
    const dir = join(this.config.configDir, CAMPAIGNS_DIR);
    if (!existsSync(dir)) return;
    const now = this.clock.now();
    for (const file of readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()) {
      const seed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CreateCampaignDto;
      validateCampaignShape(seed);
      await this.db.write(async (manager) => {
        if (await manager.existsBy(Campaign, { code: seed.code })) return;
        // A seed file is national unless it names a province.
        const campaign = newCampaign(seed, seed.provinceCode ?? null, now);
        // Another instance starting at the same time may have added it: its roll-ups are the same.
        await manager
          .createQueryBuilder()
          .insert()
          .into(Campaign)
          .values(campaign)
          .orIgnore()
          .execute();
        await rebuildCampaignRollups(manager, campaign);
      });
    }
  }

  /** The campaigns the caller may read (see `canReadCampaign`), newest first. */
  async list(actor: AuthUser): Promise<Campaign[]> {
    const all = await this.db.manager.find(Campaign, { order: { startsOn: 'DESC', code: 'ASC' } });
    return all.filter((campaign) => canReadCampaign(actor, campaign));
  }

  /** Any campaign, for internal readers (the demo); requests go through `getFor` or `forProvince`. */
  async get(code: string): Promise<Campaign> {
    const campaign = await this.db.manager.findOneBy(Campaign, { code });
    if (!campaign) throw notFound(code);
    return campaign;
  }

  /** A campaign the caller may read; 404 otherwise (another province's is not disclosed). */
  async getFor(code: string, actor: AuthUser): Promise<Campaign> {
    const campaign = await this.get(code);
    if (!canReadCampaign(actor, campaign)) throw notFound(code);
    return campaign;
  }

  /**
   * A campaign that judges the communes of `provinceCode` (national, or that province's): what
   * the reports and the planner of a province or commune accept; 404 otherwise.
   */
  async forProvince(code: string, provinceCode: string): Promise<Campaign> {
    const campaign = await this.get(code);
    if (!appliesToProvince(campaign, provinceCode)) throw notFound(code);
    return campaign;
  }

  async create(input: CreateCampaignDto, actor: AuthUser): Promise<Campaign> {
    validateCampaignShape(input);
    const provinceCode = this.provinceOfNew(input, actor);
    return this.db.write(async (manager) => {
      await this.topics.assertKnown(
        input.rules.map((rule) => rule.topic),
        manager,
      );
      // Codes are unique across provinces, so that `GET /campaigns/:code` names one campaign.
      if (await manager.findOneBy(Campaign, { code: input.code })) {
        throw new DomainError('CAMPAIGN_EXISTS', `Campaign code ${input.code} is taken`, {
          campaign: input.code,
        });
      }
      const now = this.clock.now();
      const campaign = newCampaign(input, provinceCode, now);
      await manager.insert(Campaign, campaign);
      await rebuildCampaignRollups(manager, campaign);
      await this.audit.record(
        {
          action: 'campaign.created',
          actor,
          targetType: 'campaign',
          targetId: campaign.code,
          provinceCode,
          detail: { national: provinceCode === null },
        },
        manager,
      );
      return campaign;
    });
  }

  async update(code: string, input: UpdateCampaignDto, actor: AuthUser): Promise<Campaign> {
    return this.db.write(async (manager) => {
      const campaign = await manager.findOneBy(Campaign, { code });
      if (!campaign || !canReadCampaign(actor, campaign)) throw notFound(code);
      if (!canEditCampaign(actor, campaign)) {
        throw new DomainError(
          'CAMPAIGN_NATIONAL',
          `Campaign ${code} is national: only an admin changes it; a monitor may create the province's own campaign (for example a copy of it with another code)`,
          { campaign: code },
        );
      }
      const next: Campaign = {
        ...campaign,
        name: input.name ?? campaign.name,
        description: input.description ?? campaign.description,
        startsOn: input.startsOn ?? campaign.startsOn,
        endsOn: input.endsOn ?? campaign.endsOn,
        rules: input.rules ? normalizeRules(input.rules) : campaign.rules,
        minDailySeconds: input.minDailySeconds ?? campaign.minDailySeconds,
        updatedAt: this.clock.now(),
      };
      validateCampaignShape(next);
      await this.topics.assertKnown(
        next.rules.map((rule) => rule.topic),
        manager,
      );
      await manager.save(Campaign, next);
      if (changesCampaignRollups(campaign, next)) await rebuildCampaignRollups(manager, next);
      await this.audit.record(
        {
          action: 'campaign.updated',
          actor,
          targetType: 'campaign',
          targetId: code,
          provinceCode: campaign.provinceCode,
          detail: { changes: changedFields(campaign, next, EDITABLE_FIELDS) },
        },
        manager,
      );
      return next;
    });
  }

  /** The province of a campaign being created: a monitor's own; an admin's choice (null: national). */
  private provinceOfNew(input: CreateCampaignDto, actor: AuthUser): string | null {
    if (actor.role === 'admin') {
      if (input.provinceCode) this.geo.province(input.provinceCode);
      return input.provinceCode ?? null;
    }
    if (actor.role !== 'monitor' || actor.provinceCode === null) {
      throw new DomainError('FORBIDDEN', 'Only admins and monitors create campaigns');
    }
    if (input.provinceCode !== undefined && input.provinceCode !== actor.provinceCode) {
      throw new DomainError(
        'FORBIDDEN',
        input.provinceCode === null
          ? 'National campaigns are created by admins; a monitor creates the campaigns of their province'
          : `A monitor creates campaigns of province ${actor.provinceCode} only`,
      );
    }
    return actor.provinceCode;
  }
}

/** A campaign row from a validated definition (the API's or a seed file's). */
function newCampaign(input: CreateCampaignDto, provinceCode: string | null, now: Date): Campaign {
  return {
    code: input.code,
    name: input.name,
    description: input.description ?? null,
    provinceCode,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    rules: normalizeRules(input.rules),
    minDailySeconds: input.minDailySeconds ?? 0,
    createdAt: now,
    updatedAt: now,
  };
}

export { CampaignStatus, CampaignView } from './campaign.view';
