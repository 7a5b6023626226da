import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { LessThanOrEqual, MoreThan, Not } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { DeviceArrivals } from '../fleet/device-arrivals';
import { deviceStatus } from '../fleet/device-status';
import { deviceIsTargetable } from '../fleet/device-targeting';
import { DevicesService } from '../fleet/devices.service';
import { Device } from '../fleet/entities/device.entity';
import { liveStreamPath } from '../fleet/protocol';
import { FfmpegBinaries } from '../media/ffmpeg-binaries';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { itemTargetsDevice } from '../schedule/item-zones';
import { LiveStream } from './live-stream';

/** A live session on the air of a commune's devices. */
export interface FleetLive {
  sessionId: string;
  communeCode: string;
  item: ScheduleItem;
  stream: LiveStream;
}

/**
 * Live announcements in a commune that plays through its devices (speaker clusters): the session
 * becomes an item of the program log (`source: live`, priority between emergency and priority),
 * its speech one MP3 stream served to the devices (`GET /devices/:id/live/:sessionId`), and each
 * targeted device is told by a `play-live` command — at once when online, when it comes back
 * online while the session lasts. The commune's as-run record is built from the devices'
 * receipts, as for any item.
 */
@Injectable()
export class LiveFleet implements OnModuleInit {
  private readonly logger = new Logger(LiveFleet.name);
  private readonly onAir = new Map<string, FleetLive>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly devices: DevicesService,
    private readonly arrivals: DeviceArrivals,
    private readonly binaries: FfmpegBinaries,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.arrivals.listen((communeCode, deviceId) => this.joinLate(communeCode, deviceId));
  }

  /**
   * The devices of the commune a session for `zones` starting now reaches: enrolled, not revoked
   * (409 when none).
   */
  async targets(communeCode: string, zones: string[] | null): Promise<Device[]> {
    const now = this.clock.now();
    const session = { zones, startsAt: now, endsAt: now };
    const devices = (await this.devices.list(communeCode)).filter((device) =>
      deviceIsTargetable(device, session),
    );
    if (devices.length === 0) {
      throw new DomainError(
        'LIVE_NO_DEVICES',
        zones
          ? `No enrolled device of commune ${communeCode} is in zone ${zones.join(', ')}`
          : `No device of commune ${communeCode} is enrolled`,
        { zones },
      );
    }
    return devices;
  }

  /** The zones of the commune's devices, sorted (what a session may be sent to). */
  async zones(communeCode: string): Promise<string[]> {
    const devices = await this.devices.list(communeCode);
    return [...new Set(devices.flatMap((device) => device.zones))].sort();
  }

  /** An emergency item of the commune on air now: live speech waits until it ends. */
  async emergencyOnAir(communeCode: string): Promise<boolean> {
    const now = this.clock.now();
    const found = await this.db.manager.countBy(ScheduleItem, {
      communeCode,
      source: 'emergency',
      status: Not('cancelled'),
      startsAt: LessThanOrEqual(now),
      endsAt: MoreThan(now),
    });
    return found > 0;
  }

  /**
   * The speaker's first words: the item on the log (as long as the longest session until it
   * ends), the stream, and a `play-live` to every targeted online device.
   */
  async begin(
    session: { id: string; communeCode: string; zones: string[] | null; topics: string[] },
    actor: AuthUser,
  ): Promise<FleetLive> {
    const now = this.clock.now();
    const maxMs = this.config.live.maxSeconds * 1000;
    const item: ScheduleItem = {
      id: newId(now.getTime()),
      communeCode: session.communeCode,
      bulletinId: null,
      sourceId: null,
      topics: session.topics,
      title: null,
      priority: null,
      startsAt: now,
      endsAt: new Date(now.getTime() + maxMs),
      durationMs: maxMs,
      // Not the dispatcher's: the devices play it, their receipts record it.
      status: 'dispatched',
      source: 'live',
      zones: session.zones,
      cancelReason: null,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      revision: 0,
      demo: false,
    };
    await this.db.write(async (manager) => {
      await manager.insert(ScheduleItem, item);
      await this.audit.record(
        {
          action: 'live.aired',
          actor,
          targetType: 'schedule_item',
          targetId: item.id,
          communeCode: session.communeCode,
          detail: { sessionId: session.id, topics: session.topics, zones: session.zones },
        },
        manager,
      );
    });
    const live: FleetLive = {
      sessionId: session.id,
      communeCode: session.communeCode,
      item,
      stream: new LiveStream(this.binaries.ffmpegPath, maxMs),
    };
    this.onAir.set(session.id, live);
    const devices = await this.targets(session.communeCode, session.zones).catch(() => []);
    const at = this.devices.liveness();
    await Promise.all(
      devices
        .filter((device) => deviceStatus(device, at) === 'online')
        .map((device) => this.tell(live, device)),
    );
    return live;
  }

  /**
   * The device's stream of the session: false when the session is not on air for it (another
   * commune, another zone, or over).
   */
  listen(device: Device, sessionId: string, listener: Writable): boolean {
    const live = this.onAir.get(sessionId);
    if (!live || live.communeCode !== device.communeCode) return false;
    if (!itemTargetsDevice(live.item.zones, device.zones)) return false;
    return live.stream.listen(listener);
  }

  /**
   * The session is over after `spokenMs` of speech: the stream ends (the devices' players stop
   * with it) and the item takes its real length, so the receipts' grace counts from its end.
   */
  async finish(live: FleetLive, spokenMs: number): Promise<void> {
    try {
      await live.stream.end();
    } finally {
      this.onAir.delete(live.sessionId);
    }
    const durationMs = Math.max(1, Math.round(spokenMs));
    const endsAt = new Date(live.item.startsAt.getTime() + durationMs);
    live.item.durationMs = durationMs;
    live.item.endsAt = endsAt;
    await this.db.write((manager) =>
      manager.update(
        ScheduleItem,
        { id: live.item.id },
        { durationMs, endsAt, updatedAt: this.clock.now() },
      ),
    );
  }

  private async joinLate(communeCode: string, deviceId: string): Promise<void> {
    for (const live of this.onAir.values()) {
      if (live.communeCode !== communeCode) continue;
      const device = (await this.devices.list(communeCode)).find((one) => one.id === deviceId);
      if (device && deviceIsTargetable(device, live.item)) {
        this.logger.log(`Device ${deviceId} back online: joins live session ${live.sessionId}`);
        await this.tell(live, device);
      }
    }
  }

  private async tell(live: FleetLive, device: Device): Promise<void> {
    try {
      await this.devices.publishCommand(
        device,
        {
          type: 'play-live',
          scheduleItemId: live.item.id,
          url: liveStreamPath(device.id, live.sessionId),
          startsAt: live.item.startsAt.toISOString(),
        },
        live.item.createdBy,
      );
    } catch (error) {
      this.logger.warn(`play-live to device ${device.id}: ${(error as Error).message}`);
    }
  }
}
