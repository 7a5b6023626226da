import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import {
  COMMUNE_SCOPE_KEY,
  CommuneScopeOptions,
  PROVINCE_SCOPE_KEY,
  ProvinceScopeOptions,
  PUBLIC_KEY,
  ROLES_KEY,
} from '../../src/auth/access.decorators';
import { UserRole } from '../../src/users/entities/user.entity';
import { TestApp } from './test-app';

export interface RouteInfo {
  method: string;
  /** Full path with `:params`, e.g. `/api/v1/communes/:commune/schedule`. */
  path: string;
  isPublic: boolean;
  roles?: UserRole[];
  communeScope?: CommuneScopeOptions;
  provinceScope?: ProvinceScopeOptions;
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/')}`;
}

/** Every HTTP route of the running app with its access metadata, read from the controllers. */
export function listRoutes(app: TestApp, prefix = 'api/v1'): RouteInfo[] {
  const discovery = app.app.get(DiscoveryService);
  const reflector = app.app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
    if (!controller) continue;
    const base =
      (Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined) ?? '';
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
      const targets = [handler, controller];
      for (const basePath of [base].flat()) {
        for (const path of paths) {
          routes.push({
            method: RequestMethod[method],
            path: joinPath(prefix, basePath, path),
            isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false,
            roles: reflector.getAllAndOverride<UserRole[]>(ROLES_KEY, targets),
            communeScope: reflector.getAllAndOverride<CommuneScopeOptions>(
              COMMUNE_SCOPE_KEY,
              targets,
            ),
            provinceScope: reflector.getAllAndOverride<ProvinceScopeOptions>(
              PROVINCE_SCOPE_KEY,
              targets,
            ),
          });
        }
      }
    }
  }
  return routes;
}

/** Fills `:params` of a path: the commune and province from `values`, anything else with a fixed uuid. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(
    /:(\w+)/g,
    (_match, name: string) => values[name] ?? '00000000-0000-4000-8000-000000000000',
  );
}
