import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { nameKey } from '../common/text';
import { DomainError, notFound } from '../common/domain-error';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import {
  newApiToken,
  newEnrolmentCode,
  newMqttPassword,
  normalizeEnrolmentCode,
  secretHash,
  secretMatches,
} from './device-credentials';
import { DeviceAlerts } from './device-alerts.service';
import { DeviceStatusBook, StatusValues } from './device-status-book';
import { DeviceZoneItems, ZoneItemsOptions } from './device-zone-items';
import { deviceStatus, Liveness, livenessAt } from './device-status';
import { DeviceEdit, DevicesRepository } from './devices.repository';
import {
  CreateDeviceDto,
  DeviceCommandDto,
  DeviceLocationDto,
  DeviceViewStatus,
  UpdateDeviceDto,
} from './dto/device.dto';
import { EnrolmentLimiter } from './enrolment-limiter';
import { DeviceCommand } from './entities/device-command.entity';
import { DeviceEnrolment } from './entities/device-enrolment.entity';
import { Device } from './entities/device.entity';
import { FleetLink } from './fleet-link';
import { FleetRecorder } from './fleet-recorder';
import { DevicePresenceRecorder } from './device-presence';
import {
  AckMessage,
  CommandRequest,
  deviceTopic,
  encodeMessage,
  parseCommandRequest,
  publicKeyPointProblem,
  publicKeyShapeProblem,
  ReceiptChainHead,
  StatusMessage,
} from './protocol';
import {
  DeviceView,
  NewEnrolmentCode,
  EnrolmentResult,
  EnrolmentView,
  CommandView,
  DeviceZoneItem,
} from './device.view';

/** What a status did to its device (see `DevicesService.recordStatus`). */
export interface RecordedStatus {
  before: Device;
  after: Device;
  /** It was offline or never seen: its pending emergency commands are sent again. */
  cameOnline: boolean;
  /** Its shown status changed. */
  changed: boolean;
}

/** The length of the `status_problem` column. */
const STATUS_PROBLEM_MAX_LENGTH = 200;

/** Offline clusters first in a province's list: they are what a monitor looks for. */
const STATUS_ORDER: Record<DeviceViewStatus, number> = { offline: 0, 'never-seen': 1, online: 2 };

/** The device as the API shows it, its status as of `at` (`DevicesService.liveness`). */
export function deviceView(device: Device, at: Liveness): DeviceView {
  return {
    id: device.id,
    communeCode: device.communeCode,
    name: device.name,
    zones: device.zones,
    location:
      device.locationLat === null || device.locationLon === null
        ? null
        : { lat: device.locationLat, lon: device.locationLon, note: device.locationNote },
    status: deviceStatus(device, at),
    lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
    playing:
      device.playingItemId && device.playingStartedAt
        ? { scheduleItemId: device.playingItemId, startedAt: device.playingStartedAt.toISOString() }
        : null,
    clockSkewMs: device.clockSkewMs,
    cachedUntil: device.cachedUntil?.toISOString() ?? null,
    volume: device.volume,
    power: device.power,
    version: device.version,
    publicKey: device.publicKey,
    enrolled: device.apiTokenHash !== null,
    enrolledAt: device.enrolledAt?.toISOString() ?? null,
    lastStatusProblem:
      device.statusProblem !== null && device.statusProblemAt !== null
        ? { at: device.statusProblemAt.toISOString(), problem: device.statusProblem }
        : null,
  };
}

export function enrolmentView(enrolment: DeviceEnrolment): EnrolmentView {
  return {
    seq: enrolment.seq,
    publicKey: enrolment.publicKey,
    enrolledAt: enrolment.enrolledAt.toISOString(),
    endedAt: enrolment.endedAt?.toISOString() ?? null,
    endedBy: enrolment.endedBy,
  };
}

export function commandView(command: DeviceCommand): CommandView {
  return {
    id: command.id,
    deviceId: command.deviceId,
    type: command.type,
    params: command.params,
    createdAt: command.createdAt.toISOString(),
    acknowledgedAt: command.acknowledgedAt?.toISOString() ?? null,
    ok: command.ok,
    error: command.error,
  };
}

/** The columns a status message sets; an `offline` one (a Last Will) only marks the device so. */
export function statusValues(status: StatusMessage, receivedAt: Date): StatusValues {
  if (status.status === 'offline') {
    return { state: 'offline', playingItemId: null, playingStartedAt: null };
  }
  const values: StatusValues = { state: status.status, lastSeenAt: receivedAt };
  if (status.playing !== undefined) {
    values.playingItemId = status.playing?.scheduleItemId ?? null;
    values.playingStartedAt = status.playing ? new Date(status.playing.startedAt) : null;
  }
  if (status.clockSkewMs !== undefined) values.clockSkewMs = status.clockSkewMs;
  if (status.cachedUntil !== undefined) {
    values.cachedUntil = status.cachedUntil === null ? null : new Date(status.cachedUntil);
  }
  if (status.volume !== undefined) values.volume = status.volume;
  if (status.power !== undefined) values.power = status.power;
  if (status.version !== undefined) values.version = status.version;
  return values;
}

function normalizeZones(zones: string[] | undefined): string[] {
  return [...new Set(zones ?? [])].sort();
}

/** The location columns a body's `location` sets (null: none); none when it has no `location`. */
function locationColumns(
  location: DeviceLocationDto | null | undefined,
): Partial<Pick<Device, 'locationLat' | 'locationLon' | 'locationNote'>> {
  if (location === undefined) return {};
  return {
    locationLat: location?.lat ?? null,
    locationLon: location?.lon ?? null,
    locationNote: location?.note ?? null,
  };
}

/** Devices of the communes: registration, enrolment and credentials, status, commands. */
@Injectable()
export class DevicesService {
  private readonly logger = new Logger(DevicesService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly devices: DevicesRepository,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly limiter: EnrolmentLimiter,
    private readonly link: FleetLink,
    private readonly deviceAlerts: DeviceAlerts,
    private readonly recorder: FleetRecorder,
    private readonly presence: DevicePresenceRecorder,
    private readonly statuses: DeviceStatusBook,
    private readonly clock: Clock,
    private readonly zoneItems: DeviceZoneItems,
  ) {}

  async create(
    communeCode: string,
    body: CreateDeviceDto,
    actor: AuthUser,
  ): Promise<{ device: Device } & NewEnrolmentCode> {
    const commune = this.geo.commune(communeCode);
    const now = this.clock.now();
    const code = newEnrolmentCode();
    const device: Device = {
      id: newId(now.getTime()),
      communeCode,
      provinceCode: commune.provinceCode,
      name: body.name,
      zones: normalizeZones(body.zones),
      locationLat: null,
      locationLon: null,
      locationNote: null,
      enrolmentCodeHash: secretHash(normalizeEnrolmentCode(code)),
      enrolmentExpiresAt: this.enrolmentExpiry(now),
      enrolmentUsedAt: null,
      publicKey: null,
      apiTokenHash: null,
      mqttPasswordHash: null,
      enrolledAt: null,
      revokedAt: null,
      state: null,
      lastSeenAt: null,
      playingItemId: null,
      playingStartedAt: null,
      clockSkewMs: null,
      cachedUntil: null,
      volume: null,
      power: null,
      version: null,
      statusProblem: null,
      statusProblemAt: null,
      createdAt: now,
      updatedAt: now,
      ...locationColumns(body.location),
    };
    await this.db.write(async (manager) => {
      await this.checkNameFree(communeCode, device.name, null, manager);
      await this.devices.insert(device, manager);
      await this.audit.record(
        {
          action: 'device.created',
          actor,
          targetType: 'device',
          targetId: device.id,
          communeCode,
          detail: { name: device.name, zones: device.zones },
        },
        manager,
      );
    });
    return {
      device,
      enrolmentCode: code,
      enrolmentExpiresAt: device.enrolmentExpiresAt!.toISOString(),
    };
  }

  /** Now, for telling the devices' statuses (a device silent too long is offline). */
  liveness(): Liveness {
    return livenessAt(this.config, this.clock.now());
  }

  async list(communeCode: string): Promise<Device[]> {
    this.geo.commune(communeCode);
    const before = this.statuses.unwritten();
    const devices = await this.devices.listByCommune(communeCode);
    return devices.map((device) => this.statuses.current(device, before));
  }

  async listProvince(provinceCode: string, status?: DeviceViewStatus): Promise<Device[]> {
    this.geo.province(provinceCode);
    const at = this.liveness();
    const before = this.statuses.unwritten();
    const devices = (await this.devices.listByProvince(provinceCode))
      .map((device) => this.statuses.current(device, before))
      .filter((device) => status === undefined || deviceStatus(device, at) === status);
    // Stable sort: within a status, the repository's order (commune, name) stays.
    return devices.sort(
      (a, b) => STATUS_ORDER[deviceStatus(a, at)] - STATUS_ORDER[deviceStatus(b, at)],
    );
  }

  async get(communeCode: string, id: string): Promise<Device> {
    const before = this.statuses.unwritten();
    const device = await this.devices.find(id);
    if (!device || device.communeCode !== communeCode)
      throw notFound('DEVICE_NOT_FOUND', 'Device', id);
    return this.statuses.current(device, before);
  }

  /**
   * Changes a cluster's name, zones or location. A zones change that would leave future items
   * with no cluster in their zones is refused (409 `DEVICE_ZONE_HAS_ITEMS`) unless `dropItems`,
   * which cancels them (`DeviceZoneItems`).
   */
  async update(
    communeCode: string,
    id: string,
    body: UpdateDeviceDto,
    options: ZoneItemsOptions,
    actor: AuthUser,
  ): Promise<{ device: Device; droppedItems: DeviceZoneItem[] }> {
    const before = this.statuses.unwritten();
    const { updated, droppedItems } = await this.db.write(async (manager) => {
      const device = await this.devices.find(id, manager);
      if (!device || device.communeCode !== communeCode)
        throw notFound('DEVICE_NOT_FOUND', 'Device', id);
      const now = this.clock.now();
      const edit: DeviceEdit = { ...locationColumns(body.location), updatedAt: now };
      if (body.name !== undefined) {
        await this.checkNameFree(communeCode, body.name, id, manager);
        edit.name = body.name;
      }
      if (body.zones !== undefined) edit.zones = normalizeZones(body.zones);
      const dropped = edit.zones
        ? await this.zoneItems.settle(
            manager,
            { device, zonesAfter: edit.zones },
            options,
            edit.updatedAt!,
            actor,
          )
        : [];
      // What it was sent under its old zones stays sent to it (its receipts still count).
      if (edit.zones) await this.devices.changeZones(id, edit.zones, now, manager);
      // Only the edited columns: a status batch may have committed since the read (PostgreSQL).
      await this.devices.update(id, edit, manager);
      const edited = await this.devices.find(id, manager);
      if (!edited) throw notFound('DEVICE_NOT_FOUND', 'Device', id);
      await this.audit.record(
        {
          action: 'device.updated',
          actor,
          targetType: 'device',
          targetId: id,
          communeCode,
          detail: { ...body },
        },
        manager,
      );
      return { updated: edited, droppedItems: dropped };
    });
    this.statuses.forget(id);
    this.zoneItems.emit(communeCode, droppedItems);
    return { device: this.statuses.current(updated, before), droppedItems };
  }

  /**
   * Deletes the device and its commands: its API token and broker password stop working at once.
   * The commune's as-run log, its alerts and emergencies' deliveries keep what they say of it. A
   * device that has stored signed receipts is refused: its enrolments' public keys, kept only
   * with the device, are what check them, so its credentials are revoked instead (a new
   * enrolment code). Future items it alone serves are refused or cancelled as `update` does.
   */
  async remove(
    communeCode: string,
    id: string,
    options: ZoneItemsOptions,
    actor: AuthUser,
  ): Promise<void> {
    const droppedItems = await this.db.write(async (manager) => {
      const device = await this.devices.find(id, manager);
      if (!device || device.communeCode !== communeCode)
        throw notFound('DEVICE_NOT_FOUND', 'Device', id);
      const receipts = await this.devices.receiptCount(id, manager);
      if (receipts > 0) {
        throw new DomainError(
          'DEVICE_HAS_RECEIPTS',
          `Device "${device.name}" has ${receipts} signed play receipts, checked with its public key: revoke its credentials instead of deleting it`,
          { name: device.name, receiptCount: receipts },
        );
      }
      const dropped = await this.zoneItems.settle(
        manager,
        { device, zonesAfter: null },
        options,
        this.clock.now(),
        actor,
      );
      await this.devices.delete(id, manager);
      await this.audit.record(
        {
          action: 'device.deleted',
          actor,
          targetType: 'device',
          targetId: id,
          communeCode,
          detail: { name: device.name },
        },
        manager,
      );
      return dropped;
    });
    this.statuses.forget(id);
    this.zoneItems.emit(communeCode, droppedItems);
    await this.endBrokerSession(communeCode, id, true);
    await this.settleAlerts(id);
  }

  /**
   * A new enrolment code (shown once); the device's current credentials are revoked at once, so
   * the box must enrol again: this is how credentials are rotated or a replaced box is enrolled.
   */
  async issueEnrolmentCode(
    communeCode: string,
    id: string,
    actor: AuthUser,
  ): Promise<NewEnrolmentCode> {
    const code = newEnrolmentCode();
    const now = this.clock.now();
    const expiresAt = this.enrolmentExpiry(now);
    await this.db.write(async (manager) => {
      const device = await this.devices.find(id, manager);
      if (!device || device.communeCode !== communeCode)
        throw notFound('DEVICE_NOT_FOUND', 'Device', id);
      await this.devices.revokeCredentials(
        id,
        now,
        're-keyed',
        {
          enrolmentCodeHash: secretHash(normalizeEnrolmentCode(code)),
          enrolmentExpiresAt: expiresAt,
          enrolmentUsedAt: null,
        },
        manager,
      );
      await this.audit.record(
        {
          action: 'device.enrolment_code.issued',
          actor,
          targetType: 'device',
          targetId: id,
          communeCode,
        },
        manager,
      );
    });
    this.statuses.forget(id);
    await this.endBrokerSession(communeCode, id, false);
    await this.settleAlerts(id);
    return { enrolmentCode: code, enrolmentExpiresAt: expiresAt.toISOString() };
  }

  /** Revokes the device's API token and broker password; the device stays registered. */
  async revokeCredentials(communeCode: string, id: string, actor: AuthUser): Promise<Device> {
    const before = this.statuses.unwritten();
    const device = await this.db.write(async (manager) => {
      const found = await this.devices.find(id, manager);
      if (!found || found.communeCode !== communeCode)
        throw notFound('DEVICE_NOT_FOUND', 'Device', id);
      const now = this.clock.now();
      await this.devices.revokeCredentials(id, now, 'revoked', {}, manager);
      const revoked = await this.devices.find(id, manager);
      if (!revoked) throw notFound('DEVICE_NOT_FOUND', 'Device', id);
      await this.audit.record(
        {
          action: 'device.credentials.revoked',
          actor,
          targetType: 'device',
          targetId: id,
          communeCode,
        },
        manager,
      );
      return revoked;
    });
    this.statuses.forget(id);
    await this.endBrokerSession(communeCode, id, false);
    await this.settleAlerts(id);
    return this.statuses.current(device, before);
  }

  /**
   * A device trades its enrolment code and public key for its credentials. The code is checked,
   * then taken and the credentials set in one conditional update: nothing is half-written, and
   * of two uses of one code only one succeeds. Failures count against the address's limit.
   */
  async enrol(
    code: string,
    publicKey: string,
    ip: string | null,
    apiHostname: string,
  ): Promise<EnrolmentResult> {
    const shapeProblem = publicKeyShapeProblem(publicKey);
    if (shapeProblem) throw new DomainError('VALIDATION_FAILED', shapeProblem);
    const pointProblem = publicKeyPointProblem(publicKey);
    if (pointProblem) throw new DomainError('DEVICE_KEY_INVALID', pointProblem);
    const ticket = await this.limiter.begin(ip ?? 'unknown');
    const codeHash = secretHash(normalizeEnrolmentCode(code));
    const device = await this.devices.findByCodeHash(codeHash);
    if (!device) throw new DomainError('ENROLMENT_CODE_UNKNOWN', 'Unknown enrolment code');
    if (device.enrolmentUsedAt !== null) {
      throw new DomainError('ENROLMENT_CODE_USED', 'This enrolment code was already used');
    }
    const now = this.clock.now();
    if (!device.enrolmentExpiresAt || device.enrolmentExpiresAt.getTime() <= now.getTime()) {
      throw new DomainError('ENROLMENT_CODE_EXPIRED', 'This enrolment code has expired');
    }
    const apiToken = newApiToken();
    const password = newMqttPassword();
    const link = this.link.get();
    const receiptChain = await this.db.write(async (manager) => {
      const taken = await this.devices.enrol(
        device.id,
        codeHash,
        {
          publicKey,
          apiTokenHash: secretHash(apiToken),
          mqttPasswordHash: secretHash(password),
          enrolledAt: now,
          revokedAt: null,
          enrolmentUsedAt: now,
          updatedAt: now,
        },
        manager,
      );
      if (!taken) return null;
      await this.devices.addEnrolment(device.id, publicKey, now, manager);
      // Inside the transaction, once the code is taken: a broker that refuses rolls it all back.
      try {
        await link.provision(device.id, device.communeCode, password);
      } catch (error) {
        throw new DomainError(
          'BROKER_UNAVAILABLE',
          `The broker could not take the device's credentials: ${(error as Error).message}`,
          { retryAfterSeconds: 5 },
        );
      }
      await this.audit.record(
        {
          action: 'device.enrolled',
          actorUsername: `device:${device.id}`,
          targetType: 'device',
          targetId: device.id,
          communeCode: device.communeCode,
          ip,
          // The cluster acts itself, by no person's name: the trail names it as the commune does.
          detail: { name: device.name },
        },
        manager,
      );
      // No box could upload since the credentials were revoked, and only this one can from now.
      return this.devices.receiptChainHead(device.id, manager);
    });
    if (!receiptChain)
      throw new DomainError('ENROLMENT_CODE_USED', 'This enrolment code was already used');
    this.statuses.forget(device.id);
    await ticket.succeeded();
    return {
      deviceId: device.id,
      communeCode: device.communeCode,
      apiToken,
      mqtt: { url: this.brokerUrl(apiHostname), username: device.id, password },
      receiptChain,
    };
  }

  /**
   * Where the device's receipt chain ends on the server, for its box (`GET /devices/me`): a box
   * holding nothing of the chain goes on from there.
   */
  receiptChain(deviceId: string): Promise<ReceiptChainHead> {
    return this.devices.receiptChainHead(deviceId);
  }

  /** The device's enrolments, oldest first: the keys its receipts are checked with. */
  async enrolments(communeCode: string, id: string): Promise<DeviceEnrolment[]> {
    const device = await this.devices.find(id);
    if (!device || device.communeCode !== communeCode)
      throw notFound('DEVICE_NOT_FOUND', 'Device', id);
    return this.devices.listEnrolments(id);
  }

  /** The device an API token belongs to, or null. */
  async authenticateToken(token: string): Promise<Device | null> {
    if (!/^lxd_[A-Za-z0-9_-]{43}$/.test(token)) return null;
    return this.devices.findByApiTokenHash(secretHash(token));
  }

  /** The device whose broker username and password these are, or null. */
  async authenticateBroker(deviceId: string, password: string): Promise<Device | null> {
    if (!/^[0-9a-f-]{36}$/.test(deviceId)) return null;
    const device = await this.devices.find(deviceId);
    return device && secretMatches(password, device.mqttPasswordHash) ? device : null;
  }

  /**
   * Keeps the device's status current from a status message on its own topic, received at
   * `receivedAt` (its `lastSeenAt`); a `playing` item is reported to the emergency records as
   * the device's start. The values are taken by the status book, written with its next batch
   * unless the caller has them written at once (`writeStatusesSoon`). Answers the device before and
   * after, whether it has just come online (it was offline or never seen: its pending emergency
   * commands are sent again) and whether its shown status changed. Null: no such device in that
   * commune.
   */
  async recordStatus(
    communeCode: string,
    deviceId: string,
    status: StatusMessage,
    receivedAt: Date,
  ): Promise<RecordedStatus | null> {
    const device = await this.statuses.device(deviceId);
    if (!device || device.communeCode !== communeCode) return null;
    const after = this.statuses.take(device, statusValues(status, receivedAt));
    if (status.status !== 'offline') this.presence.seen(device, receivedAt);
    if (status.playing) {
      this.recorder.start({
        deviceId,
        scheduleItemId: status.playing.scheduleItemId,
        startedAt: new Date(status.playing.startedAt),
      });
    }
    // A device silent too long was offline: its status now brings it back online.
    const at = livenessAt(this.config, receivedAt);
    const shown = deviceStatus(device, at);
    return {
      before: device,
      after,
      cameOnline: status.status !== 'offline' && shown !== 'online',
      changed: shown !== deviceStatus(after, at),
    };
  }

  /**
   * Keeps a status message the server could not take (`problem`: what was wrong) as the device's
   * last status problem. Only the device itself may publish on its status topic, so it is
   * talking: it counts as seen at `receivedAt`, online (still playing what it was), like a live
   * status that changes nothing else. Answers as `recordStatus`.
   */
  async recordStatusProblem(
    communeCode: string,
    deviceId: string,
    problem: string,
    receivedAt: Date,
  ): Promise<RecordedStatus | null> {
    const device = await this.statuses.device(deviceId);
    if (!device || device.communeCode !== communeCode) return null;
    const after = this.statuses.take(device, {
      state: device.state === 'playing' ? 'playing' : 'online',
      lastSeenAt: receivedAt,
      statusProblem: problem.slice(0, STATUS_PROBLEM_MAX_LENGTH),
      statusProblemAt: receivedAt,
    });
    this.presence.seen(device, receivedAt);
    const at = livenessAt(this.config, receivedAt);
    const shown = deviceStatus(device, at);
    return {
      before: device,
      after,
      cameOnline: shown !== 'online',
      changed: shown !== deviceStatus(after, at),
    };
  }

  /** Has the statuses taken so far written as soon as the database takes them. */
  writeStatusesSoon(): void {
    this.statuses.writeSoon();
  }

  /** Writes every status taken so far (the broker has stopped: nothing may be lost). */
  flushStatuses(): Promise<void> {
    return this.statuses.flush();
  }

  /**
   * Takes a device's acknowledgement of one of its own commands; it is written with others in
   * one batch (FleetRecorder) within a few tens of milliseconds.
   */
  recordAck(communeCode: string, deviceId: string, ack: AckMessage): void {
    this.recorder.ack({
      communeCode,
      deviceId,
      commandId: ack.id,
      ok: ack.ok,
      error: ack.ok ? null : (ack.error ?? null),
      receivedAt: this.clock.now(),
      startedAt: ack.ok && ack.startedAt ? new Date(ack.startedAt) : null,
    });
  }

  /** Records a command and publishes it (QoS 1) on the device's command topic. */
  async sendCommand(
    communeCode: string,
    id: string,
    body: DeviceCommandDto,
    actor: AuthUser,
  ): Promise<DeviceCommand> {
    const device = await this.get(communeCode, id);
    const request = this.commandRequest(body);
    const command = await this.publishCommand(device, request, actor.id);
    await this.audit.record({
      action: 'device.command.sent',
      actor,
      targetType: 'device',
      targetId: device.id,
      communeCode,
      detail: { commandId: command.id, ...request },
    });
    return command;
  }

  /**
   * Records a command and publishes it (QoS 1) on the device's command topic; `createdBy` null:
   * sent by the service itself (a `sync` after a change to the program log).
   */
  async publishCommand(
    device: Device,
    request: CommandRequest,
    createdBy: string | null,
  ): Promise<DeviceCommand> {
    const link = this.link.get();
    const now = this.clock.now();
    const { type, ...params } = request;
    const command: DeviceCommand = {
      id: newId(now.getTime()),
      deviceId: device.id,
      communeCode: device.communeCode,
      type,
      params,
      createdBy,
      createdAt: now,
      acknowledgedAt: null,
      ok: null,
      error: null,
    };
    // Recorded first, so an acknowledgement arriving at once finds its command.
    await this.devices.insertCommand(command);
    try {
      await link.publish(
        deviceTopic(device.communeCode, device.id, 'cmd'),
        encodeMessage({ id: command.id, ...request }),
        { qos: 1, retain: false },
      );
    } catch (error) {
      await this.devices.deleteCommand(command.id);
      throw new DomainError(
        'BROKER_UNAVAILABLE',
        `The command could not be handed to the broker: ${(error as Error).message}`,
        { retryAfterSeconds: 5 },
      );
    }
    return command;
  }

  async getCommand(communeCode: string, id: string, commandId: string): Promise<DeviceCommand> {
    await this.get(communeCode, id);
    const command = await this.devices.findCommand(id, commandId);
    if (!command) throw notFound('DEVICE_COMMAND_NOT_FOUND', 'Command', commandId);
    return command;
  }

  async listCommands(communeCode: string, id: string): Promise<DeviceCommand[]> {
    await this.get(communeCode, id);
    return this.devices.listCommands(id, 100);
  }

  private commandRequest(body: DeviceCommandDto): CommandRequest {
    const parsed = parseCommandRequest(body);
    if (!parsed.ok) throw new DomainError('VALIDATION_FAILED', parsed.error);
    const allowed = new Set(['type', ...Object.keys(parsed.value)]);
    const extra = Object.keys(body).filter(
      (key) => !allowed.has(key) && body[key as keyof DeviceCommandDto] !== undefined,
    );
    if (extra.length > 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `A ${parsed.value.type} command takes no ${extra.join(', ')}`,
      );
    }
    return parsed.value;
  }

  /**
   * Refuses a name another cluster of the commune has (`exceptId`: the cluster being renamed), as
   * `nameKey` compares them: two “Cụm loa thôn 1” would make the fleet, its alerts and the
   * audit trail ambiguous. Inside the write's transaction, with the commune's names locked.
   */
  private async checkNameFree(
    communeCode: string,
    name: string,
    exceptId: string | null,
    manager: EntityManager,
  ): Promise<void> {
    await this.devices.lockNames(communeCode, manager);
    const key = nameKey(name);
    const taken = (await this.devices.listByCommune(communeCode, manager)).find(
      (other) => other.id !== exceptId && nameKey(other.name) === key,
    );
    if (taken) {
      throw new DomainError(
        'DEVICE_NAME_TAKEN',
        `Another cluster of commune ${communeCode} is named "${taken.name}"`,
        { name: taken.name, deviceId: taken.id },
      );
    }
  }

  private enrolmentExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.fleet.enrolmentMinutes * 60 * 1000);
  }

  private brokerUrl(apiHostname: string): string {
    if (this.config.fleet.mqttPublicUrl) return this.config.fleet.mqttPublicUrl;
    const link = this.link.optional();
    if (link) return link.deviceUrl(apiHostname);
    const url = new URL(
      this.config.fleet.mqttUrl ?? `mqtt://${apiHostname}:${this.config.fleet.mqttPort}`,
    );
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  }

  /** A device deleted or no longer enrolled has no status alerts: they clear now, not at the sweep. */
  private async settleAlerts(id: string): Promise<void> {
    try {
      await this.deviceAlerts.evaluateDevice(id);
    } catch (error) {
      this.logger.warn(`Settling the alerts of device ${id}: ${(error as Error).message}`);
    }
  }

  /**
   * Ends the device's broker session (its password no longer works for the next one) and, for a
   * deleted device, clears its retained status.
   */
  private async endBrokerSession(communeCode: string, id: string, deleted: boolean): Promise<void> {
    const link = this.link.optional();
    if (!link) return;
    try {
      await link.disconnect(id);
      if (deleted) {
        await link.publish(deviceTopic(communeCode, id, 'status'), Buffer.alloc(0), {
          qos: 1,
          retain: true,
        });
      }
    } catch (error) {
      this.logger.warn(`Ending the broker session of device ${id}: ${(error as Error).message}`);
    }
  }
}

export {
  DeviceView,
  DeviceSelfView,
  NewEnrolmentCode,
  EnrolmentResult,
  EnrolmentView,
  CommandView,
} from './device.view';
