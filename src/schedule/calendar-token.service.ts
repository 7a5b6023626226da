import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatLocalInstant } from '../common/local-time';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { CommuneSchedule } from './entities/commune-schedule.entity';
import { ProgramLogRepository } from './program-log.repository';
import { CalendarTokenStatus, CalendarLink } from './calendar-token.view';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The secret link that lets a phone calendar subscribe to a commune's program log without a
 * login. Only a hash is stored; rotating replaces the link, revoking ends it.
 */
@Injectable()
export class CalendarTokenService {
  constructor(
    private readonly db: Db,
    private readonly programLog: ProgramLogRepository,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async status(communeCode: string): Promise<CalendarTokenStatus> {
    this.geo.commune(communeCode);
    const row = await this.db.manager.findOneBy(CommuneSchedule, { communeCode });
    return {
      communeCode,
      active: Boolean(row?.icsTokenHash),
      createdAt: row?.icsTokenCreatedAt ? formatLocalInstant(row.icsTokenCreatedAt) : null,
    };
  }

  /** A new link; the previous one stops working. */
  async rotate(communeCode: string, actor: AuthUser): Promise<CalendarLink> {
    this.geo.commune(communeCode);
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.db.write(async (manager) => {
      await this.programLog.lock(manager, communeCode, now);
      await manager.update(
        CommuneSchedule,
        { communeCode },
        { icsTokenHash: hashToken(token), icsTokenCreatedAt: now },
      );
      await this.audit.record(
        {
          action: 'ics.token.rotated',
          actor,
          targetType: 'calendar',
          targetId: communeCode,
          communeCode,
        },
        manager,
      );
    });
    return {
      communeCode,
      active: true,
      createdAt: formatLocalInstant(now),
      token,
      path: `/api/v1/communes/${communeCode}/schedule.ics?token=${token}`,
    };
  }

  async revoke(communeCode: string, actor: AuthUser): Promise<void> {
    this.geo.commune(communeCode);
    await this.db.write(async (manager) => {
      const row = await manager.findOneBy(CommuneSchedule, { communeCode });
      if (!row?.icsTokenHash) {
        throw new DomainError(
          'ICS_TOKEN_NOT_FOUND',
          `Commune ${communeCode} has no calendar link`,
          {
            communeCode,
          },
        );
      }
      await manager.update(
        CommuneSchedule,
        { communeCode },
        { icsTokenHash: null, icsTokenCreatedAt: null },
      );
      await this.audit.record(
        {
          action: 'ics.token.revoked',
          actor,
          targetType: 'calendar',
          targetId: communeCode,
          communeCode,
        },
        manager,
      );
    });
  }

  /** True when `token` is the commune's current calendar token (compared in constant time). */
  async verify(communeCode: string, token: string): Promise<boolean> {
    const row = await this.db.manager.findOneBy(CommuneSchedule, { communeCode });
    if (!row?.icsTokenHash) return false;
    const expected = Buffer.from(row.icsTokenHash, 'hex');
    const actual = Buffer.from(hashToken(token), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

export { CalendarTokenStatus, CalendarLink } from './calendar-token.view';
