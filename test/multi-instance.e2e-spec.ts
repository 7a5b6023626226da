import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { localDateTime, localDateOf } from '../src/common/local-time';
import { QueueName } from '../src/queue/queue.constants';
import { REPORTS_JOB_SCHEDULERS } from '../src/reports/reports-scheduler.module';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import { HAC_THANH } from './support/schedule-fixtures';
import { ADMIN, bearer, createTestStorage, TestStorage } from './support/test-app';
import { freePort } from './support/services';

/**
 * Two full instances and a separate worker of the built service on one PostgreSQL database, one
 * Redis prefix and one media folder: every item of a burst airs once, the commune's chain stays
 * gapless, and the once-across-instances job schedulers exist once.
 */
const ON_POSTGRES = process.env.TEST_DB === 'postgres';
if (!ON_POSTGRES) {
  console.log(
    'multi-instance e2e skipped: it needs TEST_DB=postgres (npm run test:e2e:postgres); ' +
      'several processes on one SQLite file is not a supported deployment.',
  );
}
const describeOnPostgres = ON_POSTGRES ? describe : describe.skip;

const ITEMS = 9;
const AUDIO_MS = 2000;
const SPACING_MS = 4000;
const FIRST_LEAD_MS = 15000;

jest.setTimeout(90000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails with `what` after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

describeOnPostgres('several instances on PostgreSQL (e2e, built service)', () => {
  let storage: TestStorage;
  const processes: ServiceProcess[] = [];
  let api: () => ReturnType<typeof request>;
  let admin: string;
  let pg: Client;

  beforeAll(async () => {
    storage = await createTestStorage();
    const ports = [await freePort(), await freePort(), await freePort()];
    const env = (roles: string, port: number) => ({
      ...storage.env,
      PORT: String(port),
      APP_ROLES: roles,
      PLAYOUT_SINK: 'null',
      PLAYOUT_RECONCILE_SECONDS: '2',
      PLAYOUT_PREROLL_MS: '1500',
    });
    // The first instance runs the migrations; the others start once it listens.
    processes.push(startServiceProcess(env('api,worker,scheduler', ports[0])));
    await processes[0].waitFor(/listening on http/, 40000);
    processes.push(startServiceProcess(env('api,worker,scheduler', ports[1])));
    processes.push(startServiceProcess(env('worker', ports[2])));
    await Promise.all([
      processes[1].waitFor(/listening on http/, 40000),
      processes[2].waitFor(/running without HTTP \(roles: worker\)/, 40000),
    ]);
    api = () => request(`http://127.0.0.1:${ports[0]}`);
    const login = await api().post('/api/v1/auth/login').send(ADMIN).expect(200);
    admin = (login.body as { accessToken: string }).accessToken;
    pg = new Client({ connectionString: storage.env.DATABASE_URL });
    await pg.connect();
  }, 60000);

  afterAll(async () => {
    // Every process is stopped, whatever happened before: SIGKILL after a grace period.
    await Promise.all(
      processes.map(async (service) => {
        const killer = setTimeout(() => service.child.kill('SIGKILL'), 10000);
        await service.stop('SIGTERM');
        clearTimeout(killer);
      }),
    );
    await pg?.end().catch(() => undefined);
    await storage?.dispose();
  });

  /** Uploads a tone through the API; one of the workers processes it into the shared folder. */
  async function readyAudio(seconds: number, frequency: number): Promise<string> {
    const path = join(storage.dir, `tone-${frequency}.mp3`);
    execFileSync(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi'],
        ...['-i', `sine=frequency=${frequency}:sample_rate=44100:duration=${seconds}`],
        ...['-ac', '1', '-b:a', '64k', path],
      ],
      { stdio: 'pipe' },
    );
    const upload = await api()
      .post(`/api/v1/communes/${HAC_THANH}/audio`)
      .set(bearer(admin))
      .attach('file', path)
      .expect(202);
    const id = (upload.body as { id: string }).id;
    return until(`audio ${id} ready`, 30000, async () => {
      const status = (await api().get(`/api/v1/audio/${id}`).set(bearer(admin)).expect(200))
        .body as { status: string; error: string | null };
      if (status.status === 'failed') throw new Error(`audio failed: ${status.error}`);
      return status.status === 'ready' ? id : undefined;
    });
  }

  async function approvedBulletin(title: string, audioId: string): Promise<string> {
    const created = await api()
      .post(`/api/v1/communes/${HAC_THANH}/bulletins`)
      .set(bearer(admin))
      .send({ title, topics: ['kinh-te-so', 'chinh-quyen-so'], audioId })
      .expect(201);
    const id = (created.body as { id: string }).id;
    await api().post(`/api/v1/bulletins/${id}/approve`).set(bearer(admin)).expect(200);
    return id;
  }

  /** A window from the current local minute to the end of the burst (never past midnight). */
  async function windowAroundNow(): Promise<void> {
    const now = new Date();
    const local = new Date(now.getTime() + 7 * 3600_000);
    const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
    const duration = Math.min(30, 24 * 60 - minute);
    if (duration < 3) throw new Error('too close to local midnight to open a window; run again');
    const hh = String(local.getUTCHours()).padStart(2, '0');
    const mm = String(local.getUTCMinutes()).padStart(2, '0');
    const start = localDateTime(localDateOf(now), minute);
    expect(start.getTime()).toBeLessThanOrEqual(now.getTime());
    await api()
      .post(`/api/v1/communes/${HAC_THANH}/windows`)
      .set(bearer(admin))
      .send({
        name: 'Chuyển đổi số (thử tải)',
        daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
        startTime: `${hh}:${mm}`,
        durationMinutes: duration,
      })
      .expect(201);
  }

  it('airs every item of a burst exactly once across the instances, the chain gapless', async () => {
    const [morning, evening] = await Promise.all([
      readyAudio(AUDIO_MS / 1000, 440),
      readyAudio(AUDIO_MS / 1000, 660),
    ]);
    const bulletins = [
      await approvedBulletin('Bản tin chuyển đổi số: dịch vụ công trực tuyến', morning),
      await approvedBulletin('Bản tin chuyển đổi số: chính quyền địa phương 2 cấp', evening),
    ];
    await windowAroundNow();

    const base = Date.now() + FIRST_LEAD_MS;
    const itemIds: string[] = [];
    for (let index = 0; index < ITEMS; index += 1) {
      const startsAt = new Date(base + index * SPACING_MS).toISOString();
      const created = await api()
        .post(`/api/v1/communes/${HAC_THANH}/schedule`)
        .set(bearer(admin))
        .send({ bulletinId: bulletins[index % 2], startsAt });
      expect({ index, status: created.status, body: created.body }).toMatchObject({
        index,
        status: 201,
      });
      itemIds.push((created.body as { id: string }).id);
    }

    const lastEnd = base + (ITEMS - 1) * SPACING_MS + AUDIO_MS;
    await until('every item done', lastEnd - Date.now() + 20000, async () => {
      const { rows } = await pg.query<{ pending: string }>(
        `SELECT count(*) AS pending FROM schedule_item
          WHERE commune_code = $1 AND status NOT IN ('aired', 'partial', 'missed', 'failed')`,
        [HAC_THANH],
      );
      return Number(rows[0].pending) === 0 ? true : undefined;
    });
    // Give a second player that wrongly took an item the time to write a record too.
    await sleep(3000);

    const items = await pg.query<{ id: string; status: string }>(
      'SELECT id, status FROM schedule_item WHERE commune_code = $1 ORDER BY starts_at',
      [HAC_THANH],
    );
    expect(items.rows).toEqual(itemIds.map((id) => ({ id, status: 'aired' })));

    const records = await pg.query<{
      seq: number;
      schedule_item_id: string;
      attempt: number;
      source: string;
      outcome: string;
    }>(
      `SELECT seq, schedule_item_id, attempt, source, outcome FROM playout_record
        WHERE commune_code = $1 ORDER BY seq`,
      [HAC_THANH],
    );
    // One record per item, in the order they aired, numbered 1..n with no gap.
    expect(records.rows).toEqual(
      itemIds.map((id, index) => ({
        seq: index + 1,
        schedule_item_id: id,
        attempt: 1,
        source: 'automation',
        outcome: 'aired',
      })),
    );

    const claims = await pg.query<{ schedule_item_id: string; claims: string; owner: string }>(
      `SELECT schedule_item_id, count(*) AS claims, min(owner) AS owner FROM playout_claim
        WHERE commune_code = $1 GROUP BY schedule_item_id`,
      [HAC_THANH],
    );
    expect(claims.rows.map((row) => row.schedule_item_id).sort()).toEqual([...itemIds].sort());
    expect(claims.rows.every((row) => Number(row.claims) === 1)).toBe(true);
    // The players are the three processes' (owner = host:pid:…); which took which is up to BullMQ.
    const pids = new Set(processes.map((service) => String(service.child.pid)));
    const players = new Set(claims.rows.map((row) => row.owner.split(':').at(-2)));
    for (const pid of players) expect(pids).toContain(pid);

    const verify = await api()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log/verify`)
      .set(bearer(admin))
      .expect(200);
    expect(verify.body).toEqual({ ok: true, count: ITEMS });

    // Both scheduler processes upserted the reports' job schedulers: one of each exists.
    const redis = new Redis(storage.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
    const maintenance = new Queue(QueueName.Maintenance, {
      connection: redis,
      prefix: storage.env.REDIS_PREFIX,
    });
    try {
      const schedulers = await maintenance.getJobSchedulers(0, -1, true);
      expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(
        Object.values(REPORTS_JOB_SCHEDULERS).sort(),
      );
      // …and each has one next run queued, not one per scheduler process.
      const next = await maintenance.getJobs(['delayed', 'waiting', 'prioritized']);
      const nextByScheduler = new Map<string, number>();
      for (const job of next) {
        const key = job.repeatJobKey ?? '(none)';
        nextByScheduler.set(key, (nextByScheduler.get(key) ?? 0) + 1);
      }
      expect(Object.fromEntries(nextByScheduler)).toEqual(
        Object.fromEntries(Object.values(REPORTS_JOB_SCHEDULERS).map((key) => [key, 1])),
      );
    } finally {
      await maintenance.close();
      redis.disconnect();
    }
  });
});
