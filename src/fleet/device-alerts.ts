import { DAY_MS, formatDayMonthTime, localDateOf } from '../common/local-time';
import { viNumber } from '../common/vi-number';
import { describeWindow, occurrencesOn, WindowSpec } from '../schedule/window-time';
import { deviceStatus, Liveness } from './device-status';
import type { Device } from './entities/device.entity';
import type { AlertKind } from './entities/alert.entity';

/** The alert kinds a device's own status decides (the others are raised by other features). */
export const DEVICE_STATUS_ALERT_KINDS = [
  'device-offline',
  'cache-incomplete',
  'clock-skew',
] as const satisfies readonly AlertKind[];
export type DeviceStatusAlertKind = (typeof DEVICE_STATUS_ALERT_KINDS)[number];

/** A clock further off than this plays items early or late enough for listeners to notice. */
export const MAX_CLOCK_SKEW_MS = 2000;
/** A cluster's cache must hold what it plays over the next day (it may lose its link that long). */
export const CACHE_AHEAD_MS = DAY_MS;

export type DeviceFacts = Pick<
  Device,
  'name' | 'state' | 'lastSeenAt' | 'apiTokenHash' | 'enrolledAt' | 'clockSkewMs' | 'cachedUntil'
>;

export interface DeviceAlertContext extends Liveness {
  /** The commune's on-air windows. */
  windows: readonly WindowSpec[];
  offlineGraceMs: number;
}

/** "cụm loa Thôn 1": a cluster named in a sentence (a name that says "Cụm …" already stays). */
export function clusterLabel(name: string): string {
  return /^cụm\b/iu.test(name) ? name : `cụm loa ${name}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}

function isOnline(device: DeviceFacts, at: Liveness): boolean {
  return deviceStatus(device, at) === 'online';
}

/**
 * The device-offline condition: the commune has an on-air window open now, the device is not
 * online (a Last Will, or silent too long), and it has been unheard-of (since its last status,
 * or its enrolment) and the window open for at least the grace.
 */
function offlineMessage(device: DeviceFacts, context: DeviceAlertContext): string | null {
  if (isOnline(device, context)) return null;
  const now = context.now.getTime();
  const open = occurrencesOn(context.windows, localDateOf(context.now)).find(
    (occurrence) => occurrence.startsAt <= now && now < occurrence.endsAt,
  );
  if (!open) return null;
  const lastHeard = (device.lastSeenAt ?? device.enrolledAt)?.getTime() ?? 0;
  if (now < Math.max(open.startsAt, lastHeard) + context.offlineGraceMs) return null;
  const window = context.windows.find((candidate) => candidate.id === open.windowId)!;
  return `${capitalized(clusterLabel(device.name))} mất kết nối trong khung giờ phát ${describeWindow(window)}`;
}

function cacheMessage(device: DeviceFacts, at: Liveness): string | null {
  if (!isOnline(device, at)) return null;
  const now = at.now;
  const until = device.cachedUntil;
  if (until !== null && until.getTime() >= now.getTime() + CACHE_AHEAD_MS) return null;
  const reach = until === null ? '' : ` (chỉ đến ${formatDayMonthTime(until)})`;
  return `Bộ nhớ đệm của ${clusterLabel(device.name)} chưa đủ cho 24 giờ tới${reach}`;
}

function skewMessage(device: DeviceFacts): string | null {
  const skew = device.clockSkewMs;
  if (skew === null || Math.abs(skew) <= MAX_CLOCK_SKEW_MS) return null;
  const direction = skew > 0 ? 'nhanh' : 'chậm';
  return `Đồng hồ của ${clusterLabel(device.name)} lệch ${viNumber(Math.abs(skew) / 1000, 0, 1)} giây (${direction})`;
}

/**
 * Which of the status-decided alerts hold for a device now, each with its Vietnamese message.
 * A device that is not enrolled (never, or its credentials revoked) has none.
 */
export function deviceAlertConditions(
  device: DeviceFacts,
  context: DeviceAlertContext,
): Map<DeviceStatusAlertKind, string> {
  const conditions = new Map<DeviceStatusAlertKind, string>();
  if (device.apiTokenHash === null) return conditions;
  const found: [DeviceStatusAlertKind, string | null][] = [
    ['device-offline', offlineMessage(device, context)],
    ['cache-incomplete', cacheMessage(device, context)],
    ['clock-skew', skewMessage(device)],
  ];
  for (const [kind, message] of found) if (message !== null) conditions.set(kind, message);
  return conditions;
}

/**
 * Whether a device is online with nothing to raise now, whatever its commune's windows (those
 * only matter to a device that is not online): its status alerts are all clear. Time can only
 * bring a cache alert (or silence) closer, so a device quiet now was quiet at every moment before.
 */
export function statusAlertsQuiet(device: DeviceFacts, at: Liveness): boolean {
  return (
    device.apiTokenHash !== null &&
    isOnline(device, at) &&
    deviceAlertConditions(device, { ...at, windows: [], offlineGraceMs: 0 }).size === 0
  );
}
