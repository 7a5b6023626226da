import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/domain-error';
import { isJsonRequest, JSON_BODY_LIMIT_KEY, readJsonBody } from '../common/json-body';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { GeoService } from '../geo/geo.service';
import { UsersService } from '../users/users.service';
import { UserRole } from '../users/entities/user.entity';
import {
  API_KEY_ROUTE_KEY,
  AuthenticatedRequest,
  COMMUNE_SCOPE_KEY,
  CommuneScopeOptions,
  DEVICE_ROUTE_KEY,
  DEVICES_TOO_KEY,
  PROVINCE_SCOPE_KEY,
  ProvinceScopeOptions,
  PUBLIC_KEY,
  ROLES_KEY,
} from './access.decorators';
import { ApiKeysService } from './api-keys.service';
import { AuthUser, canAccessCommune, canAccessProvince } from './auth-user';
import { DEVICE_TOKEN_PREFIX, DeviceAuthenticator, DeviceCaller } from './device-caller';
import { TokenService } from './token.service';

/**
 * Runs on every route before anything reads the request body (the HTTP app has no body parser:
 * app.factory.ts), so access is decided first: public, or token → roles → commune or province
 * scope. Only then is a JSON body read, within the route's size limit (`@JsonBodyLimit`, else
 * HTTP_JSON_LIMIT_BYTES) and HTTP_JSON_MAX_DEPTH; later guards, interceptors and pipes see it as
 * `request.body`. Other bodies (multipart uploads, CSV) are read by their routes' interceptors.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
    private readonly geo: GeoService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly devices?: DeviceAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    // A device route: no user token reaches it; its own guard authenticates and reads the body.
    if (this.reflector.getAllAndOverride<boolean>(DEVICE_ROUTE_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (
      token?.startsWith(DEVICE_TOKEN_PREFIX) &&
      this.reflector.getAllAndOverride<boolean>(DEVICES_TOO_KEY, targets)
    ) {
      request.device = await this.authenticateDevice(token);
    } else if (!this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      await this.authorize(request, targets);
    }
    if (isJsonRequest(request)) {
      request.body = await readJsonBody(request, {
        limitBytes:
          this.reflector.getAllAndOverride<number | undefined>(JSON_BODY_LIMIT_KEY, targets) ??
          this.config.http.jsonLimitBytes,
        maxDepth: this.config.http.jsonMaxDepth,
      });
    }
    return true;
  }

  private async authorize(
    request: AuthenticatedRequest,
    targets: Parameters<Reflector['getAllAndOverride']>[1],
  ): Promise<void> {
    const user = this.reflector.getAllAndOverride<boolean>(API_KEY_ROUTE_KEY, targets)
      ? await this.authenticateKeyOrToken(request)
      : await this.authenticate(request);
    request.user = user;

    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw new DomainError('FORBIDDEN', `Role ${user.role} may not do this`);
    }

    const communeScope = this.reflector.getAllAndOverride<CommuneScopeOptions | undefined>(
      COMMUNE_SCOPE_KEY,
      targets,
    );
    if (communeScope) {
      const code = String(request.params[communeScope.param] ?? '');
      if (!/^\d{5}$/.test(code))
        throw new DomainError('VALIDATION_FAILED', `Commune code must be 5 digits, got "${code}"`);
      const commune = this.geo.commune(code);
      const mode =
        communeScope.mode ?? (['GET', 'HEAD'].includes(request.method) ? 'read' : 'write');
      if (!canAccessCommune(user, commune, mode)) {
        throw new DomainError('FORBIDDEN', `No ${mode} access to commune ${code}`);
      }
    }

    const provinceScope = this.reflector.getAllAndOverride<ProvinceScopeOptions | undefined>(
      PROVINCE_SCOPE_KEY,
      targets,
    );
    if (provinceScope) {
      const source = provinceScope.source === 'query' ? request.query : request.params;
      const value = source[provinceScope.name];
      if (typeof value !== 'string' || !/^\d{2}$/.test(value)) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `${provinceScope.name} must be a 2-digit province code`,
        );
      }
      this.geo.province(value);
      if (!canAccessProvince(user, value)) {
        throw new DomainError('FORBIDDEN', `No access to province ${value}`);
      }
    }
  }

  private async authenticateDevice(token: string): Promise<DeviceCaller> {
    const device = this.devices ? await this.devices.authenticateToken(token) : null;
    if (!device) throw new DomainError('UNAUTHENTICATED', 'Invalid device token');
    return device;
  }

  /** An `X-API-Key` when one is sent (the feed's consumers), else the bearer token. */
  private async authenticateKeyOrToken(request: AuthenticatedRequest): Promise<AuthUser> {
    const key = request.headers['x-api-key'];
    if (key === undefined) return this.authenticate(request);
    const principal = typeof key === 'string' ? await this.apiKeys.principal(key) : null;
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Unknown API key');
    return principal;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<AuthUser> {
    const token = bearerToken(request);
    if (!token) throw new DomainError('UNAUTHENTICATED', 'Missing bearer token');
    const payload = await this.tokens.verify(token);
    if (!payload) throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token');
    const user = await this.users.findActive(payload.sub);
    if (!user || user.tokenVersion !== payload.ver) {
      throw new DomainError('UNAUTHENTICATED', 'Token no longer valid', {
        reason: user ? 'credentials-changed' : await this.users.inactiveReason(payload.sub),
      });
    }
    const { tokenVersion: _, ...caller } = user;
    return caller;
  }
}

function bearerToken(request: AuthenticatedRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}
