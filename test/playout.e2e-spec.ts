import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { ScheduleChanges } from '../src/schedule/schedule-changes';
import { QueueName } from '../src/queue/queue.constants';
import { archivePath } from '../src/playout/sinks/sink-targets';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  deleteRedisPrefix,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const PROVINCE = '38';
const ON_TIME = '14797';
const ARCHIVED = '14758';
const EMERGENCY = '14812';
const LATE = '14818';
const QUEUE = '14845';

const TOLERANCE_MS = 4000;

jest.setTimeout(60000);

interface RecordJson {
  seq: number;
  scheduleItemId: string | null;
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: string;
  source: string;
  reason: string | null;
  topics: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('playout (e2e, null and file sinks, real time)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let queue: Queue;

  const records = async (commune: string) =>
    (await app.http().get(`/api/v1/communes/${commune}/playout-log`).set(bearer(admin)).expect(200))
      .body as RecordJson[];
  const verify = async (commune: string) =>
    (
      await app
        .http()
        .get(`/api/v1/communes/${commune}/playout-log/verify`)
        .set(bearer(admin))
        .expect(200)
    ).body as { ok: boolean; count: number };

  /** Waits until the commune's log has `count` records (or the time is up). */
  async function waitForRecords(commune: string, count: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await records(commune);
      if (found.length >= count || Date.now() > deadline) return found;
      await sleep(250);
    }
  }

  async function bulletinWithAudio(
    commune: string,
    durationMs: number,
    title: string,
    priority: 'normal' | 'emergency' = 'normal',
  ) {
    const audio = await insertReadyAudio(app, {
      communeCode: commune,
      provinceCode: PROVINCE,
      durationMs,
    });
    return insertBulletin(app, {
      communeCode: commune,
      provinceCode: PROVINCE,
      title,
      topics: ['kinh-te-so', 'chinh-quyen-so'],
      audioId: audio.id,
      priority,
    });
  }

  /** Items on the log, announced the way the schedule feature announces them. */
  async function schedule(commune: string, bulletinId: string, starts: Date[], durationMs: number) {
    const items: ScheduleItem[] = [];
    for (const startsAt of starts) {
      items.push(
        await insertScheduleItem(app, { communeCode: commune, bulletinId, startsAt, durationMs }),
      );
    }
    app.app.get(ScheduleChanges).emit({
      communeCode: commune,
      kind: 'created',
      itemIds: items.map((item) => item.id),
    });
    return items;
  }

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {
      PLAYOUT_SINK: 'null',
      PLAYOUT_SINK_BY_COMMUNE: `${ARCHIVED}=file`,
      PLAYOUT_LATE_TOLERANCE_MS: String(TOLERANCE_MS),
      PLAYOUT_PREROLL_MS: '1500',
      PLAYOUT_RECONCILE_SECONDS: '1',
    });
    admin = await app.login(ADMIN.username, ADMIN.password);
    queue = app.app.get<Queue>(getQueueToken(QueueName.Playout));
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('airs three items a few seconds apart, each within 50 ms of its start', async () => {
    const bulletin = await bulletinWithAudio(ON_TIME, 1500, 'Bản tin chuyển đổi số buổi sáng');
    const base = Date.now() + 3000;
    const items = await schedule(
      ON_TIME,
      bulletin.id,
      [base, base + 3000, base + 6000].map((ms) => new Date(ms)),
      1500,
    );
    const found = await waitForRecords(ON_TIME, 3, 20000);
    expect(found.map((record) => [record.scheduleItemId, record.outcome, record.source])).toEqual(
      items.map((item) => [item.id, 'aired', 'automation']),
    );
    for (const [index, record] of found.entries()) {
      const errorMs = Date.parse(record.startedAt) - items[index].startsAt.getTime();
      expect(Math.abs(errorMs)).toBeLessThanOrEqual(50);
      expect(record.playedMs).toBeGreaterThanOrEqual(1450);
      expect(record.playedMs).toBeLessThanOrEqual(1550);
      expect(Date.parse(record.endedAt) - Date.parse(record.startedAt)).toBe(record.playedMs);
      expect(record.topics).toEqual(['chinh-quyen-so', 'kinh-te-so']);
    }
    expect(await verify(ON_TIME)).toEqual({ ok: true, count: 3 });
    const statuses = await app.app
      .get(DataSource)
      .manager.findBy(ScheduleItem, { communeCode: ON_TIME });
    expect(statuses.map((item) => item.status)).toEqual(['aired', 'aired', 'aired']);
  });

  it('writes what aired to the archive by date with the file sink', async () => {
    const bulletin = await bulletinWithAudio(
      ARCHIVED,
      2000,
      'Mô hình chính quyền địa phương 2 cấp',
    );
    const [item] = await schedule(ARCHIVED, bulletin.id, [new Date(Date.now() + 2500)], 2000);
    const [record] = await waitForRecords(ARCHIVED, 1, 15000);
    expect(record).toMatchObject({ outcome: 'aired', scheduleItemId: item.id });
    const path = archivePath(`${storage.env.MEDIA_DIR}/archive`, ARCHIVED, item.startsAt, item.id);
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.part`)).toBe(false);
    const seconds = Number(
      execFileSync('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format=duration',
        '-of',
        'csv=p=0',
        path,
      ]).toString(),
    );
    expect(seconds).toBeGreaterThan(1.9);
    expect(seconds).toBeLessThan(2.2);
  });

  it('interrupts a playing item for an emergency: partial, then the emergency airs', async () => {
    const normal = await bulletinWithAudio(EMERGENCY, 8000, 'Hướng dẫn dịch vụ công trực tuyến');
    const urgent = await bulletinWithAudio(
      EMERGENCY,
      1500,
      'Thông báo khẩn: bão số 10',
      'emergency',
    );
    const [item] = await schedule(EMERGENCY, normal.id, [new Date(Date.now() + 2500)], 8000);
    await sleep(2500 + 2000);
    const response = await app
      .http()
      .post(`/api/v1/communes/${EMERGENCY}/schedule/emergency`)
      .set(bearer(admin))
      .send({ bulletinId: urgent.id });
    expect(response.status).toBe(201);
    const emergencyId = (response.body as { id: string }).id;
    const found = await waitForRecords(EMERGENCY, 2, 15000);
    const [interrupted, emergency] = found;
    expect(interrupted).toMatchObject({ scheduleItemId: item.id, outcome: 'partial' });
    expect(interrupted.reason).toContain('Thông báo khẩn: bão số 10');
    expect(interrupted.playedMs).toBeGreaterThan(1000);
    expect(interrupted.playedMs).toBeLessThan(5000);
    expect(emergency).toMatchObject({ scheduleItemId: emergencyId, outcome: 'aired' });
    expect(Date.parse(emergency.startedAt)).toBeGreaterThanOrEqual(Date.parse(interrupted.endedAt));
    expect(Date.parse(emergency.startedAt) - Date.parse(interrupted.endedAt)).toBeLessThan(1000);
    expect(await verify(EMERGENCY)).toEqual({ ok: true, count: 2 });
  });

  it('records an item whose start passed beyond the tolerance as missed, never played', async () => {
    const bulletin = await bulletinWithAudio(LATE, 1000, 'Kinh tế số cho hộ kinh doanh');
    const startsAt = new Date(Date.now() - TOLERANCE_MS - 1000);
    const [item] = await schedule(LATE, bulletin.id, [startsAt], 1000);
    const [record] = await waitForRecords(LATE, 1, 10000);
    expect(record).toMatchObject({
      scheduleItemId: item.id,
      outcome: 'missed',
      source: 'automation',
      startedAt: startsAt.toISOString(),
      endedAt: startsAt.toISOString(),
      playedMs: 0,
    });
    await sleep(2500);
    expect(await records(LATE)).toHaveLength(1);
    expect(await queue.getJob(`play-${item.id}`)).toBeUndefined();
  });

  it('gives each item one job, replaces it when the item moves, drops it when cancelled', async () => {
    const bulletin = await bulletinWithAudio(QUEUE, 1000, 'Xã hội số');
    const [item] = await schedule(QUEUE, bulletin.id, [new Date(Date.now() + 600000)], 1000);
    await sleep(500);
    const job = await queue.getJob(`play-${item.id}`);
    expect(job?.data).toEqual({ scheduleItemId: item.id, startsAt: item.startsAt.toISOString() });
    expect(await job?.getState()).toBe('delayed');

    const dataSource = app.app.get(DataSource);
    const moved = new Date(item.startsAt.getTime() + 60000);
    await dataSource.manager.update(ScheduleItem, { id: item.id }, { startsAt: moved });
    app.app.get(ScheduleChanges).emit({ communeCode: QUEUE, kind: 'moved', itemIds: [item.id] });
    await sleep(500);
    expect((await queue.getJob(`play-${item.id}`))?.data.startsAt).toBe(moved.toISOString());

    // Redis emptied: the next tick puts the job back from the database.
    await deleteRedisPrefix(storage.env.REDIS_PREFIX!);
    await sleep(2500);
    expect((await queue.getJob(`play-${item.id}`))?.data.startsAt).toBe(moved.toISOString());

    await dataSource.manager.update(ScheduleItem, { id: item.id }, { status: 'cancelled' });
    app.app
      .get(ScheduleChanges)
      .emit({ communeCode: QUEUE, kind: 'cancelled', itemIds: [item.id] });
    await sleep(500);
    expect(await queue.getJob(`play-${item.id}`)).toBeUndefined();
  });
});
