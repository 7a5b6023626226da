import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { reasonPhrase } from '../common/problem.filter';
import { TokenService } from '../auth/token.service';
import { UsersService } from '../users/users.service';

/** Where the dashboard lives, under the API prefix: /api/v1/admin/queues. */
export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';
/** The cookie a browser carries to the dashboard (its pages cannot send a bearer header). */
export const QUEUE_DASHBOARD_COOKIE = 'loa_xa_queues';

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function bearerToken(request: Pick<Request, 'headers'>): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? readCookie(request.headers.cookie, QUEUE_DASHBOARD_COOKIE);
}

function deny(response: Response, status: 401 | 403, message: string): void {
  response.status(status).json({
    statusCode: status,
    error: reasonPhrase(status),
    message,
    code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
  });
}

/**
 * Express middleware in front of bull-board's router (Nest middleware runs before the global
 * AccessGuard, so the guard cannot protect it): the same token check as the guard (signature,
 * expiry, active user, token version), from the bearer header or the dashboard cookie, and the
 * admin role. 401 without a valid token, 403 for anyone but an admin.
 */
export function adminOnly(
  tokens: TokenService,
  users: UsersService,
  what = 'the queues',
): RequestHandler {
  const check = async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const token = bearerToken(request);
    if (!token) return deny(response, 401, 'Missing bearer token');
    const payload = await tokens.verify(token);
    if (!payload) return deny(response, 401, 'Invalid or expired token');
    const user = await users.findActive(payload.sub);
    if (!user || user.tokenVersion !== payload.ver)
      return deny(response, 401, 'Token no longer valid');
    if (user.role !== 'admin') return deny(response, 403, `Role ${user.role} may not see ${what}`);
    next();
  };
  return (request, response, next) => {
    check(request, response, next).catch(next);
  };
}
