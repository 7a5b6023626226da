/**
 * Payloads of the device protocol and their validators. Every message is one JSON object in
 * UTF-8. The validators take the raw bytes (or a parsed value) and answer either the typed
 * payload or the first problem found, never throw.
 */

import { isPlainText, plainLine } from '../../common/text';

/** Devices connect with client id = deviceId and a keepalive of at most this many seconds. */
export const MAX_KEEPALIVE_SECONDS = 30;

export const DEVICE_STATES = ['online', 'playing', 'offline'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const POWER_STATES = ['on', 'off'] as const;
export type PowerState = (typeof POWER_STATES)[number];

export interface PlayingInfo {
  scheduleItemId: string;
  startedAt: string;
}

/** Device → server on `…/status`, retained. Only `status` is required (the Last Will has no more). */
export interface StatusMessage {
  status: DeviceState;
  /** The device's clock when it sent the message (ISO 8601). */
  ts?: string;
  /** End of the span for which every manifest item's audio is cached and verified (ISO 8601). */
  cachedUntil?: string | null;
  volume?: number;
  power?: PowerState;
  version?: string;
  /** The device's clock minus true time (NTP), in milliseconds. */
  clockSkewMs?: number;
  playing?: PlayingInfo | null;
}

/** The Last Will every device sets on its status topic, retained. */
export const LAST_WILL: StatusMessage = { status: 'offline' };

export const COMMAND_TYPES = [
  'sync',
  'volume',
  'power',
  'play-emergency',
  'stop',
  'play-live',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/**
 * Commands people send through the API (`POST …/devices/:id/commands`). `play-live` is the
 * service's own (a live session), and so is `play-emergency`: it goes out only with an emergency
 * (`POST …/schedule/emergency`, or a province's), which checks the bulletin, puts the item on the
 * log, records the delivery, gives the command its `endsAt` and sends it again to a box that
 * comes back while it is on air.
 */
export const OPERATOR_COMMAND_TYPES = [
  'sync',
  'volume',
  'power',
  'stop',
] as const satisfies readonly CommandType[];
export type OperatorCommandType = (typeof OPERATOR_COMMAND_TYPES)[number];

/** The live stream path of a device: `url` of a `play-live`, with the device's token. */
export function liveStreamPath(deviceId: string, sessionId: string): string {
  return `/api/v1/devices/${deviceId}/live/${sessionId}`;
}

/** Server → device on `…/cmd`, QoS 1. */
export type CommandMessage =
  | { id: string; type: 'sync' }
  | { id: string; type: 'stop' }
  | { id: string; type: 'volume'; volume: number }
  | { id: string; type: 'power'; power: PowerState }
  | {
      id: string;
      type: 'play-emergency';
      scheduleItemId: string;
      /**
       * When the emergency's item ends (ISO 8601). A device that gets the command later (it was
       * offline and its broker session kept the command) refuses it: `{ok: false, error: "expired"}`.
       */
      endsAt?: string;
    }
  | {
      id: string;
      type: 'play-live';
      /** The live item on the program log; the device's receipt names it. */
      scheduleItemId: string;
      /** Path on the server (`/api/v1/devices/<id>/live/<sessionId>`): MP3, as it is spoken. */
      url: string;
      /** When the speaker began (ISO 8601); the device plays from where the stream is now. */
      startsAt: string;
    };

/** A command without its id: what a caller asks for. */
export type CommandRequest = CommandMessage extends infer C
  ? C extends { id: string }
    ? Omit<C, 'id'>
    : never
  : never;

/** Device → server on `…/ack`: the result of one command. */
export interface AckMessage {
  id: string;
  ok: boolean;
  error?: string;
  /** For a `play-emergency` that succeeded: when the device started playing it (ISO 8601). */
  startedAt?: string;
}

/** The error a device answers to a `play-emergency` whose `endsAt` has passed. */
export const EMERGENCY_EXPIRED_ERROR = 'expired';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_ID_LENGTH = 64;
const MAX_TEXT_LENGTH = 500;

/** An ISO 8601 instant with its offset (`Z` or `±hh:mm`). */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isVolume(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100;
}

/** Bytes (or a string) are decoded as JSON; anything else is taken as already parsed. */
function decodeOrTake(payload: unknown): Parsed<unknown> {
  return typeof payload === 'string' || Buffer.isBuffer(payload)
    ? decodeJson(payload)
    : { ok: true, value: payload };
}

/** Bytes of a message → a JSON object, or the problem. */
export function decodeJson(payload: Buffer | string): Parsed<unknown> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > MAX_MESSAGE_BYTES)
    return { ok: false, error: `message over ${MAX_MESSAGE_BYTES} bytes` };
  try {
    return { ok: true, value: JSON.parse(payload.toString()) as unknown };
  } catch {
    return { ok: false, error: 'not JSON' };
  }
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

export function parseStatus(payload: unknown): Parsed<StatusMessage> {
  const decoded = decodeOrTake(payload);
  if (!decoded.ok) return decoded;
  const raw = decoded.value;
  if (!isObject(raw)) return fail('status must be a JSON object');
  if (!(DEVICE_STATES as readonly unknown[]).includes(raw.status)) {
    return fail(`status must be one of ${DEVICE_STATES.join(', ')}`);
  }
  const status: StatusMessage = { status: raw.status as DeviceState };
  if (raw.ts !== undefined) {
    if (!isInstant(raw.ts)) return fail('ts must be an ISO 8601 instant');
    status.ts = raw.ts;
  }
  if (raw.cachedUntil !== undefined) {
    if (raw.cachedUntil !== null && !isInstant(raw.cachedUntil)) {
      return fail('cachedUntil must be an ISO 8601 instant or null');
    }
    status.cachedUntil = raw.cachedUntil;
  }
  if (raw.volume !== undefined) {
    if (!isVolume(raw.volume)) return fail('volume must be an integer from 0 to 100');
    status.volume = raw.volume;
  }
  if (raw.power !== undefined) {
    if (!(POWER_STATES as readonly unknown[]).includes(raw.power))
      return fail('power must be on or off');
    status.power = raw.power as PowerState;
  }
  if (raw.version !== undefined) {
    if (typeof raw.version !== 'string' || raw.version.length > 64 || !isPlainText(raw.version)) {
      return fail(
        'version must be one line of at most 64 characters, without control characters or bidirectional controls',
      );
    }
    status.version = raw.version;
  }
  if (raw.clockSkewMs !== undefined) {
    if (
      typeof raw.clockSkewMs !== 'number' ||
      !Number.isInteger(raw.clockSkewMs) ||
      Math.abs(raw.clockSkewMs) > 10 * 365 * 86400 * 1000
    ) {
      return fail('clockSkewMs must be an integer number of milliseconds');
    }
    status.clockSkewMs = raw.clockSkewMs;
  }
  if (raw.playing !== undefined) {
    if (raw.playing === null) status.playing = null;
    else if (
      !isObject(raw.playing) ||
      !isId(raw.playing.scheduleItemId) ||
      !isInstant(raw.playing.startedAt)
    ) {
      return fail('playing must be null or {scheduleItemId, startedAt}');
    } else {
      status.playing = {
        scheduleItemId: raw.playing.scheduleItemId,
        startedAt: raw.playing.startedAt,
      };
    }
  }
  return { ok: true, value: status };
}

export function parseCommand(payload: unknown): Parsed<CommandMessage> {
  const decoded = decodeOrTake(payload);
  if (!decoded.ok) return decoded;
  const raw = decoded.value;
  if (!isObject(raw)) return fail('command must be a JSON object');
  if (!isId(raw.id)) return fail('command id must be a non-empty string');
  const request = parseCommandRequest(raw);
  if (!request.ok) return request;
  return { ok: true, value: { id: raw.id, ...request.value } };
}

/** A command as a caller asks for it (no id yet): `{type, …}` with the type's own fields only. */
export function parseCommandRequest(raw: unknown): Parsed<CommandRequest> {
  if (!isObject(raw)) return fail('command must be a JSON object');
  switch (raw.type) {
    case 'sync':
    case 'stop':
      return { ok: true, value: { type: raw.type } };
    case 'volume':
      if (!isVolume(raw.volume)) return fail('volume must be an integer from 0 to 100');
      return { ok: true, value: { type: 'volume', volume: raw.volume } };
    case 'power':
      if (!(POWER_STATES as readonly unknown[]).includes(raw.power)) {
        return fail('power must be on or off');
      }
      return { ok: true, value: { type: 'power', power: raw.power as PowerState } };
    case 'play-emergency': {
      if (!isId(raw.scheduleItemId)) return fail('scheduleItemId must be a non-empty string');
      const command: CommandRequest = {
        type: 'play-emergency',
        scheduleItemId: raw.scheduleItemId,
      };
      if (raw.endsAt !== undefined) {
        if (!isInstant(raw.endsAt)) return fail('endsAt must be an ISO 8601 instant');
        command.endsAt = raw.endsAt;
      }
      return { ok: true, value: command };
    }
    case 'play-live': {
      if (!isId(raw.scheduleItemId)) return fail('scheduleItemId must be a non-empty string');
      if (typeof raw.url !== 'string' || !raw.url.startsWith('/') || raw.url.length > 200) {
        return fail('url must be a path on the server');
      }
      if (!isInstant(raw.startsAt)) return fail('startsAt must be an ISO 8601 instant');
      return {
        ok: true,
        value: {
          type: 'play-live',
          scheduleItemId: raw.scheduleItemId,
          url: raw.url,
          startsAt: raw.startsAt,
        },
      };
    }
    default:
      return fail(`type must be one of ${COMMAND_TYPES.join(', ')}`);
  }
}

export function parseAck(payload: unknown): Parsed<AckMessage> {
  const decoded = decodeOrTake(payload);
  if (!decoded.ok) return decoded;
  const raw = decoded.value;
  if (!isObject(raw)) return fail('ack must be a JSON object');
  if (!isId(raw.id)) return fail('ack id must be a non-empty string');
  if (typeof raw.ok !== 'boolean') return fail('ok must be true or false');
  const ack: AckMessage = { id: raw.id, ok: raw.ok };
  if (raw.error !== undefined) {
    if (typeof raw.error !== 'string') return fail('error must be a string');
    ack.error = plainLine(raw.error).slice(0, MAX_TEXT_LENGTH);
  }
  if (raw.startedAt !== undefined) {
    if (!isInstant(raw.startedAt)) return fail('startedAt must be an ISO 8601 instant');
    ack.startedAt = raw.startedAt;
  }
  return { ok: true, value: ack };
}

/** The bytes of a message, as devices and the server send them. */
export function encodeMessage(message: StatusMessage | CommandMessage | AckMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
