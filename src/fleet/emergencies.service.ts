import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser, canAccessCommune, canAccessProvince } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { EmergencyDto } from '../schedule/dto/schedule.dto';
import { itemTargetsDevice } from '../schedule/item-zones';
import { itemRef } from '../schedule/schedule-item.view';
import { EmergencyView, PlacedEmergency, ScheduleService } from '../schedule/schedule.service';
import { deviceStatus, livenessAt } from './device-status';
import { DeviceStatusBook } from './device-status-book';
import { deviceMayBeTargeted } from './device-targeting';
import { ProvinceEmergencyDto } from './dto/emergency.dto';
import {
  EmergenciesRepository,
  EmergencyDevicesWhere,
  FleetDevice,
  ListedEmergency,
} from './emergencies.repository';
import {
  CommuneEmergencyView,
  emergencyReport,
  EmergencyReport,
  emergencySummary,
  EmergencySummary,
  FanOutSummary,
  NO_TARGETS,
  ProvinceEmergencyView,
  targetNotEnrolled,
} from './emergency.view';
import { DeviceCommand } from './entities/device-command.entity';
import { EmergencyDevice } from './entities/emergency-device.entity';
import { Emergency } from './entities/emergency.entity';
import { FleetLink } from './fleet-link';
import { CommandMessage, deviceTopic, encodeMessage } from './protocol';

/** A command ready to publish, recorded in the same transaction as its emergency. */
interface Outgoing {
  communeCode: string;
  deviceId: string;
  message: CommandMessage;
}

/** What one transaction wrote: the emergency, its items and its commands. */
interface Written {
  emergency: Emergency;
  placed: PlacedEmergency[];
  outgoing: Outgoing[];
  online: number;
  /** Of the targets, those that could receive nothing yet (`targetNotEnrolled`). */
  notEnrolled: number;
}

const RECENT_LIMIT = 50;

/**
 * Emergencies to the fleet: the items on the program logs (the server's own playout plays them
 * too) and, in the same transaction, a `play-emergency` command per targeted device; then every
 * command is published at once (QoS 1, in parallel). Devices that were offline get theirs when
 * they come back online if the emergency is still on air.
 */
@Injectable()
export class EmergenciesService {
  private readonly logger = new Logger(EmergenciesService.name);

  constructor(
    private readonly db: Db,
    private readonly schedule: ScheduleService,
    private readonly emergencies: EmergenciesRepository,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly link: FleetLink,
    private readonly statuses: DeviceStatusBook,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A commune's emergency, to the devices of its zones (all of them without zones). */
  async commune(
    communeCode: string,
    input: EmergencyDto,
    actor: AuthUser,
  ): Promise<CommuneEmergencyView> {
    const commune = this.geo.commune(communeCode);
    const zones = input.zones ? [...new Set(input.zones)].sort() : null;
    const written = await this.db.write(async (manager) => {
      const placed = await this.schedule.placeEmergency(
        manager,
        communeCode,
        input.bulletinId,
        zones,
        actor,
      );
      const devices = (await this.devicesOf(manager, { communeCodes: [communeCode] })).filter(
        (device) => itemTargetsDevice(zones, device.zones),
      );
      if (zones !== null && devices.length === 0) {
        throw new DomainError(
          'EMERGENCY_NO_DEVICES',
          `No device of commune ${communeCode} is in zone ${zones.join(', ')}`,
          { zones },
        );
      }
      return this.write(manager, actor, {
        scope: 'commune',
        provinceCode: commune.provinceCode,
        communeCode,
        zones,
        placed: [placed],
        devices,
      });
    });
    const publishing = this.publish(written.outgoing);
    const [view] = await this.afterCommit(written);
    const published = await publishing;
    return {
      ...view,
      emergencyId: written.emergency.id,
      devices: this.summary(written, published),
    };
  }

  /**
   * A province's emergency: an item on the log of each targeted commune (by default every
   * commune of the province that has devices) and the command to all their devices, in one
   * transaction: a refusal for one commune writes nothing for any.
   */
  async province(
    provinceCode: string,
    input: ProvinceEmergencyDto,
    actor: AuthUser,
  ): Promise<ProvinceEmergencyView> {
    this.geo.province(provinceCode);
    const requested = input.communes
      ? this.geo.communesIn(provinceCode, input.communes).map((commune) => commune.code)
      : null;
    const written = await this.db.write(async (manager) => {
      const provinceDevices = await this.devicesOf(manager, { provinceCode });
      const communes =
        requested ?? [...new Set(provinceDevices.map((device) => device.communeCode))].sort();
      if (communes.length === 0) {
        throw new DomainError(
          'EMERGENCY_NO_DEVICES',
          `No commune of province ${provinceCode} has devices; name the communes to reach`,
          { province: provinceCode },
        );
      }
      const placed = await this.schedule.placeEmergencies(
        manager,
        communes,
        input.bulletinId,
        null,
        actor,
      );
      const targeted = new Set(communes);
      return this.write(manager, actor, {
        scope: 'province',
        provinceCode,
        communeCode: null,
        zones: null,
        placed,
        devices: provinceDevices.filter((device) => targeted.has(device.communeCode)),
      });
    });
    // The commands first: the broker takes them before the views are read back for the answer.
    const published = await this.publish(written.outgoing);
    await this.afterCommit(written);
    const first = written.placed[0].item;
    return {
      emergencyId: written.emergency.id,
      provinceCode,
      bulletinId: first.bulletinId!,
      startsAt: first.startsAt.toISOString(),
      endsAt: written.emergency.endsAt.toISOString(),
      communes: written.placed.map(({ item, interrupted }) => ({
        communeCode: item.communeCode,
        scheduleItemId: item.id,
        interrupts: interrupted.map(itemRef),
      })),
      devices: this.summary(written, published),
    };
  }

  /**
   * The emergency's delivery. A commune emergency is read by the commune's users and its
   * province's monitors; a province emergency by the province's monitors, and by the users of a
   * commune it reached, who see their own commune's devices only.
   */
  async report(id: string, user: AuthUser): Promise<EmergencyReport> {
    const emergency = await this.emergencies.find(id);
    if (!emergency) throw notFound('EMERGENCY_NOT_FOUND', 'Emergency', id);
    let targets = await this.emergencies.targets(id);
    if (!canAccessProvince(user, emergency.provinceCode)) {
      const commune = emergency.communeCode ?? user.communeCode;
      const allowed =
        commune !== null &&
        canAccessCommune(user, this.geo.commune(commune), 'read') &&
        (emergency.scope === 'commune' || targets.some((target) => target.communeCode === commune));
      if (!allowed) throw new DomainError('FORBIDDEN', `No read access to emergency ${id}`);
      targets = targets.filter((target) => target.communeCode === commune);
    }
    return emergencyReport(emergency, targets, this.clock.now());
  }

  /** The commune's recent emergencies (its own and its province's that reached it), newest first. */
  async listForCommune(communeCode: string): Promise<EmergencySummary[]> {
    this.geo.commune(communeCode);
    return this.summaries(await this.emergencies.listForCommune(communeCode, RECENT_LIMIT));
  }

  /** The province's recent emergencies (its own and its communes'), newest first. */
  async listForProvince(provinceCode: string): Promise<EmergencySummary[]> {
    this.geo.province(provinceCode);
    return this.summaries(await this.emergencies.listForProvince(provinceCode, RECENT_LIMIT));
  }

  /**
   * Sends a device that has just come online the emergency commands it has not acknowledged and
   * whose emergency is still on air and was sent before `onlineAt` (later ones reached it live),
   * with their ids (the device takes a repeated id once).
   */
  async resendPending(communeCode: string, deviceId: string, onlineAt: Date): Promise<void> {
    const link = this.link.optional();
    if (!link) return;
    const pending = await this.emergencies.pendingFor(deviceId, this.clock.now(), onlineAt);
    for (const target of pending) {
      if (target.communeCode !== communeCode) continue;
      const message: CommandMessage = {
        id: target.commandId,
        type: 'play-emergency',
        scheduleItemId: target.scheduleItemId,
        endsAt: target.endsAt.toISOString(),
      };
      await link
        .publish(deviceTopic(communeCode, deviceId, 'cmd'), encodeMessage(message), {
          qos: 1,
          retain: false,
        })
        .catch((error: Error) =>
          this.logger.warn(`Fleet: resending emergency to ${deviceId}: ${error.message}`),
        );
    }
  }

  // ----- helpers -----

  /**
   * The devices as they are now: the rows, with the statuses this process has taken and not
   * written yet (a cluster online in the book is online when the emergency is sent), including a
   * batch that commits while the rows are read (`unwritten()` before the read).
   */
  private async devicesOf(
    manager: EntityManager,
    where: EmergencyDevicesWhere,
  ): Promise<FleetDevice[]> {
    const before = this.statuses.unwritten();
    const devices = await this.emergencies.devicesOf(manager, where);
    return devices.map((device) => this.statuses.current(device, before));
  }

  private async summaries(emergencies: ListedEmergency[]): Promise<EmergencySummary[]> {
    const counts = await this.emergencies.counts(emergencies.map((emergency) => emergency.id));
    const now = this.clock.now();
    return emergencies.map((emergency) =>
      emergencySummary(
        emergency,
        emergency.communeCode === null
          ? null
          : (this.geo.findCommune(emergency.communeCode)?.name ?? null),
        counts.get(emergency.id) ?? NO_TARGETS,
        now,
      ),
    );
  }

  /** The emergency row, a command per device and its per-device row, in the caller's transaction. */
  private async write(
    manager: EntityManager,
    actor: AuthUser,
    spec: Pick<Emergency, 'scope' | 'provinceCode' | 'communeCode' | 'zones'> & {
      placed: PlacedEmergency[];
      devices: FleetDevice[];
    },
  ): Promise<Written> {
    const now = this.clock.now();
    const items = new Map(spec.placed.map(({ item }) => [item.communeCode, item]));
    const endsAt = new Date(Math.max(...spec.placed.map(({ item }) => item.endsAt.getTime())));
    const emergency: Emergency = {
      id: newId(now.getTime()),
      scope: spec.scope,
      provinceCode: spec.provinceCode,
      communeCode: spec.communeCode,
      bulletinId: spec.placed[0].item.bulletinId!,
      zones: spec.zones,
      createdBy: actor.id,
      createdAt: now,
      endsAt,
    };
    const commands: DeviceCommand[] = [];
    const targets: EmergencyDevice[] = [];
    const outgoing: Outgoing[] = [];
    let online = 0;
    // A revoked cluster is not sent it; one not enrolled yet gets it if it connects in time.
    const targeted = spec.devices.filter((device) =>
      deviceMayBeTargeted(device, items.get(device.communeCode)!),
    );
    const at = livenessAt(this.config, now);
    for (const device of targeted) {
      const item = items.get(device.communeCode)!;
      const params = { scheduleItemId: item.id, endsAt: item.endsAt.toISOString() };
      const commandId = newId(now.getTime());
      const isOnline = deviceStatus(device, at) === 'online';
      if (isOnline) online += 1;
      commands.push({
        id: commandId,
        deviceId: device.id,
        communeCode: device.communeCode,
        type: 'play-emergency',
        params,
        createdBy: actor.id,
        createdAt: now,
        acknowledgedAt: null,
        ok: null,
        error: null,
      });
      targets.push({
        emergencyId: emergency.id,
        deviceId: device.id,
        communeCode: device.communeCode,
        deviceName: device.name,
        scheduleItemId: item.id,
        commandId,
        onlineWhenSent: isOnline,
        enrolledWhenSent: device.enrolledAt !== null,
        acknowledgedAt: null,
        ok: null,
        error: null,
        startedAt: null,
      });
      outgoing.push({
        communeCode: device.communeCode,
        deviceId: device.id,
        message: { id: commandId, type: 'play-emergency', ...params },
      });
    }
    // As the lists and the report count them, from the rows just written.
    const notEnrolled = targets.filter((target, index) =>
      targetNotEnrolled({ ...target, deviceEnrolledAt: targeted[index].enrolledAt }, emergency),
    ).length;
    await this.emergencies.insert(manager, emergency, commands, targets);
    await this.audit.record(
      {
        action: 'emergency.sent',
        actor,
        targetType: 'emergency',
        targetId: emergency.id,
        communeCode: spec.communeCode,
        provinceCode: spec.provinceCode,
        detail: {
          scope: spec.scope,
          bulletinId: emergency.bulletinId,
          zones: spec.zones,
          communes: [...items.keys()],
          devices: targeted.length,
          notEnrolled,
          online,
        },
      },
      manager,
    );
    return { emergency, placed: spec.placed, outgoing, online, notEnrolled };
  }

  private afterCommit(written: Written): Promise<EmergencyView[]> {
    return Promise.all(written.placed.map((placed) => this.schedule.emergencyPlaced(placed)));
  }

  /**
   * Publishes every command at once and waits for the broker to take them all: the PUBACKs
   * come back in parallel, not one after the other. A command the broker did not take stays
   * recorded; the device gets it when it next comes online, if the emergency is still on air.
   */
  private async publish(outgoing: readonly Outgoing[]): Promise<number> {
    if (outgoing.length === 0) return 0;
    const link = this.link.optional();
    if (!link) {
      this.logger.warn('Fleet: no broker connection; emergency commands wait for reconnections');
      return 0;
    }
    const results = await Promise.allSettled(
      outgoing.map(({ communeCode, deviceId, message }) =>
        link.publish(deviceTopic(communeCode, deviceId, 'cmd'), encodeMessage(message), {
          qos: 1,
          retain: false,
        }),
      ),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      this.logger.warn(
        `Fleet: the broker did not take ${failed.length} of ${outgoing.length} emergency commands: ${failed[0].reason}`,
      );
    }
    return outgoing.length - failed.length;
  }

  private summary(written: Written, published: number): FanOutSummary {
    return {
      targeted: written.outgoing.length,
      notEnrolled: written.notEnrolled,
      online: written.online,
      published,
    };
  }
}
