import { EmergencyView } from '../schedule/schedule.service';
import { ItemRef } from '../schedule/schedule-item.view';
import type { EmergencyCounts, EmergencyTarget, ListedEmergency } from './emergencies.repository';
import { EmergencyDevice } from './entities/emergency-device.entity';
import { Emergency } from './entities/emergency.entity';

/** How the fan-out went when the request was answered. */
export class FanOutSummary {
  /** Devices the emergency targets. */
  targeted!: number;
  /**
   * Of those, registered but never enrolled when it was sent (`EmergencySummary.notEnrolled`):
   * they receive it only if they enrol and connect while it is on air, and the commune's record
   * does not count them. `targeted` less these are the clusters the record waits for.
   */
  notEnrolled!: number;
  /** Of those, online when it was sent. */
  online!: number;
  /** Commands the broker took (QoS 1 PUBACK) before the answer. */
  published!: number;
}

export class CommuneEmergencyView extends EmergencyView {
  emergencyId!: string;
  devices!: FanOutSummary;
}

export class ProvinceEmergencyView {
  emergencyId!: string;
  provinceCode!: string;
  bulletinId!: string;
  startsAt!: string;
  endsAt!: string;
  communes!: { communeCode: string; scheduleItemId: string; interrupts: ItemRef[] }[];
  devices!: FanOutSummary;
}

export class EmergencyDeviceRef {
  deviceId!: string;
  name!: string;
  communeCode!: string;
}

export class EmergencyTargetRef extends EmergencyDeviceRef {
  onlineWhenSent!: boolean;
}

export class EmergencyAcknowledgementRef extends EmergencyDeviceRef {
  acknowledgedAt!: string;
  ok!: boolean;
  error!: string | null;
}

export class EmergencyStartRef extends EmergencyDeviceRef {
  startedAt!: string;
}

/**
 * `GET /emergencies/:id`: who was targeted, who acknowledged, who started, who was offline, and
 * who was not enrolled yet.
 */
export class EmergencyReport {
  id!: string;
  scope!: Emergency['scope'];
  provinceCode!: string;
  communeCode!: string | null;
  bulletinId!: string;
  zones!: string[] | null;
  createdBy!: string | null;
  createdAt!: string;
  endsAt!: string;
  /** Whether its items are still on air (a device that reconnects now still gets it). */
  running!: boolean;
  targeted!: EmergencyTargetRef[];
  acknowledged!: EmergencyAcknowledgementRef[];
  started!: EmergencyStartRef[];
  /** Enrolled, offline when it was sent and not acknowledged since. */
  offline!: EmergencyDeviceRef[];
  /**
   * Registered but not enrolled when it was sent, nor before the emergency ended, and no answer:
   * it could receive nothing (it gets the command if it enrols and connects while the emergency
   * is on air). The commune's record, built from its enrolled clusters' receipts, does not count
   * it: `targeted` less these are the clusters the record waits for.
   */
  notEnrolled!: EmergencyDeviceRef[];
}

export class EmergencySummary {
  id!: string;
  scope!: Emergency['scope'];
  /** The commune that sent a commune emergency; null for a province's. */
  communeCode!: string | null;
  /** Its name (`GET /communes`); null for a province's. */
  communeName!: string | null;
  bulletinId!: string;
  /** What was broadcast. */
  bulletinTitle!: string | null;
  zones!: string[] | null;
  createdAt!: string;
  endsAt!: string;
  running!: boolean;
  targeted!: number;
  acknowledged!: number;
  started!: number;
  /** Of `targeted`, those not enrolled in time (`EmergencyReport.notEnrolled`). */
  notEnrolled!: number;
}

/** The counts of an emergency no device row was written for. */
export const NO_TARGETS: EmergencyCounts = {
  targeted: 0,
  acknowledged: 0,
  started: 0,
  notEnrolled: 0,
};

function emergencyHead(emergency: Emergency, now: Date) {
  return {
    id: emergency.id,
    scope: emergency.scope,
    bulletinId: emergency.bulletinId,
    zones: emergency.zones,
    createdAt: emergency.createdAt.toISOString(),
    endsAt: emergency.endsAt.toISOString(),
    running: emergency.endsAt.getTime() > now.getTime(),
  };
}

export function emergencySummary(
  emergency: ListedEmergency,
  communeName: string | null,
  counts: EmergencyCounts,
  now: Date,
): EmergencySummary {
  return {
    ...emergencyHead(emergency, now),
    communeCode: emergency.communeCode,
    communeName,
    bulletinTitle: emergency.bulletinTitle,
    ...counts,
  };
}

function deviceRef(target: EmergencyDevice): EmergencyDeviceRef {
  return { deviceId: target.deviceId, name: target.deviceName, communeCode: target.communeCode };
}

/**
 * A target that could not receive the emergency: not enrolled when it was sent nor before it ended
 * (as `deviceIsTargetable` counts the commune's record; half-open, `spanHeldDuring`: enrolled
 * exactly when it ended is after it), and no answer. A removed device that was not enrolled when
 * sent stays so. `EmergenciesRepository.counts` says the same in SQL.
 */
export function targetNotEnrolled(target: EmergencyTarget, emergency: Emergency): boolean {
  if (target.acknowledgedAt !== null || target.enrolledWhenSent) return false;
  const enrolledAt = target.deviceEnrolledAt;
  return enrolledAt === null || enrolledAt.getTime() >= emergency.endsAt.getTime();
}

/** The delivery of an emergency from its per-device rows (those the reader may see). */
export function emergencyReport(
  emergency: Emergency,
  targets: readonly EmergencyTarget[],
  now: Date,
): EmergencyReport {
  const unreachable = new Set(
    targets
      .filter((target) => targetNotEnrolled(target, emergency))
      .map((target) => target.deviceId),
  );
  return {
    ...emergencyHead(emergency, now),
    provinceCode: emergency.provinceCode,
    communeCode: emergency.communeCode,
    createdBy: emergency.createdBy,
    targeted: targets.map((target) => ({
      ...deviceRef(target),
      onlineWhenSent: target.onlineWhenSent,
    })),
    acknowledged: targets.flatMap((target) =>
      target.acknowledgedAt === null
        ? []
        : [
            {
              ...deviceRef(target),
              acknowledgedAt: target.acknowledgedAt.toISOString(),
              ok: target.ok ?? false,
              error: target.error,
            },
          ],
    ),
    started: targets.flatMap((target) =>
      target.startedAt === null
        ? []
        : [{ ...deviceRef(target), startedAt: target.startedAt.toISOString() }],
    ),
    offline: targets
      .filter(
        (target) =>
          !target.onlineWhenSent &&
          target.acknowledgedAt === null &&
          !unreachable.has(target.deviceId),
      )
      .map(deviceRef),
    notEnrolled: targets.filter((target) => unreachable.has(target.deviceId)).map(deviceRef),
  };
}
