import { BroadcastPolicy, quietHoursProblem } from '../../schedule/broadcast-policy';
import { isZoneCode } from './identity';
import { isId, isInstant, isObject, Parsed } from './payloads';

/** TT 39 priorities, as a bulletin carries them. */
export const MANIFEST_PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export type ManifestPriority = (typeof MANIFEST_PRIORITIES)[number];

/** The audio of a manifest item: `sha256` and `bytes` are those of the exact bytes `url` serves. */
export interface ManifestAudio {
  id: string;
  sha256: string;
  bytes: number;
  /** Path on the server (`/api/v1/audio/<id>/content`), with `Range`; its ETag is `"<sha256>"`. */
  url: string;
}

/**
 * The manifest version a device asks for (`?protocol=2`) and the server answers with. Version 1
 * (no parameter) carries bulletins only; version 2 adds relay items.
 */
export const MANIFEST_PROTOCOL = 2;

/** A relay (tiếp âm) of a stream source, from protocol 2 on. */
export interface ManifestRelay {
  /** The source's name, for people (`VOV1`). */
  sourceName: string;
  /** Stream URLs (HTTP/Icecast or HLS), the primary first, then the backups in failover order. */
  urls: string[];
  /** The source's fallback bulletin, whose audio is the item's `audio`; null: none (silence). */
  fallbackBulletinId: string | null;
}

/** One item a device is to play. */
export interface ManifestItem {
  scheduleItemId: string;
  startsAt: string;
  durationMs: number;
  /** The item's zones; null: every device of the commune. */
  zones: string[] | null;
  priority: ManifestPriority;
  /** Absent (protocol 1) or `bulletin`: `audio` is played; `relay`: `relay` is, see there. */
  kind?: 'bulletin' | 'relay';
  /** A bulletin's audio; for a relay, its fallback bulletin's audio, or null when it has none. */
  audio: ManifestAudio | null;
  relay?: ManifestRelay;
}

/**
 * `GET /api/v1/devices/<deviceId>/manifest`: the device's items from now to `horizonUntil`
 * (DEVICE_MANIFEST_HOURS ahead), in start order. Instants in UTC with milliseconds.
 */
export interface Manifest {
  /** 2 when the server answered a `?protocol=2` request; absent: protocol 1. */
  protocol?: number;
  generatedAt: string;
  horizonUntil: string;
  items: ManifestItem[];
  /**
   * The commune's broadcast policy in force: the device refuses an item that breaks it (receipt
   * `missed`, the rule in `reason`), whatever the manifest says. Absent from older servers.
   */
  policy?: BroadcastPolicy;
}

export function manifestPath(deviceId: string, protocol?: number): string {
  const path = `/api/v1/devices/${deviceId}/manifest`;
  return protocol === undefined ? path : `${path}?protocol=${protocol}`;
}

/** Relay URLs a manifest may carry. */
export const MAX_RELAY_URLS = 5;

export function audioContentPath(audioId: string): string {
  return `/api/v1/audio/${audioId}/content`;
}

function itemProblem(item: unknown): string | null {
  if (!isObject(item)) return 'an item is not an object';
  if (!isId(item.scheduleItemId)) return 'scheduleItemId must be an id';
  if (!isInstant(item.startsAt)) return 'startsAt must be an ISO 8601 instant';
  if (!Number.isInteger(item.durationMs) || (item.durationMs as number) <= 0) {
    return 'durationMs must be a positive integer';
  }
  if (item.zones !== null && !(Array.isArray(item.zones) && item.zones.every(isZoneCode))) {
    return 'zones must be null or a list of zone codes';
  }
  if (!MANIFEST_PRIORITIES.includes(item.priority as ManifestPriority)) {
    return `priority must be one of ${MANIFEST_PRIORITIES.join(', ')}`;
  }
  if (item.kind !== undefined && item.kind !== 'bulletin' && item.kind !== 'relay') {
    return 'kind must be bulletin or relay';
  }
  if (item.kind === 'relay') {
    const problem = relayProblem(item.relay);
    if (problem) return problem;
    if (item.audio === null) return null;
  }
  return audioProblem(item.audio);
}

function relayProblem(relay: unknown): string | null {
  if (!isObject(relay)) return 'relay must be an object';
  if (typeof relay.sourceName !== 'string' || relay.sourceName.length === 0) {
    return 'relay.sourceName must be a non-empty string';
  }
  const urls = relay.urls;
  if (!Array.isArray(urls) || urls.length === 0 || urls.length > MAX_RELAY_URLS) {
    return `relay.urls must hold 1 to ${MAX_RELAY_URLS} URLs`;
  }
  if (!urls.every((url) => typeof url === 'string' && /^https?:\/\//.test(url))) {
    return 'relay.urls must be http or https URLs';
  }
  if (relay.fallbackBulletinId !== null && !isId(relay.fallbackBulletinId)) {
    return 'relay.fallbackBulletinId must be null or an id';
  }
  return null;
}

function audioProblem(audio: unknown): string | null {
  if (!isObject(audio) || !isId(audio.id)) return 'audio.id must be an id';
  if (typeof audio.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(audio.sha256)) {
    return 'audio.sha256 must be 64 lower-case hex digits';
  }
  if (!Number.isInteger(audio.bytes) || (audio.bytes as number) <= 0) {
    return 'audio.bytes must be a positive integer';
  }
  if (typeof audio.url !== 'string' || !audio.url.startsWith('/')) {
    return 'audio.url must be a path on the server';
  }
  return null;
}

function policyProblem(policy: unknown): string | null {
  if (!isObject(policy)) return 'policy must be an object';
  const quiet = policy.quietHours;
  if (quiet !== null) {
    if (!isObject(quiet) || typeof quiet.from !== 'string' || typeof quiet.to !== 'string') {
      return 'policy.quietHours must be null or {from, to}';
    }
    const problem = quietHoursProblem({ from: quiet.from, to: quiet.to });
    if (problem) return `policy.${problem}`;
  }
  for (const field of ['maxSessionMinutes', 'maxDailyMinutes'] as const) {
    const value = policy[field];
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1440) {
      return `policy.${field} must be an integer from 1 to 1440`;
    }
  }
  if (typeof policy.unattendedRelaysAtNight !== 'boolean') {
    return 'policy.unattendedRelaysAtNight must be a boolean';
  }
  return null;
}

/** A manifest as the device received it (parsed JSON) → the typed manifest, or the problem. */
export function parseManifest(value: unknown): Parsed<Manifest> {
  if (!isObject(value)) return { ok: false, error: 'a manifest is a JSON object' };
  if (!isInstant(value.generatedAt) || !isInstant(value.horizonUntil)) {
    return { ok: false, error: 'generatedAt and horizonUntil must be ISO 8601 instants' };
  }
  if (!Array.isArray(value.items)) return { ok: false, error: 'items must be a list' };
  if (value.policy !== undefined) {
    const problem = policyProblem(value.policy);
    if (problem) return { ok: false, error: problem };
  }
  for (const [index, item] of value.items.entries()) {
    const problem = itemProblem(item);
    if (problem) return { ok: false, error: `items[${index}]: ${problem}` };
  }
  return { ok: true, value: value as unknown as Manifest };
}
