import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../../auth/audit.service';
import { AuthUser } from '../../../auth/auth-user';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/domain-error';
import { addDays, localDateOf } from '../../../common/local-time';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { Db } from '../../../database/db.service';
import { loadSealingKey, openPassword, sealPassword } from '../../official/signing/password-box';
import { StatsPushDelivery } from '../entities/stats-push-delivery.entity';
import { StatsPushTarget } from '../entities/stats-push-target.entity';
import { idempotencyKey } from './stats-push-signature';
import { StatsPushTargetView, StatsPushState } from './stats-push.view';
import { StatsPushDeliveryView } from './stats-push.view';

/** Deliveries shown by the status route. */
const SHOWN_DELIVERIES = 100;

function targetView(row: StatsPushTarget): StatsPushTargetView {
  return {
    provinceCode: row.provinceCode,
    url: row.url,
    startsOn: row.startsOn,
    secretSet: true,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function deliveryView(row: StatsPushDelivery): StatsPushDeliveryView {
  return {
    date: row.localDate,
    revision: row.revision,
    idempotencyKey: idempotencyKey(row.provinceCode, row.localDate, row.revision),
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Where each province's statistics are pushed (admins set it; the secret is kept sealed with the
 * key of SIGNING_KEY_FILE and never served) and how the deliveries went.
 */
@Injectable()
export class StatsPushTargetsService {
  private key: Promise<Buffer> | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sets the province's target; without `startsOn`, pushing starts with the last finished day. */
  async configure(
    provinceCode: string,
    body: { url: string; secret: string; startsOn?: string },
    actor: AuthUser,
  ): Promise<StatsPushTargetView> {
    const now = this.clock.now();
    const existing = await this.db.manager.findOneBy(StatsPushTarget, { provinceCode });
    const row: StatsPushTarget = {
      provinceCode,
      url: body.url,
      secretCipher: sealPassword(body.secret, await this.sealingKey()),
      startsOn: body.startsOn ?? existing?.startsOn ?? addDays(localDateOf(now), -1),
      updatedBy: actor.id,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.db.write(async (manager) => {
      await manager.upsert(StatsPushTarget, row, ['provinceCode']);
      await this.audit.record(
        {
          action: 'reports.stats-push.configured',
          actor,
          targetType: 'stats_push_target',
          targetId: provinceCode,
          provinceCode,
          detail: { url: row.url, startsOn: row.startsOn },
        },
        manager,
      );
    });
    return targetView(row);
  }

  async remove(provinceCode: string, actor: AuthUser): Promise<void> {
    await this.db.write(async (manager) => {
      const deleted = await manager.delete(StatsPushTarget, { provinceCode });
      if (!deleted.affected) {
        throw new DomainError(
          'STATS_PUSH_NOT_CONFIGURED',
          `Province ${provinceCode} has no statistics push target`,
        );
      }
      await this.audit.record(
        {
          action: 'reports.stats-push.removed',
          actor,
          targetType: 'stats_push_target',
          targetId: provinceCode,
          provinceCode,
        },
        manager,
      );
    });
  }

  async state(provinceCode: string): Promise<StatsPushState> {
    const target = await this.db.manager.findOneBy(StatsPushTarget, { provinceCode });
    const deliveries = await this.db.manager.find(StatsPushDelivery, {
      where: { provinceCode },
      order: { localDate: 'DESC', revision: 'DESC' },
      take: SHOWN_DELIVERIES,
    });
    return {
      provinceCode,
      target: target ? targetView(target) : null,
      deliveries: deliveries.map(deliveryView),
    };
  }

  targets(): Promise<StatsPushTarget[]> {
    return this.db.manager.find(StatsPushTarget, { order: { provinceCode: 'ASC' } });
  }

  async secretOf(target: StatsPushTarget): Promise<string> {
    return openPassword(target.secretCipher, await this.sealingKey());
  }

  private sealingKey(): Promise<Buffer> {
    this.key ??= loadSealingKey(this.config.reports.signingKeyFile);
    return this.key;
  }
}

export { StatsPushTargetView, StatsPushState } from './stats-push.view';

export { StatsPushDeliveryView } from './stats-push.view';
