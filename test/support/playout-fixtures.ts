import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BulletinTopic } from '../../src/bulletins/entities/bulletin-topic.entity';
import { Bulletin, BulletinPriority } from '../../src/bulletins/entities/bulletin.entity';
import { ScheduleItem } from '../../src/schedule/entities/schedule-item.entity';
import { TestApp } from './test-app';

/**
 * Rows the as-run tests need from other features, written straight to the database so these
 * tests do not depend on audio processing or the planner.
 */
export async function insertBulletin(
  app: TestApp,
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
    demo: false,
  };
  await dataSource.manager.insert(Bulletin, bulletin);
  for (const topicCode of spec.topics) {
    await dataSource.manager.insert(BulletinTopic, { bulletinId: bulletin.id, topicCode });
  }
  return bulletin;
}

export async function insertScheduleItem(
  app: TestApp,
  spec: { communeCode: string; bulletinId: string; startsAt: Date; durationMs: number },
): Promise<ScheduleItem> {
  const dataSource = app.app.get(DataSource);
  const now = new Date();
  const item: ScheduleItem = {
    id: randomUUID(),
    communeCode: spec.communeCode,
    bulletinId: spec.bulletinId,
    startsAt: spec.startsAt,
    endsAt: new Date(spec.startsAt.getTime() + spec.durationMs),
    durationMs: spec.durationMs,
    status: 'planned',
    source: 'manual',
    cancelReason: null,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
    demo: false,
  };
  await dataSource.manager.insert(ScheduleItem, item);
  return item;
}
