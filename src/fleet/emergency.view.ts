import { EmergencyView } from '../schedule/schedule.service';
import { ItemRef } from '../schedule/schedule-item.view';
import { EmergencyDevice } from './entities/emergency-device.entity';
import { Emergency } from './entities/emergency.entity';

/** How the fan-out went when the request was answered. */
export class FanOutSummary {
  /** Devices the emergency targets. */
  targeted!: number;
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

/** `GET /emergencies/:id`: who was targeted, who acknowledged, who started, who was offline. */
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
  /** Offline when it was sent and not acknowledged since. */
  offline!: EmergencyDeviceRef[];
}

export class EmergencySummary {
  id!: string;
  scope!: Emergency['scope'];
  bulletinId!: string;
  zones!: string[] | null;
  createdAt!: string;
  endsAt!: string;
  running!: boolean;
  targeted!: number;
  acknowledged!: number;
  started!: number;
}

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
  emergency: Emergency,
  counts: Pick<EmergencySummary, 'targeted' | 'acknowledged' | 'started'>,
  now: Date,
): EmergencySummary {
  return { ...emergencyHead(emergency, now), ...counts };
}

function deviceRef(target: EmergencyDevice): EmergencyDeviceRef {
  return { deviceId: target.deviceId, name: target.deviceName, communeCode: target.communeCode };
}

/** The delivery of an emergency from its per-device rows (those the reader may see). */
export function emergencyReport(
  emergency: Emergency,
  targets: readonly EmergencyDevice[],
  now: Date,
): EmergencyReport {
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
      .filter((target) => !target.onlineWhenSent && target.acknowledgedAt === null)
      .map(deviceRef),
  };
}
