import type { User } from './types.js';

/**
 * The signed-in user's token. Kept in sessionStorage: it survives a reload of the tab but not
 * closing it, is not shared with other tabs, and (unlike a cookie) is never sent by the browser on
 * its own, so no other site can make requests with it. What could read it is script running in
 * the page, which the Content-Security-Policy limits to this service's own files.
 */
export interface Session {
  accessToken: string;
  /** ISO instant after which the API refuses the token. */
  expiresAt: string;
  user: User;
}

const KEY = 'loa-xa.session';

type ExpiryListener = () => void;

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
export function expire(): void {
  const hadSession = current !== null;
  endSession();
  if (hadSession) onExpiry();
}
