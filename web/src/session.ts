import type { User } from './types.js';

/**
 * The signed-in user's token. Kept in sessionStorage: it survives a reload of the tab but not
 * closing it, is not shared with other tabs, and (unlike a cookie) is never sent by the browser on
 * its own, so no other site can make requests with it. What could read it is script running in
 * the page, which the Content-Security-Policy limits to this service's own files.
 */
export interface Session {
  accessToken: string;
  /** When the token runs out, on this computer's clock (see `localDeadline`). */
  expiresAt: string;
  user: User;
}

function tokenLifetimeMs(token: string): number | null {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const payload = JSON.parse(json) as { iat?: unknown; exp?: unknown };
    if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') return null;
    return (payload.exp - payload.iat) * 1000;
  } catch {
    return null;
  }
}

/**
 * When the token runs out on this computer's clock. An office PC's clock may be hours off the
 * server's, so the deadline is now plus the token's lifetime (its `exp − iat`), not the server's
 * `expiresAt` read on a wrong clock; that is the fallback for a token without those claims.
 */
export function localDeadline(token: string, serverExpiresAt: string): string {
  const lifetime = tokenLifetimeMs(token);
  return lifetime !== null && lifetime > 0
    ? new Date(Date.now() + lifetime).toISOString()
    : serverExpiresAt;
}

const KEY = 'loa-xa.session';

/** `reason`: why the API refused the token (its problem's `reason`), absent when it ran out. */
type ExpiryListener = (reason?: string) => void;

let current: Session | null = null;
let expiryTimer: number | undefined;
let onExpiry: ExpiryListener = () => undefined;

function isSession(value: unknown): value is Session {
  const candidate = value as Partial<Session> | null;
  return (
    typeof candidate?.accessToken === 'string' &&
    typeof candidate.expiresAt === 'string' &&
    typeof candidate.user?.role === 'string'
  );
}

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function armTimer(session: Session): void {
  window.clearTimeout(expiryTimer);
  const remaining = Date.parse(session.expiresAt) - Date.now();
  // setTimeout holds at most ~24.8 days; tokens live hours.
  expiryTimer = window.setTimeout(() => expire(), Math.max(0, Math.min(remaining, 2 ** 31 - 1)));
}

/** Called once at start: what to do when the token runs out (show the login page). */
export function onSessionExpired(listener: ExpiryListener): void {
  onExpiry = listener;
}

export function session(): Session | null {
  if (current && Date.parse(current.expiresAt) <= Date.now()) {
    expire();
    return null;
  }
  return current;
}

export function restoreSession(): Session | null {
  const stored = read();
  if (stored && Date.parse(stored.expiresAt) > Date.now()) {
    current = stored;
    armTimer(stored);
    return stored;
  }
  sessionStorage.removeItem(KEY);
  return null;
}

export function startSession(next: Session): void {
  current = next;
  sessionStorage.setItem(KEY, JSON.stringify(next));
  armTimer(next);
}

export function endSession(): void {
  current = null;
  window.clearTimeout(expiryTimer);
  sessionStorage.removeItem(KEY);
}

/** The token ran out or the API refused it: forget it and let the app show the login page. */
export function expire(reason?: string): void {
  const hadSession = current !== null;
  endSession();
  if (hadSession) onExpiry(reason);
}
