import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { formatLocalInstant } from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { toInstant } from '../database/columns';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { OPEN_ITEM_STATUSES } from '../schedule/program-log.repository';
import { CreateSourceDto, UpdateSourceDto } from './dto/source.dto';
import { StreamSource } from './entities/stream-source.entity';
import { SourceChecker } from './source-checker';
import { streamRulesOf } from './pinned-stream-puller';
import { assertSafeSourceUrl, HostLookup } from './source-urls';
import { SourceCheckView, SourceView } from './source.view';

export function sourceView(source: StreamSource): SourceView {
  return {
    id: source.id,
    provinceCode: source.provinceCode,
    name: source.name,
    urls: source.urls,
    fallbackBulletinId: source.fallbackBulletinId,
    createdAt: formatLocalInstant(source.createdAt),
    updatedAt: formatLocalInstant(source.updatedAt),
  };
}

/**
 * A province's stream sources for relays: monitors and admins keep them, the province's commune
 * users read them (to put relays on their logs). Every URL passes `assertSafeSourceUrl` when it
 * is saved and again when it is checked or played, since the service fetches it; the fetches
 * themselves (`pullSource`) check again the address they connect to and every redirect.
 */
@Injectable()
export class SourcesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly checker: SourceChecker,
    private readonly clock: Clock,
  ) {
    this.lookup = streamRulesOf(config).lookup;
  }

  /** Host names resolved as every fetch of a source resolves them (SOURCES_DNS_SERVERS). */
  private readonly lookup: HostLookup;

  async list(provinceCode: string, user: AuthUser): Promise<SourceView[]> {
    this.assertReader(provinceCode, user);
    const sources = await this.db.manager.find(StreamSource, {
      where: { provinceCode },
      order: { name: 'ASC', id: 'ASC' },
    });
    return sources.map(sourceView);
  }

  async get(provinceCode: string, id: string, user: AuthUser): Promise<SourceView> {
    this.assertReader(provinceCode, user);
    return sourceView(await this.find(this.db.manager, provinceCode, id));
  }

  async create(provinceCode: string, input: CreateSourceDto, actor: AuthUser): Promise<SourceView> {
    this.geo.province(provinceCode);
    const urls = await this.safeUrls(input.urls);
    const source = await this.db.write(async (manager) => {
      const fallbackBulletinId = await this.fallback(
        manager,
        provinceCode,
        input.fallbackBulletinId,
      );
      const now = this.clock.now();
      const source: StreamSource = {
        id: newId(),
        provinceCode,
        name: input.name.normalize('NFC'),
        urls,
        fallbackBulletinId,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
      };
      await manager.insert(StreamSource, source);
      await this.audit.record(
        {
          action: 'source.created',
          actor,
          targetType: 'stream_source',
          targetId: source.id,
          provinceCode,
          detail: { name: source.name, urls },
        },
        manager,
      );
      return source;
    });
    return sourceView(source);
  }

  async update(
    provinceCode: string,
    id: string,
    input: UpdateSourceDto,
    actor: AuthUser,
  ): Promise<SourceView> {
    const urls = input.urls ? await this.safeUrls(input.urls) : undefined;
    const source = await this.db.write(async (manager) => {
      const source = await this.find(manager, provinceCode, id);
      if (input.name !== undefined) source.name = input.name.normalize('NFC');
      if (urls) source.urls = urls;
      if (input.fallbackBulletinId !== undefined) {
        source.fallbackBulletinId = await this.fallback(
          manager,
          provinceCode,
          input.fallbackBulletinId,
        );
      }
      source.updatedAt = this.clock.now();
      await manager.update(
        StreamSource,
        { id },
        {
          name: source.name,
          urls: source.urls,
          fallbackBulletinId: source.fallbackBulletinId,
          updatedAt: source.updatedAt,
        },
      );
      await this.audit.record(
        {
          action: 'source.updated',
          actor,
          targetType: 'stream_source',
          targetId: id,
          provinceCode,
          detail: { name: source.name, urls: source.urls },
        },
        manager,
      );
      return source;
    });
    return sourceView(source);
  }

  /** Refused (409 SOURCE_IN_USE) while a relay that has not ended uses it. */
  async remove(provinceCode: string, id: string, actor: AuthUser): Promise<void> {
    await this.db.write(async (manager) => {
      const source = await this.find(manager, provinceCode, id);
      const using = await manager
        .createQueryBuilder(ScheduleItem, 'item')
        .where('item.sourceId = :id', { id })
        .andWhere('item.status IN (:...open)', { open: OPEN_ITEM_STATUSES })
        .andWhere('item.endsAt > :now', { now: toInstant(this.clock.now()) })
        .orderBy('item.startsAt', 'ASC')
        .take(20)
        .getMany();
      if (using.length > 0) {
        throw new DomainError(
          'SOURCE_IN_USE',
          `Source "${source.name}" is relayed by ${using.length}${using.length === 20 ? '+' : ''} item(s) still to play; cancel them first`,
          {
            items: using.map((item) => ({
              id: item.id,
              communeCode: item.communeCode,
              startsAt: formatLocalInstant(item.startsAt),
            })),
          },
        );
      }
      await manager.delete(StreamSource, { id });
      await this.audit.record(
        {
          action: 'source.deleted',
          actor,
          targetType: 'stream_source',
          targetId: id,
          provinceCode,
          detail: { name: source.name },
        },
        manager,
      );
    });
  }

  /** Each URL: reachable, codec, sample rate, channels and the loudness of 10 s. */
  async check(provinceCode: string, id: string): Promise<SourceCheckView> {
    const source = await this.find(this.db.manager, provinceCode, id);
    const urls = await Promise.all(
      source.urls.map(async (url) => {
        try {
          await assertSafeSourceUrl(url, this.config.sources.allowedHosts, this.lookup);
        } catch (error) {
          return SourceChecker.unreachable(url, (error as Error).message);
        }
        return this.checker.check(url, this.config.sources.checkTimeoutMs);
      }),
    );
    return { id: source.id, urls };
  }

  /**
   * The source a relay of `communeCode` names: one of the commune's province (else 404, as a
   * source the caller may not see).
   */
  async forCommune(manager: EntityManager, id: string, communeCode: string): Promise<StreamSource> {
    const commune = this.geo.commune(communeCode);
    return this.find(manager, commune.provinceCode, id);
  }

  /** Source names by id (a relay's view title); gone sources are absent. */
  async namesOf(manager: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const found = await manager.findBy(StreamSource, { id: In(unique) });
    return new Map(found.map((source) => [source.id, source.name]));
  }

  /** The URLs a relay may fetch now (checked again: DNS may have changed since it was saved). */
  safeUrls(urls: readonly string[]): Promise<string[]> {
    return Promise.all(
      urls.map((url) => assertSafeSourceUrl(url, this.config.sources.allowedHosts, this.lookup)),
    ).then((safe) => {
      if (new Set(safe).size !== safe.length) {
        throw new DomainError('VALIDATION_FAILED', 'urls must not repeat a URL');
      }
      return safe;
    });
  }

  private async find(
    manager: EntityManager,
    provinceCode: string,
    id: string,
  ): Promise<StreamSource> {
    this.geo.province(provinceCode);
    const source = /^[0-9a-f-]{36}$/i.test(id)
      ? await manager.findOneBy(StreamSource, { id, provinceCode })
      : null;
    if (!source) {
      throw new DomainError(
        'SOURCE_NOT_FOUND',
        `Source ${id} is not a source of province ${provinceCode}`,
        {
          sourceId: id,
        },
      );
    }
    return source;
  }

  /** A fallback is an approved bulletin of the province's library (every commune may play it). */
  private async fallback(
    manager: EntityManager,
    provinceCode: string,
    bulletinId: string | null | undefined,
  ): Promise<string | null> {
    if (!bulletinId) return null;
    const bulletin = await manager.findOneBy(Bulletin, { id: bulletinId });
    if (!bulletin || bulletin.provinceCode !== provinceCode || bulletin.communeCode !== null) {
      throw new DomainError(
        'BULLETIN_NOT_FOUND',
        `Bulletin ${bulletinId} is not in the library of province ${provinceCode}; a fallback must be a province bulletin every commune may play`,
        { bulletinId },
      );
    }
    if (bulletin.status !== 'approved') {
      throw new DomainError(
        'BULLETIN_NOT_APPROVED',
        `Bulletin "${bulletin.title}" is ${bulletin.status}; a fallback must be approved`,
        { bulletinId },
      );
    }
    return bulletin.id;
  }

  /** Monitors and admins of the province; its communes' operators and approvers may read. */
  private assertReader(provinceCode: string, user: AuthUser): void {
    this.geo.province(provinceCode);
    if (user.role === 'admin' || user.provinceCode === provinceCode) return;
    if (user.communeCode && this.geo.commune(user.communeCode).provinceCode === provinceCode)
      return;
    throw new DomainError('FORBIDDEN', `No access to the sources of province ${provinceCode}`);
  }
}

export { SourceView } from './source.view';
