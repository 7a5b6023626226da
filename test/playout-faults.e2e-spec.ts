import { DataSource } from 'typeorm';
import { PlayoutClaim } from '../src/playout/entities/playout-claim.entity';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import {
  ADMIN,
  bearer,
  createTestStorage,
  deleteRedisPrefix,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** Nest closes the app on SIGTERM, then re-raises the signal: either ending is a clean stop. */
const GRACEFUL = [0, 'SIGTERM'];
const TOLERANCE_MS = 3000;
const PLAYER_ENV = {
  APP_ROLES: 'worker,scheduler',
  PLAYOUT_SINK: 'null',
  PLAYOUT_LATE_TOLERANCE_MS: String(TOLERANCE_MS),
  PLAYOUT_PREROLL_MS: '2000',
  PLAYOUT_RECONCILE_SECONDS: '1',
};

interface RecordJson {
  scheduleItemId: string | null;
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: string;
  source: string;
  reason: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (instant: number) => sleep(Math.max(0, instant - Date.now()));

jest.setTimeout(120000);

/**
 * The player as a separate process (`worker,scheduler`, the built service) that the tests kill,
 * stop and restart; an API-only app on the same database writes the program log and reads the
 * as-run log.
 */
describe('playout faults (e2e, built service)', () => {
  let storage: TestStorage;
  let api: TestApp;
  let admin: string;
  let player: ServiceProcess | undefined;

  const startPlayer = async () => {
    const service = startServiceProcess({ ...storage.env, ...PLAYER_ENV });
    await service.waitFor(/running without HTTP/, 30000);
    return service;
  };
  const records = async (commune: string) =>
    (await api.http().get(`/api/v1/communes/${commune}/playout-log`).set(bearer(admin)).expect(200))
      .body as RecordJson[];
  async function waitForRecords(commune: string, count: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await records(commune);
      if (found.length >= count || Date.now() > deadline) return found;
      await sleep(300);
    }
  }
  async function item(commune: string, startsAt: Date, durationMs: number) {
    const audio = await insertReadyAudio(api, {
      communeCode: commune,
      provinceCode: '38',
      durationMs,
    });
    const bulletin = await insertBulletin(api, {
      communeCode: commune,
      provinceCode: '38',
      title: 'Bản tin chuyển đổi số',
      topics: ['chinh-quyen-so'],
      audioId: audio.id,
    });
    return insertScheduleItem(api, {
      communeCode: commune,
      bulletinId: bulletin.id,
      startsAt,
      durationMs,
    });
  }

  beforeAll(async () => {
    storage = await createTestStorage();
    api = await startTestApp(storage, { APP_ROLES: 'api' });
    admin = await api.login(ADMIN.username, ADMIN.password);
  });

  afterEach(async () => {
    if (player) expect(GRACEFUL).toContain(await player.stop('SIGTERM'));
    player = undefined;
  });

  afterAll(async () => {
    await api.close();
    await storage.dispose();
  });

  it('records exactly one missed item when the player is killed (SIGKILL) a second before it', async () => {
    player = await startPlayer();
    const startsAt = new Date(Date.now() + 6000);
    const planned = await item('14797', startsAt, 2000);
    await sleepUntil(startsAt.getTime() - 1000);
    // The player took it already (claimed it 2 s ahead) and is waiting for the start.
    const claim = await api.app.get(DataSource).manager.findOneBy(PlayoutClaim, {
      scheduleItemId: planned.id,
    });
    expect(claim).toMatchObject({ outputStartedAt: null });
    player.child.kill('SIGKILL');
    expect(await player.stop('SIGKILL')).toBe('SIGKILL');
    player = undefined;

    await sleepUntil(startsAt.getTime() + TOLERANCE_MS + 500);
    player = await startPlayer();
    const found = await waitForRecords('14797', 1, 40000);
    await sleep(3000);
    expect(await records('14797')).toEqual(found);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      scheduleItemId: planned.id,
      outcome: 'missed',
      source: 'automation',
      startedAt: startsAt.toISOString(),
      endedAt: startsAt.toISOString(),
      playedMs: 0,
    });
    const status = await api.app.get(DataSource).manager.findOneByOrFail(ScheduleItem, {
      id: planned.id,
    });
    expect(status.status).toBe('missed');
  });

  it('logs partial with the played time when stopped by SIGTERM mid-play, then exits', async () => {
    player = await startPlayer();
    const startsAt = new Date(Date.now() + 5000);
    const planned = await item('14758', startsAt, 10000);
    await sleepUntil(startsAt.getTime() + 3000);
    const stoppedAt = Date.now();
    expect(GRACEFUL).toContain(await player.stop('SIGTERM'));
    player = undefined;
    expect(Date.now() - stoppedAt).toBeLessThan(10000);
    const [record] = await records('14758');
    expect(record).toMatchObject({
      scheduleItemId: planned.id,
      outcome: 'partial',
      source: 'automation',
    });
    expect(record.reason).toBe('Dịch vụ dừng trong khi đang phát');
    expect(record.playedMs).toBeGreaterThan(2500);
    expect(record.playedMs).toBeLessThan(4500);
    expect(Math.abs(Date.parse(record.startedAt) - startsAt.getTime())).toBeLessThanOrEqual(50);
  });

  it('still airs an item scheduled 40 s ahead after Redis is emptied', async () => {
    player = await startPlayer();
    const startsAt = new Date(Date.now() + 40000);
    const planned = await item('14812', startsAt, 1500);
    await sleep(3000);
    // Every key of the service (its BullMQ prefix) goes: the delayed job with them.
    await deleteRedisPrefix(storage.env.REDIS_PREFIX!);
    await sleepUntil(startsAt.getTime() + 3000);
    const found = await waitForRecords('14812', 1, 10000);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ scheduleItemId: planned.id, outcome: 'aired' });
    expect(Math.abs(Date.parse(found[0].startedAt) - startsAt.getTime())).toBeLessThanOrEqual(50);
  });
});
