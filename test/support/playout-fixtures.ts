import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { BulletinTopic } from '../../src/bulletins/entities/bulletin-topic.entity';
import { Env, parseDatabaseUrl } from '../../src/config/load-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { Bulletin, BulletinPriority } from '../../src/bulletins/entities/bulletin.entity';
import { AudioAsset } from '../../src/media/entities/audio-asset.entity';
import { mediaPaths } from '../../src/media/media-paths';
import { ScheduleItem } from '../../src/schedule/entities/schedule-item.entity';
import { TestApp } from './test-app';

/** What the fixtures use of a running app (a test app, or a benchmark's service process). */
export type FixtureApp = Pick<TestApp, 'app'> & { storage: Pick<TestApp['storage'], 'env'> };

/**
 * Rows the as-run tests need from other features, written straight to the database so these
 * tests do not depend on audio processing or the planner.
 */
export async function insertBulletin(
  app: FixtureApp,
  spec: {
    communeCode: string | null;
    provinceCode: string;
    title: string;
    topics: string[];
    audioId?: string;
    priority?: BulletinPriority;
  },
): Promise<Bulletin> {
  const dataSource = app.app.get(DataSource);
  const now = new Date();
  const bulletin: Bulletin = {
    id: randomUUID(),
    ownerCode: spec.communeCode ?? spec.provinceCode,
    communeCode: spec.communeCode,
    provinceCode: spec.provinceCode,
    title: spec.title,
    body: null,
    audioId: spec.audioId ?? randomUUID(),
    priority: spec.priority ?? 'normal',
    status: 'approved',
    approvedBy: null,
    approvedAt: now,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
    revision: 1,
    demo: false,
  };
  await dataSource.manager.insert(Bulletin, bulletin);
  for (const topicCode of spec.topics) {
    await dataSource.manager.insert(BulletinTopic, { bulletinId: bulletin.id, topicCode });
  }
  return bulletin;
}

/**
 * The database of a service process that runs with `env`, opened beside it: for a test that
 * writes a row straight to the log while the service runs (an import or a bug, past the API's
 * checks). `destroy()` closes it.
 */
export async function openDatabase(env: Env): Promise<DataSource> {
  const source = new DataSource({
    ...dataSourceOptions(parseDatabaseUrl(String(env.DATABASE_URL), '/')),
    migrationsRun: false,
  });
  await source.initialize();
  return source;
}

/** A schedule item written straight to the database of a test app, or of a service (openDatabase). */
export async function insertScheduleItem(
  app: Pick<TestApp, 'app'> | DataSource,
  spec: {
    communeCode: string;
    /** null for a relay (then `sourceId`). */
    bulletinId: string | null;
    sourceId?: string;
    topics?: string[];
    startsAt: Date;
    durationMs: number;
    source?: ScheduleItem['source'];
    status?: ScheduleItem['status'];
    /** The zones it goes to; absent: every device of the commune. */
    zones?: string[] | null;
  },
): Promise<ScheduleItem> {
  const dataSource = app instanceof DataSource ? app : app.app.get(DataSource);
  const now = new Date();
  // A bulletin item carries a copy of its bulletin, as the schedule writes it.
  const bulletin = spec.bulletinId
    ? await dataSource.manager.findOneBy(Bulletin, { id: spec.bulletinId })
    : null;
  const bulletinTopics = spec.bulletinId
    ? await dataSource.manager.findBy(BulletinTopic, { bulletinId: spec.bulletinId })
    : [];
  const item: ScheduleItem = {
    id: randomUUID(),
    communeCode: spec.communeCode,
    bulletinId: spec.bulletinId,
    ...(spec.sourceId ? { sourceId: spec.sourceId, topics: spec.topics ?? [] } : {}),
    ...(bulletin ? { topics: bulletinTopics.map((topic) => topic.topicCode).sort() } : {}),
    title: bulletin?.title ?? null,
    priority: bulletin?.priority ?? null,
    revision: 0,
    startsAt: spec.startsAt,
    endsAt: new Date(spec.startsAt.getTime() + spec.durationMs),
    durationMs: spec.durationMs,
    status: spec.status ?? 'planned',
    source: spec.source ?? 'manual',
    zones: spec.zones ?? null,
    cancelReason: null,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
    demo: false,
  };
  await dataSource.manager.insert(ScheduleItem, item);
  return item;
}

/**
 * A processed rendition made with ffmpeg (a tone, or noise), registered as a ready audio asset:
 * what the player plays.
 */
export async function insertReadyAudio(
  app: FixtureApp,
  spec: { communeCode: string; provinceCode: string; durationMs: number; frequency?: number },
): Promise<AudioAsset> {
  const mediaDir = app.storage.env.MEDIA_DIR!;
  const id = randomUUID();
  const path = mediaPaths.rendition(mediaDir, id);
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${spec.frequency ?? 440}:duration=${spec.durationMs / 1000}`,
    '-ac',
    '1',
    '-ar',
    '44100',
    '-b:a',
    '128k',
    '-y',
    path,
  ]);
  const now = new Date();
  const asset = {
    id,
    ownerCode: spec.communeCode,
    communeCode: spec.communeCode,
    provinceCode: spec.provinceCode,
    sha256: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    source: 'upload',
    originalName: 'ban-tin.mp3',
    originalBytes: 1000,
    status: 'ready',
    progress: 100,
    durationMs: spec.durationMs,
    attempts: 1,
    createdAt: now,
    updatedAt: now,
    readyAt: now,
  } as Partial<AudioAsset>;
  await app.app.get(DataSource).manager.insert(AudioAsset, asset);
  return asset as AudioAsset;
}
