import { Inject, Injectable, Logger } from '@nestjs/common';
import { BulletinsRepository } from '../bulletins/bulletins.repository';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { MediaService } from '../media/media.service';
import { bulletinIdsOf } from '../schedule/item-content';
import { itemTargetsDevice } from '../schedule/item-zones';
import { PolicyChecks } from '../schedule/policy-checks';
import { OPEN_ITEM_STATUSES, ProgramLogRepository } from '../schedule/program-log.repository';
import { Device } from './entities/device.entity';
import { audioContentPath, Manifest, ManifestItem } from './protocol';

/**
 * The manifest of a device: the open (planned or dispatched) items of its commune that have not
 * ended and start before `DEVICE_MANIFEST_HOURS` from now, targeted at it (itemTargetsDevice),
 * in start order, each with its bulletin's priority and its rendition's sha256 and size, and the
 * commune's broadcast policy (the device refuses what breaks it, DESIGN.md principle 9).
 */
@Injectable()
export class DeviceManifestService {
  private readonly logger = new Logger(DeviceManifestService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly programLog: ProgramLogRepository,
    private readonly bulletins: BulletinsRepository,
    private readonly media: MediaService,
    private readonly clock: Clock,
    private readonly policy: PolicyChecks,
  ) {}

  async manifest(device: Device): Promise<Manifest> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.config.fleet.manifestHours * 3600 * 1000);
    const items = (
      await this.programLog.itemsTouching(this.db.manager, device.communeCode, now, horizon)
    ).filter(
      (item) =>
        OPEN_ITEM_STATUSES.includes(item.status) && itemTargetsDevice(item.zones, device.zones),
    );
    const records = new Map(
      (await this.bulletins.recordsById(bulletinIdsOf(items))).map((record) => [
        record.bulletin.id,
        record,
      ]),
    );
    const entries: ManifestItem[] = [];
    for (const item of items) {
      if (item.bulletinId === null) {
        // Relays do not reach devices yet: the protocol has no relay item (see docs).
        this.logger.warn(`Relay ${item.id} left out of device ${device.id}'s manifest`);
        continue;
      }
      const record = records.get(item.bulletinId);
      const file =
        record?.audio?.status === 'ready' ? await this.media.rendition(record.audio) : null;
      if (!record || !record.audio || !file) {
        // The player would fail it too; the device cannot fetch what is not there.
        this.logger.warn(`Item ${item.id} left out of device ${device.id}'s manifest: no audio`);
        continue;
      }
      entries.push({
        scheduleItemId: item.id,
        startsAt: item.startsAt.toISOString(),
        durationMs: item.durationMs,
        zones: item.zones,
        priority: record.bulletin.priority,
        audio: {
          id: record.audio.id,
          sha256: file.sha256,
          bytes: file.bytes,
          url: audioContentPath(record.audio.id),
        },
      });
    }
    const { quietHours, maxSessionMinutes, maxDailyMinutes, unattendedRelaysAtNight } =
      await this.policy.forCommune(this.db.manager, device.communeCode);
    return {
      generatedAt: now.toISOString(),
      horizonUntil: horizon.toISOString(),
      items: entries,
      policy: { quietHours, maxSessionMinutes, maxDailyMinutes, unattendedRelaysAtNight },
    };
  }
}
