import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DEVICE_ROUTE_KEY } from '../auth/access.decorators';
import { DomainError } from '../common/domain-error';
import { isJsonRequest, JSON_BODY_LIMIT_KEY, readJsonBody } from '../common/json-body';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DevicesService } from './devices.service';
import { Device } from './entities/device.entity';

export interface DeviceRequest extends Request {
  device?: Device;
}

/**
 * The guard of device routes (`@DeviceRoute()`): a device API token (`lxd_…`, stored hashed) and
 * nothing else; a user's JWT is refused here, as a device token is refused by the AccessGuard on
 * every other route. Like the AccessGuard, it reads a JSON body only once the caller is known.
 */
@Injectable()
export class DeviceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly devices: DevicesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (!this.reflector.getAllAndOverride<boolean>(DEVICE_ROUTE_KEY, targets)) {
      throw new Error('DeviceGuard on a route without @DeviceRoute()');
    }
    const request = context.switchToHttp().getRequest<DeviceRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new DomainError('UNAUTHENTICATED', 'Missing device token');
    const device = await this.devices.authenticateToken(match[1]);
    if (!device) throw new DomainError('UNAUTHENTICATED', 'Invalid device token');
    request.device = device;
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
}
