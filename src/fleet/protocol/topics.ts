/**
 * MQTT topics of the device protocol (docs/device-protocol.md): every device has three, under
 * `loa-xa/<commune>/<deviceId>/`: `cmd` (server → device, QoS 1), `status` (device → server,
 * retained, also the Last Will's topic) and `ack` (device → server, answers to commands).
 */
export const TOPIC_ROOT = 'loa-xa';

export const TOPIC_KINDS = ['cmd', 'status', 'ack'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

export interface DeviceTopic {
  communeCode: string;
  deviceId: string;
  kind: TopicKind;
}

const COMMUNE_PATTERN = /^\d{5}$/;
/** Device ids are UUIDs (lower-case, as the server makes them). */
const DEVICE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isDeviceId(value: string): boolean {
  return DEVICE_ID_PATTERN.test(value);
}

/** `loa-xa/<commune>/<deviceId>/<kind>`. */
export function deviceTopic(communeCode: string, deviceId: string, kind: TopicKind): string {
  if (!COMMUNE_PATTERN.test(communeCode)) throw new Error(`Bad commune code "${communeCode}"`);
  if (!isDeviceId(deviceId)) throw new Error(`Bad device id "${deviceId}"`);
  return `${TOPIC_ROOT}/${communeCode}/${deviceId}/${kind}`;
}

/** The device topic a topic name is, or null for anything else (wildcards included). */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== TOPIC_ROOT) return null;
  const [, communeCode, deviceId, kind] = parts;
  if (!COMMUNE_PATTERN.test(communeCode) || !isDeviceId(deviceId)) return null;
  if (!(TOPIC_KINDS as readonly string[]).includes(kind)) return null;
  return { communeCode, deviceId, kind: kind as TopicKind };
}

/** The filter the server subscribes with to one kind of message of every device. */
export function allDevicesFilter(kind: Exclude<TopicKind, 'cmd'>): string {
  return `${TOPIC_ROOT}/+/+/${kind}`;
}
