import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatLocalInstant } from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import {
  BroadcastPolicy,
  describeValue,
  EffectivePolicy,
  loosenedFields,
  NIGHT_HOURS,
  POLICY_FIELDS,
  PolicyOverrides,
  quietHoursProblem,
} from '../schedule/broadcast-policy';
import { BroadcastPolicyRecord, PolicyScope } from '../schedule/entities/broadcast-policy.entity';
import { BroadcastWindow } from '../schedule/entities/broadcast-window.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { PolicyBreach, PolicyChecks } from '../schedule/policy-checks';
import { OPEN_ITEM_STATUSES } from '../schedule/program-log.repository';
import { toInstant } from '../database/columns';
import { PutPolicyDto } from './dto/policy.dto';
import { PolicyView } from './policy.view';

/**
 * The broadcast policy of provinces (their monitors set it) and communes (their approvers may
 * tighten it, never loosen it). Saving a policy that existing windows or items break is
 * allowed: the answer lists them, and the players refuse those items until they are fixed.
 */
@Injectable()
export class PolicyService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly checks: PolicyChecks,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async getProvince(provinceCode: string): Promise<PolicyView> {
    this.geo.province(provinceCode);
    return this.provinceView(this.db.manager, provinceCode);
  }

  async getCommune(communeCode: string): Promise<PolicyView> {
    this.geo.commune(communeCode);
    return this.communeView(this.db.manager, communeCode);
  }

  async putProvince(
    provinceCode: string,
    input: PutPolicyDto,
    actor: AuthUser,
  ): Promise<PolicyView> {
    this.geo.province(provinceCode);
    const rules = overridesOf(input);
    return this.db.write(async (manager) => {
      const before = await this.checks.overrides(manager, 'province', provinceCode);
      await this.save(manager, 'province', provinceCode, rules, actor);
      await this.audit.record(
        {
          action: 'policy.updated',
          actor,
          targetType: 'province',
          targetId: provinceCode,
          provinceCode,
          detail: { before, after: rules },
        },
        manager,
      );
      return this.provinceView(manager, provinceCode);
    });
  }

  async putCommune(communeCode: string, input: PutPolicyDto, actor: AuthUser): Promise<PolicyView> {
    const commune = this.geo.commune(communeCode);
    const rules = overridesOf(input);
    return this.db.write(async (manager) => {
      const province = await this.checks.forProvince(manager, commune.provinceCode);
      const loose = loosenedFields(province, rules);
      if (loose.length > 0) {
        const list = loose
          .map(
            (entry) =>
              `${entry.field} ${describeValue(entry.field, entry.commune)} is looser than the province's ${describeValue(entry.field, entry.province)}`,
          )
          .join('; ');
        throw new DomainError(
          'POLICY_LOOSER_THAN_PROVINCE',
          `A commune may only tighten its province's broadcast policy: ${list}`,
          { fields: loose },
        );
      }
      const before = await this.checks.overrides(manager, 'commune', communeCode);
      await this.save(manager, 'commune', communeCode, rules, actor);
      await this.audit.record(
        {
          action: 'policy.updated',
          actor,
          targetType: 'commune',
          targetId: communeCode,
          communeCode,
          provinceCode: commune.provinceCode,
          detail: { before, after: rules },
        },
        manager,
      );
      return this.communeView(manager, communeCode);
    });
  }

  // ----- helpers -----

  private async save(
    manager: EntityManager,
    scope: PolicyScope,
    code: string,
    rules: PolicyOverrides,
    actor: AuthUser,
  ): Promise<void> {
    await manager.delete(BroadcastPolicyRecord, { scope, code });
    await manager.insert(BroadcastPolicyRecord, {
      scope,
      code,
      rules,
      updatedBy: actor.id,
      updatedAt: this.clock.now(),
    });
  }

  private async provinceView(manager: EntityManager, provinceCode: string): Promise<PolicyView> {
    const record = await manager.findOneBy(BroadcastPolicyRecord, {
      scope: 'province',
      code: provinceCode,
    });
    const effective = await this.checks.forProvince(manager, provinceCode);
    const violations: PolicyBreach[] = [];
    for (const communeCode of await this.communesWithLogs(manager, provinceCode)) {
      violations.push(...(await this.checks.breaches(manager, communeCode, this.clock.now())));
    }
    return {
      scope: 'province',
      code: provinceCode,
      policy: withoutSources(effective),
      sources: effective.sources,
      own: record?.rules ?? {},
      inherited: this.config.policyDefaults,
      nightHours: NIGHT_HOURS,
      updatedAt: record ? formatLocalInstant(record.updatedAt) : null,
      violations,
    };
  }

  private async communeView(manager: EntityManager, communeCode: string): Promise<PolicyView> {
    const commune = this.geo.commune(communeCode);
    const record = await manager.findOneBy(BroadcastPolicyRecord, {
      scope: 'commune',
      code: communeCode,
    });
    const effective = await this.checks.forCommune(manager, communeCode);
    const inherited = withoutSources(await this.checks.forProvince(manager, commune.provinceCode));
    return {
      scope: 'commune',
      code: communeCode,
      policy: withoutSources(effective),
      sources: effective.sources,
      own: record?.rules ?? {},
      inherited,
      nightHours: NIGHT_HOURS,
      updatedAt: record ? formatLocalInstant(record.updatedAt) : null,
      violations: await this.checks.breaches(manager, communeCode, this.clock.now()),
    };
  }

  /** The province's communes that have windows or future items: the others break nothing. */
  private async communesWithLogs(manager: EntityManager, provinceCode: string): Promise<string[]> {
    const codes = this.geo.communesOf(provinceCode).map((commune) => commune.code);
    const found = new Set<string>();
    for (let index = 0; index < codes.length; index += 500) {
      const chunk = codes.slice(index, index + 500);
      const windows = await manager
        .createQueryBuilder(BroadcastWindow, 'window')
        .select('DISTINCT window.communeCode', 'code')
        .where({ communeCode: In(chunk) })
        .getRawMany<{ code: string }>();
      const items = await manager
        .createQueryBuilder(ScheduleItem, 'item')
        .select('DISTINCT item.communeCode', 'code')
        .where({ communeCode: In(chunk) })
        .andWhere('item.status IN (:...open)', { open: OPEN_ITEM_STATUSES })
        .andWhere('item.startsAt > :now', { now: toInstant(this.clock.now()) })
        .getRawMany<{ code: string }>();
      for (const row of [...windows, ...items]) found.add(row.code);
    }
    return [...found].sort();
  }
}

function withoutSources(policy: EffectivePolicy): BroadcastPolicy {
  const { quietHours, maxSessionMinutes, maxDailyMinutes, unattendedRelaysAtNight } = policy;
  return { quietHours, maxSessionMinutes, maxDailyMinutes, unattendedRelaysAtNight };
}

/** The body as stored: only the fields given; `quietHours` checked beyond its pattern. */
function overridesOf(input: PutPolicyDto): PolicyOverrides {
  const rules: PolicyOverrides = {};
  for (const field of POLICY_FIELDS) {
    if (input[field] === undefined) continue;
    if (field === 'quietHours') {
      const hours = input.quietHours
        ? { from: input.quietHours.from, to: input.quietHours.to }
        : null;
      const problem = hours ? quietHoursProblem(hours) : null;
      if (problem) throw new DomainError('VALIDATION_FAILED', problem);
      rules.quietHours = hours;
    } else {
      (rules as Record<string, unknown>)[field] = input[field];
    }
  }
  return rules;
}

export { PolicyView } from './policy.view';
