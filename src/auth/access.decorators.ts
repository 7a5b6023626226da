import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { UserRole } from '../users/entities/user.entity';
import { AccessMode, AuthUser } from './auth-user';
import type { DeviceCaller } from './device-caller';

export const PUBLIC_KEY = 'loa-xa:public';
export const ROLES_KEY = 'loa-xa:roles';
export const COMMUNE_SCOPE_KEY = 'loa-xa:commune-scope';
export const PROVINCE_SCOPE_KEY = 'loa-xa:province-scope';

export const DEVICE_ROUTE_KEY = 'loa-xa:device-route';

/**
 * A route for devices (speaker clusters), not users: the AccessGuard leaves it to the device guard
 * set with it (src/fleet/device.guard.ts), which takes device API tokens and nothing else.
 */
export const DeviceRoute = (): MethodDecorator & ClassDecorator =>
  SetMetadata(DEVICE_ROUTE_KEY, true);

export const DEVICES_TOO_KEY = 'loa-xa:devices-too';

/**
 * A user route that devices may call too (the audio a cluster downloads): a device token
 * (`lxd_…`) is authenticated by the AccessGuard as a device (`request.device`, no `request.user`),
 * and the route decides what the device may read; any other token goes the users' way.
 */
export const DevicesToo = (): MethodDecorator & ClassDecorator =>
  SetMetadata(DEVICES_TOO_KEY, true);

/** No token needed (health, login, the calendar feed with its own secret). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route. */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

export interface CommuneScopeOptions {
  /** Route parameter holding the commune code. */
  param: string;
  /** Defaults to `read` for GET and HEAD, `write` otherwise. */
  mode?: AccessMode;
}

/** The route acts on one commune, named by a route parameter: the caller must have access to it. */
export const CommuneScope = (
  options: Partial<CommuneScopeOptions> = {},
): MethodDecorator & ClassDecorator =>
  SetMetadata(COMMUNE_SCOPE_KEY, { param: 'commune', ...options } satisfies CommuneScopeOptions);

export interface ProvinceScopeOptions {
  source: 'query' | 'params';
  name: string;
}

/** The route acts on one province, named by a query or route parameter. */
export const ProvinceScope = (
  options: Partial<ProvinceScopeOptions> = {},
): MethodDecorator & ClassDecorator =>
  SetMetadata(PROVINCE_SCOPE_KEY, {
    source: 'query',
    name: 'province',
    ...options,
  } satisfies ProvinceScopeOptions);

export interface AuthenticatedRequest extends Request {
  user?: AuthUser;
  /** Set instead of `user` when a device calls a `@DevicesToo()` route. */
  device?: DeviceCaller;
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.user) throw new Error('CurrentUser used on a public route');
    return request.user;
  },
);
