import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntityManager } from 'typeorm';
import { changedFields } from '../auth/audit-changes';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { placeholders, selectRows } from '../database/bulk-insert';
import { Db } from '../database/db.service';
import { CreateTopicDto, UpdateTopicDto } from './dto/topic.dto';
import { Topic } from './entities/topic.entity';
import { changedText } from '../common/text';

export const TOPICS_FILE = 'topics.json';
/** Codes per lookup query (under SQLite's bound-parameter limit). */
const LOOKUP_CHUNK = 500;

/** TOPIC_UNKNOWN (422) naming the codes no topic has (`topics`), wherever codes are checked. */
export function unknownTopics(codes: readonly string[]): DomainError {
  return new DomainError('TOPIC_UNKNOWN', `Unknown topic: ${codes.join(', ')}`, {
    topics: [...codes],
  });
}

@Injectable()
export class TopicsService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Adds the topics of config/topics.json that the database does not have; edits made by API stay. */
  async onApplicationBootstrap(): Promise<void> {
    const seed = JSON.parse(
      readFileSync(join(this.config.configDir, TOPICS_FILE), 'utf8'),
    ) as CreateTopicDto[];
    const now = this.clock.now();
    await this.db.write(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Topic)
        .values(
          seed.map((topic) => ({
            ...topic,
            description: topic.description ?? null,
            createdAt: now,
            updatedAt: now,
          })),
        )
        .orIgnore()
        .execute();
    });
  }

  list(): Promise<Topic[]> {
    return this.db.manager.find(Topic, { order: { createdAt: 'ASC', code: 'ASC' } });
  }

  async get(code: string): Promise<Topic> {
    const topic = await this.db.manager.findOneBy(Topic, { code });
    if (!topic)
      throw new DomainError('TOPIC_NOT_FOUND', `Topic ${code} not found`, { topic: code });
    return topic;
  }

  /** The codes among `codes` that name a topic. */
  async knownCodes(
    codes: Iterable<string>,
    manager: EntityManager = this.db.manager,
  ): Promise<Set<string>> {
    const unique = [...new Set(codes)];
    const known = new Set<string>();
    for (let start = 0; start < unique.length; start += LOOKUP_CHUNK) {
      const slice = unique.slice(start, start + LOOKUP_CHUNK);
      // Plain SQL: every post and import checks its topics here, and only the codes are read.
      const found = await selectRows<{ code: string }>(
        manager,
        `SELECT code FROM topic WHERE code IN (${placeholders(slice.length)})`,
        slice,
      );
      for (const topic of found) known.add(topic.code);
    }
    return known;
  }

  /** Throws TOPIC_UNKNOWN (422) naming every code that is not a known topic. */
  async assertKnown(codes: string[], manager: EntityManager = this.db.manager): Promise<void> {
    const unique = [...new Set(codes)];
    const known = await this.knownCodes(unique, manager);
    const unknown = unique.filter((code) => !known.has(code));
    if (unknown.length > 0) {
      throw unknownTopics(unknown);
    }
  }

  async create(input: CreateTopicDto, actor: AuthUser): Promise<Topic> {
    return this.db.write(async (manager) => {
      if (await manager.findOneBy(Topic, { code: input.code })) {
        throw new DomainError('TOPIC_EXISTS', `Topic ${input.code} already exists`, {
          topic: input.code,
        });
      }
      const now = this.clock.now();
      const topic: Topic = {
        code: input.code,
        name: input.name,
        description: input.description || null,
        createdAt: now,
        updatedAt: now,
      };
      await manager.insert(Topic, topic);
      await this.audit.record(
        { action: 'topic.created', actor, targetType: 'topic', targetId: topic.code },
        manager,
      );
      return topic;
    });
  }

  async update(code: string, input: UpdateTopicDto, actor: AuthUser): Promise<Topic> {
    return this.db.write(async (manager) => {
      const topic = await manager.findOneBy(Topic, { code });
      if (!topic)
        throw new DomainError('TOPIC_NOT_FOUND', `Topic ${code} not found`, { topic: code });
      const before = { ...topic };
      topic.name = input.name ?? topic.name;
      topic.description = changedText(input.description, topic.description);
      topic.updatedAt = this.clock.now();
      await manager.save(Topic, topic);
      await this.audit.record(
        {
          action: 'topic.updated',
          actor,
          targetType: 'topic',
          targetId: code,
          detail: { changes: changedFields(before, topic, ['name', 'description']) },
        },
        manager,
      );
      return topic;
    });
  }
}
