import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthenticatedRequest } from '../auth/access.decorators';
import { canAccessCommune } from '../auth/auth-user';
import { TokenService } from '../auth/token.service';
import { DomainError } from '../common/domain-error';
import { GeoService } from '../geo/geo.service';
import { UsersService } from '../users/users.service';
import { CalendarTokenService } from './calendar-token.service';

/**
 * The calendar feed is read by phone calendars that cannot log in: it accepts the commune's
 * secret `?token=` link, or else a bearer token with read access to the commune. (The route is
 * `@Public()` for the global guard, which knows bearer tokens only.)
 */
@Injectable()
export class CalendarFeedGuard implements CanActivate {
  constructor(
    private readonly calendarTokens: CalendarTokenService,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly geo: GeoService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const code = String(request.params.commune ?? '');
    if (!/^\d{5}$/.test(code)) {
      throw new DomainError('VALIDATION_FAILED', `Commune code must be 5 digits, got "${code}"`);
    }
    const commune = this.geo.commune(code);
    const token = request.query.token;
    if (typeof token === 'string' && token !== '') {
      if (await this.calendarTokens.verify(code, token)) return true;
      throw new DomainError('UNAUTHENTICATED', 'This calendar link is not valid or was revoked');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      throw new DomainError('UNAUTHENTICATED', 'Missing bearer token or calendar link token');
    }
    const payload = await this.tokens.verify(match[1]);
    const user = payload ? await this.users.findActive(payload.sub) : null;
    if (!payload || !user || user.tokenVersion !== payload.ver) {
      throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token');
    }
    const authUser = {
      id: user.id,
      username: user.username,
      role: user.role,
      communeCode: user.communeCode,
      provinceCode: user.provinceCode,
    };
    if (!canAccessCommune(authUser, commune, 'read')) {
      throw new DomainError('FORBIDDEN', `No read access to commune ${code}`);
    }
    request.user = authUser;
    return true;
  }
}
