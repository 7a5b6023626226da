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
import { StreamSource } from '../sources/entities/stream-source.entity';
import { In } from 'typeorm';
import {
  audioContentPath,
  Manifest,
  MANIFEST_PROTOCOL,
  ManifestAudio,
  ManifestItem,
} from './protocol';

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

  /**
   * `protocol` is the version the device asked for: 1 (bulletins only) or 2, which adds relay
   * items (their URLs, and their fallback bulletin's audio to cache like any bulletin's).
   */
  async manifest(device: Device, protocol = 1): Promise<Manifest> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.config.fleet.manifestHours * 3600 * 1000);
    const items = (
      await this.programLog.itemsTouching(this.db.manager, device.communeCode, now, horizon)
    ).filter(
      (item) =>
        OPEN_ITEM_STATUSES.includes(item.status) &&
        // A live announcement reaches the devices by its `play-live` command, not the manifest.
        item.source !== 'live' &&
        itemTargetsDevice(item.zones, device.zones),
    );
    const relays = protocol >= MANIFEST_PROTOCOL;
    const sources = relays ? await this.sourcesOf(items) : new Map<string, StreamSource>();
    const fallbackIds = [...sources.values()].flatMap((source) =>
      source.fallbackBulletinId ? [source.fallbackBulletinId] : [],
    );
    const records = new Map(
      (await this.bulletins.recordsById([...bulletinIdsOf(items), ...fallbackIds])).map(
        (record) => [record.bulletin.id, record],
      ),
    );
    const audioOf = async (bulletinId: string): Promise<ManifestAudio | null> => {
      const record = records.get(bulletinId);
      const file =
        record?.audio?.status === 'ready' ? await this.media.rendition(record.audio) : null;
      if (!record?.audio || !file) return null;
      const id = record.audio.id;
      return { id, sha256: file.sha256, bytes: file.bytes, url: audioContentPath(id) };
    };
    const entries: ManifestItem[] = [];
    for (const item of items) {
      const common = {
        scheduleItemId: item.id,
        startsAt: item.startsAt.toISOString(),
        durationMs: item.durationMs,
        zones: item.zones,
      };
      if (item.bulletinId === null) {
        const source = item.sourceId ? sources.get(item.sourceId) : undefined;
        if (!source) {
          // Protocol 1 has no relay item; a deleted source has nothing to relay.
          this.logger.warn(`Relay ${item.id} left out of device ${device.id}'s manifest`);
          continue;
        }
        const fallbackId = source.fallbackBulletinId;
        const audio = fallbackId ? await audioOf(fallbackId) : null;
        entries.push({
          ...common,
          priority: 'normal',
          kind: 'relay',
          audio,
          relay: {
            sourceName: source.name,
            urls: source.urls,
            fallbackBulletinId: audio ? fallbackId : null,
          },
        });
        continue;
      }
      const audio = await audioOf(item.bulletinId);
      if (!audio) {
        // The player would fail it too; the device cannot fetch what is not there.
        this.logger.warn(`Item ${item.id} left out of device ${device.id}'s manifest: no audio`);
        continue;
      }
      const priority = records.get(item.bulletinId)!.bulletin.priority;
      entries.push({ ...common, priority, ...(relays ? { kind: 'bulletin' } : {}), audio });
    }
    const { quietHours, maxSessionMinutes, maxDailyMinutes, unattendedRelaysAtNight } =
      await this.policy.forCommune(this.db.manager, device.communeCode);
    return {
      ...(relays ? { protocol: MANIFEST_PROTOCOL } : {}),
      generatedAt: now.toISOString(),
      horizonUntil: horizon.toISOString(),
      items: entries,
      policy: { quietHours, maxSessionMinutes, maxDailyMinutes, unattendedRelaysAtNight },
    };
  }

  /** The stream sources the relay items name. */
  private async sourcesOf(
    items: readonly { sourceId?: string | null }[],
  ): Promise<Map<string, StreamSource>> {
    const ids = [...new Set(items.flatMap((item) => (item.sourceId ? [item.sourceId] : [])))];
    if (ids.length === 0) return new Map();
    const found = await this.db.manager.findBy(StreamSource, { id: In(ids) });
    return new Map(found.map((source) => [source.id, source]));
  }
}
