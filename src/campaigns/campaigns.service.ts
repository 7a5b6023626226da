import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { isLocalDate } from '../common/local-time';
import { Db } from '../database/db.service';
import { changesCampaignRollups, rebuildCampaignRollups } from '../reports/campaign-rollups';
import { TopicsService } from '../topics/topics.service';
import { CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';
import { Campaign, CampaignRule } from './entities/campaign.entity';

export const CAMPAIGNS_DIR = 'campaigns';

export interface CampaignView {
  code: string;
  name: string;
  description: string | null;
  startsOn: string;
  endsOn: string;
  rules: CampaignRule[];
  minDailySeconds: number;
}

export function campaignView(campaign: Campaign): CampaignView {
  const { code, name, description, startsOn, endsOn, rules, minDailySeconds } = campaign;
  return { code, name, description, startsOn, endsOn, rules, minDailySeconds };
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
        const campaign = newCampaign(seed, now);
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

  list(): Promise<Campaign[]> {
    return this.db.manager.find(Campaign, { order: { startsOn: 'DESC', code: 'ASC' } });
  }

  async get(code: string): Promise<Campaign> {
    const campaign = await this.db.manager.findOneBy(Campaign, { code });
    if (!campaign)
      throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${code} not found`, { campaign: code });
    return campaign;
  }

  async create(input: CreateCampaignDto, actor: AuthUser): Promise<Campaign> {
    validateCampaignShape(input);
    return this.db.write(async (manager) => {
      await this.topics.assertKnown(
        input.rules.map((rule) => rule.topic),
        manager,
      );
      if (await manager.findOneBy(Campaign, { code: input.code })) {
        throw new DomainError('CAMPAIGN_EXISTS', `Campaign ${input.code} already exists`, {
          campaign: input.code,
        });
      }
      const now = this.clock.now();
      const campaign = newCampaign(input, now);
      await manager.insert(Campaign, campaign);
      await rebuildCampaignRollups(manager, campaign);
      await this.audit.record(
        {
          action: 'campaign.created',
          actor,
          targetType: 'campaign',
          targetId: campaign.code,
          provinceCode: actor.provinceCode,
        },
        manager,
      );
      return campaign;
    });
  }

  async update(code: string, input: UpdateCampaignDto, actor: AuthUser): Promise<Campaign> {
    return this.db.write(async (manager) => {
      const campaign = await manager.findOneBy(Campaign, { code });
      if (!campaign)
        throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${code} not found`, {
          campaign: code,
        });
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
          provinceCode: actor.provinceCode,
          detail: { fields: Object.keys(input) },
        },
        manager,
      );
      return next;
    });
  }
}

/** A campaign row from a validated definition (the API's or a seed file's). */
function newCampaign(input: CreateCampaignDto, now: Date): Campaign {
  return {
    code: input.code,
    name: input.name,
    description: input.description ?? null,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    rules: normalizeRules(input.rules),
    minDailySeconds: input.minDailySeconds ?? 0,
    createdAt: now,
    updatedAt: now,
  };
}
