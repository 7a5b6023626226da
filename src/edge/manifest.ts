import { isIsoInstant } from '../common/local-time';
import type { Parsed } from '../fleet/protocol';

/** `GET /api/v1/devices/:id/manifest` (docs/device-protocol.md). */
export interface Manifest {
  generatedAt: string;
  horizonUntil: string;
  items: ManifestItem[];
}

export interface ManifestItem {
  scheduleItemId: string;
  startsAt: string;
  durationMs: number;
  zones: string[] | null;
  priority: string;
  audio: { id: string; sha256: string; bytes: number; url: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function itemProblem(raw: unknown): string | null {
  if (!isObject(raw)) return 'an item is not an object';
  if (typeof raw.scheduleItemId !== 'string' || raw.scheduleItemId === '') {
    return 'an item has no scheduleItemId';
  }
  if (!isIsoInstant(raw.startsAt)) return `item ${raw.scheduleItemId}: startsAt is not an instant`;
  if (!isCount(raw.durationMs)) return `item ${raw.scheduleItemId}: durationMs is not a count`;
  if (raw.zones !== undefined && raw.zones !== null && !Array.isArray(raw.zones)) {
    return `item ${raw.scheduleItemId}: zones must be a list or null`;
  }
  const audio = raw.audio;
  if (
    !isObject(audio) ||
    typeof audio.id !== 'string' ||
    !/^[0-9a-zA-Z-]{1,64}$/.test(audio.id) ||
    typeof audio.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(audio.sha256) ||
    !isCount(audio.bytes) ||
    typeof audio.url !== 'string' ||
    !audio.url.startsWith('/')
  ) {
    return `item ${raw.scheduleItemId}: audio must be {id, sha256, bytes, url (a path)}`;
  }
  return null;
}

/** The manifest as the server sent it, or the first problem (the local one is kept then). */
export function parseManifest(raw: unknown): Parsed<Manifest> {
  if (!isObject(raw)) return { ok: false, error: 'manifest is not a JSON object' };
  if (!isIsoInstant(raw.generatedAt) || !isIsoInstant(raw.horizonUntil)) {
    return { ok: false, error: 'generatedAt and horizonUntil must be instants' };
  }
  if (!Array.isArray(raw.items)) return { ok: false, error: 'items must be a list' };
  for (const item of raw.items) {
    const problem = itemProblem(item);
    if (problem) return { ok: false, error: problem };
  }
  const items = (raw.items as Record<string, unknown>[]).map((item): ManifestItem => ({
    scheduleItemId: item.scheduleItemId as string,
    startsAt: item.startsAt as string,
    durationMs: item.durationMs as number,
    zones: (item.zones as string[] | null | undefined) ?? null,
    priority: typeof item.priority === 'string' ? item.priority : 'normal',
    audio: item.audio as ManifestItem['audio'],
  }));
  return {
    ok: true,
    value: { generatedAt: raw.generatedAt, horizonUntil: raw.horizonUntil, items },
  };
}

/**
 * End of the span from `nowMs` for which every item's audio is cached and verified: the start
 * of the first item (not yet ended) whose audio is not, else the manifest's horizon.
 */
export function cachedUntil(
  items: readonly { startsAt: number; durationMs: number; audio: { id: string } }[],
  verified: ReadonlySet<string>,
  horizonUntil: string | null,
  nowMs: number,
): string | null {
  if (horizonUntil === null) return null;
  for (const item of items) {
    if (item.startsAt + item.durationMs <= nowMs) continue;
    if (!verified.has(item.audio.id)) return new Date(Math.max(item.startsAt, nowMs)).toISOString();
  }
  return new Date(Date.parse(horizonUntil)).toISOString();
}
