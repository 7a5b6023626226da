import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Db } from '../database/db.service';
import { AudioAsset } from '../media/entities/audio-asset.entity';
import { BulletinTopic } from './entities/bulletin-topic.entity';
import { Bulletin, BulletinStatus } from './entities/bulletin.entity';

const CHUNK = 500;

export interface BulletinFilter {
  /** The commune's own bulletins (with `includeLibrary`, its province's library too). */
  communeCode?: string;
  /** The province library only. */
  libraryOf?: string;
  includeLibraryOf?: string;
  status?: BulletinStatus;
  topic?: string;
  /** Drafts the approver sent back (true) or those waiting for the approver (false). */
  sentBack?: boolean;
}

/** A bulletin with what scheduling needs to know of it. */
export interface BulletinRecord {
  bulletin: Bulletin;
  topics: string[];
  audio: AudioAsset | null;
}

/** Database access for bulletins and their topic tags. */
@Injectable()
export class BulletinsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The bulletin, optionally share-locked until the transaction ends (PostgreSQL): a concurrent
   * change of its status then waits, so an item is never added for a bulletin leaving `approved`.
   */
  async find(
    id: string,
    manager: EntityManager = this.db.manager,
    lock: 'share' | 'update' | 'none' = 'none',
  ): Promise<Bulletin | null> {
    const query = manager
      .createQueryBuilder(Bulletin, 'bulletin')
      .where('bulletin.id = :id', { id });
    if (!this.db.isSqlite && lock !== 'none') {
      query.setLock(lock === 'share' ? 'pessimistic_read' : 'pessimistic_write');
    }
    return query.getOne();
  }

  async findRecord(
    id: string,
    manager: EntityManager = this.db.manager,
    lock: 'share' | 'update' | 'none' = 'none',
  ): Promise<BulletinRecord | null> {
    const bulletin = await this.find(id, manager, lock);
    if (!bulletin) return null;
    const [record] = await this.records([bulletin], manager);
    return record;
  }

  /** With `shareLock`, the rows stay share-locked until the transaction ends (PostgreSQL). */
  async list(
    filter: BulletinFilter,
    manager: EntityManager = this.db.manager,
    shareLock = false,
  ): Promise<Bulletin[]> {
    const { includeLibraryOf, ...rest } = filter;
    if (rest.communeCode !== undefined && includeLibraryOf !== undefined) {
      // Two indexed queries rather than one OR that would scan every bulletin.
      const own = await this.list(rest, manager, shareLock);
      const library = await this.list(
        { ...rest, communeCode: undefined, libraryOf: includeLibraryOf },
        manager,
        shareLock,
      );
      return [...own, ...library].sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id),
      );
    }
    const query = manager
      .createQueryBuilder(Bulletin, 'bulletin')
      .orderBy('bulletin.createdAt', 'DESC')
      .addOrderBy('bulletin.id', 'ASC');
    if (shareLock && !this.db.isSqlite) query.setLock('pessimistic_read');
    if (filter.communeCode !== undefined) {
      query.andWhere('bulletin.communeCode = :communeCode', { communeCode: filter.communeCode });
    }
    if (filter.libraryOf !== undefined) {
      query
        .andWhere('bulletin.communeCode IS NULL')
        .andWhere('bulletin.provinceCode = :libraryOf', { libraryOf: filter.libraryOf });
    }
    if (filter.status) query.andWhere('bulletin.status = :status', { status: filter.status });
    if (filter.sentBack !== undefined) {
      query.andWhere(`bulletin.sentBackAt IS ${filter.sentBack ? 'NOT ' : ''}NULL`);
    }
    if (filter.topic) {
      query.andWhere(
        'EXISTS (SELECT 1 FROM bulletin_topic tag WHERE tag.bulletin_id = bulletin.id AND tag.topic_code = :topic)',
        { topic: filter.topic },
      );
    }
    return query.getMany();
  }

  /** The bulletins of these ids (those that exist) with their topics and audio. */
  async recordsById(
    ids: readonly string[],
    manager: EntityManager = this.db.manager,
  ): Promise<BulletinRecord[]> {
    const unique = [...new Set(ids)];
    const bulletins: Bulletin[] = [];
    for (let index = 0; index < unique.length; index += CHUNK) {
      bulletins.push(
        ...(await manager.findBy(Bulletin, { id: In(unique.slice(index, index + CHUNK)) })),
      );
    }
    return this.records(bulletins, manager);
  }

  /** Attaches topics and audio to bulletins, in a few queries. */
  async records(
    bulletins: readonly Bulletin[],
    manager: EntityManager = this.db.manager,
  ): Promise<BulletinRecord[]> {
    const topics = await this.topicsOf(
      bulletins.map((bulletin) => bulletin.id),
      manager,
    );
    const audioIds = [...new Set(bulletins.map((bulletin) => bulletin.audioId))];
    const audio = new Map<string, AudioAsset>();
    for (let index = 0; index < audioIds.length; index += CHUNK) {
      const found = await manager.findBy(AudioAsset, {
        id: In(audioIds.slice(index, index + CHUNK)),
      });
      for (const asset of found) audio.set(asset.id, asset);
    }
    return bulletins.map((bulletin) => ({
      bulletin,
      topics: topics.get(bulletin.id) ?? [],
      audio: audio.get(bulletin.audioId) ?? null,
    }));
  }

  /** Topic codes by bulletin id, sorted. */
  async topicsOf(
    bulletinIds: readonly string[],
    manager: EntityManager = this.db.manager,
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    const unique = [...new Set(bulletinIds)];
    for (let index = 0; index < unique.length; index += CHUNK) {
      const tags = await manager.findBy(BulletinTopic, {
        bulletinId: In(unique.slice(index, index + CHUNK)),
      });
      for (const tag of tags) {
        result.set(tag.bulletinId, [...(result.get(tag.bulletinId) ?? []), tag.topicCode]);
      }
    }
    for (const codes of result.values()) codes.sort();
    return result;
  }

  /**
   * Approved bulletins with ready audio that each commune (of one province) may schedule: its own
   * and the province library, by commune, newest first, in a few queries.
   */
  async schedulableByAll(
    communeCodes: readonly string[],
    provinceCode: string,
    manager: EntityManager = this.db.manager,
    shareLock = false,
  ): Promise<Map<string, BulletinRecord[]>> {
    const own: Bulletin[] = [];
    for (let index = 0; index < communeCodes.length; index += CHUNK) {
      const query = manager
        .createQueryBuilder(Bulletin, 'bulletin')
        .where('bulletin.communeCode IN (:...codes)', {
          codes: communeCodes.slice(index, index + CHUNK),
        })
        .andWhere('bulletin.status = :status', { status: 'approved' });
      if (shareLock && !this.db.isSqlite) query.setLock('pessimistic_read');
      own.push(...(await query.getMany()));
    }
    const library = await this.list(
      { libraryOf: provinceCode, status: 'approved' },
      manager,
      shareLock,
    );
    const schedulable = (await this.records([...own, ...library], manager)).filter(
      (record) => record.audio?.status === 'ready' && (record.audio.durationMs ?? 0) > 0,
    );
    const shared = schedulable.filter((record) => record.bulletin.communeCode === null);
    const byCommune = new Map<string, BulletinRecord[]>(
      communeCodes.map((code) => [code, [...shared]]),
    );
    for (const record of schedulable) {
      const code = record.bulletin.communeCode;
      if (code !== null) byCommune.get(code)?.push(record);
    }
    for (const records of byCommune.values()) {
      records.sort(
        (a, b) =>
          b.bulletin.createdAt.getTime() - a.bulletin.createdAt.getTime() ||
          a.bulletin.id.localeCompare(b.bulletin.id),
      );
    }
    return byCommune;
  }

  async replaceTopics(
    manager: EntityManager,
    bulletinId: string,
    topics: readonly string[],
  ): Promise<void> {
    await manager.delete(BulletinTopic, { bulletinId });
    await manager.insert(
      BulletinTopic,
      [...new Set(topics)].map((topicCode) => ({ bulletinId, topicCode })),
    );
  }
}
