import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { QueueName } from '../src/queue/queue.constants';
import { verifySignature } from '../src/reports/stats/push/stats-push-signature';
import { localInstant, RecordInput, ServedRecord } from './support/as-run-data';
import { HttpReceiver } from './support/http-receiver';
import {
  newDevicePublicKey,
  registerDevice,
  SimulatedDevice,
  DeviceCredentials,
} from './support/fleet-device';
import { eventually } from './support/eventually';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { HAC_THANH, HAM_RONG, THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const DAY = '2025-10-02';
const SECRET = 'bi-mat-day-so-lieu-2025-thanh-hoa';

interface Feed {
  schemaVersion: number;
  provinceCode: string;
  communeCode: string | null;
  from: string;
  to: string;
  generatedAt: string;
  days: {
    communeCode: string;
    date: string;
    bulletins: Record<string, number>;
    topics: {
      topic: string;
      plannedMinutes: number;
      airedSeconds: number;
      airedMinutes: number;
      plays: number;
    }[];
    relayMinutes: number;
    clustersOnline: number;
  }[];
}

interface PushState {
  target: { url: string; startsOn: string; secretSet: boolean } | null;
  deliveries: {
    date: string;
    revision: number;
    idempotencyKey: string;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
  }[];
}

/** Waits until the job leaves the waiting, delayed and active states; returns the state reached. */
async function settled(job: Job): Promise<string> {
  return eventually(
    async () => {
      const state = await job.getState();
      return ['waiting', 'active', 'prioritized', 'delayed'].includes(state) ? undefined : state;
    },
    { timeoutMs: 30_000, what: `job ${job.id}` },
  );
}

describe('statistics feed fields and its daily push (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let monitor: string;
  const clock = new ManualClock(`${DAY}T05:00:00.000Z`);
  const receiver = new HttpReceiver(2);
  let receiverUrl: string;
  let device: SimulatedDevice | undefined;
  let sweeps = 0;

  const get = (path: string, token: string) => app.http().get(`/api/v1${path}`).set(bearer(token));

  async function batch(communeCode: string, records: RecordInput[]): Promise<ServedRecord[]> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log/batch`)
      .set(bearer(admin))
      .send({ records });
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    return (response.body as { records: ServedRecord[] }).records;
  }

  function record(
    outcome: RecordInput['outcome'],
    topics: string[],
    at: [number, number],
    spanS: number,
    playedS = spanS,
  ): RecordInput {
    const startedAt = localInstant(DAY, ...at);
    return {
      outcome,
      title: `Bản tin ${topics.join(', ')}`,
      topics,
      startedAt,
      endedAt:
        outcome === 'missed'
          ? startedAt
          : new Date(Date.parse(startedAt) + spanS * 1000).toISOString(),
      playedMs: outcome === 'missed' || outcome === 'failed' ? 0 : playedS * 1000,
      ...(outcome === 'missed' || outcome === 'failed' ? { reason: 'Mất điện khu vực' } : {}),
    };
  }

  /** Runs the push sweep as the job scheduler does (a job on the maintenance queue). */
  async function sweep(): Promise<void> {
    const queue = app.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    sweeps += 1;
    const job = await queue.add('maintenance.stats-push', {}, { jobId: `test-sweep-${sweeps}` });
    expect(await settled(job)).toBe('completed');
  }

  async function pushState(): Promise<PushState> {
    return (await get(`/provinces/${THANH_HOA}/stats-push`, monitor).expect(200)).body as PushState;
  }

  beforeAll(async () => {
    receiverUrl = await receiver.start('/nhan-so-lieu');
    storage = await createTestStorage({ STATS_PUSH_RETRY_MS: '200' });
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-day-so-lieu',
      role: 'monitor',
      provinceCode: THANH_HOA,
    });

    // The program log of 2 October: two bulletins, an emergency, and an item taken off the log.
    const economy = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      title: 'Kinh tế số: nông sản lên sàn',
      topics: ['kinh-te-so'],
    });
    const both = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      title: 'Kinh tế số và xã hội số',
      topics: ['kinh-te-so', 'xa-hoi-so'],
    });
    const storm = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      title: 'Khẩn cấp: bão số 10',
      topics: ['xa-hoi-so'],
      priority: 'emergency',
    });
    const item = (bulletinId: string, at: [number, number], durationMs: number, extra = {}) =>
      insertScheduleItem(app, {
        communeCode: HAC_THANH,
        bulletinId,
        startsAt: new Date(localInstant(DAY, ...at)),
        durationMs,
        ...extra,
      });
    await item(economy.id, [6, 0], 120_000, { status: 'aired' });
    await item(both.id, [6, 10], 90_000, { status: 'partial' });
    await item(storm.id, [9, 0], 60_000, { source: 'emergency', status: 'aired' });
    await item(economy.id, [7, 0], 120_000, { status: 'cancelled' });

    // What aired: the first whole, the second in part, the emergency, and a failed item.
    await batch(HAC_THANH, [
      record('aired', ['kinh-te-so'], [6, 0], 120),
      record('partial', ['kinh-te-so', 'xa-hoi-so'], [6, 10], 90, 60),
      record('failed', ['chinh-quyen-so'], [8, 0], 100),
      record('aired', ['xa-hoi-so'], [9, 0], 60),
    ]);
    await batch(HAM_RONG, [
      record('aired', ['chinh-quyen-so'], [5, 30], 300),
      record('missed', ['mo-hinh-2-cap'], [5, 40], 200),
    ]);

    // One cluster of Hạc Thành online that day (a real MQTT client), another never connected.
    const registered = await registerDevice(app, admin, HAC_THANH, 'Cụm loa Đông Sơn');
    await registerDevice(app, admin, HAC_THANH, 'Cụm loa Hàm Rồng');
    const enrolment = await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code: registered.enrolmentCode, publicKey: newDevicePublicKey() })
      .expect(201);
    device = await SimulatedDevice.connect(enrolment.body as DeviceCredentials);
    await device.status({ status: 'online', ts: clock.now().toISOString() });
    await eventually(
      async () => {
        const rows = await app.app
          .get(DataSource)
          .query<{ local_date: string }[]>('SELECT local_date FROM device_presence');
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 10_000, what: 'the cluster online' },
    );
    await device.close();
  }, 120_000);

  afterAll(async () => {
    await device?.close();
    await app?.close();
    await storage?.dispose();
    await receiver.stop();
  });

  it('serves per commune and day the bulletins planned and by outcome, planned and aired minutes per topic, relays and clusters online', async () => {
    const feed = (
      await get(`/stats/communes/${HAC_THANH}/days?from=${DAY}&to=${DAY}`, monitor).expect(200)
    ).body as Feed;
    expect(feed.schemaVersion).toBe(1);
    expect(feed.days).toEqual([
      {
        communeCode: HAC_THANH,
        date: DAY,
        bulletins: { planned: 3, aired: 2, partial: 1, failed: 1, missed: 0, emergencies: 1 },
        topics: [
          // 120 s + 90 s planned; 120 s aired and 60 s of the partial one.
          {
            topic: 'kinh-te-so',
            plannedMinutes: 3.5,
            airedSeconds: 180,
            airedMinutes: 3,
            plays: 1,
          },
          // 90 s + the emergency's 60 s planned; 60 s of the partial one and the emergency's 60 s.
          { topic: 'xa-hoi-so', plannedMinutes: 2.5, airedSeconds: 120, airedMinutes: 2, plays: 1 },
        ],
        relayMinutes: 0,
        clustersOnline: 1,
      },
    ]);
  });

  it("sums to the compliance report's numbers over the same range", async () => {
    const range = 'from=2025-10-01&to=2025-10-03';
    const feed = (await get(`/stats/provinces/${THANH_HOA}/days?${range}`, monitor).expect(200))
      .body as Feed;
    const report = (
      await get(
        `/reports/compliance?campaign=cds-2025&province=${THANH_HOA}&${range}`,
        monitor,
      ).expect(200)
    ).body as {
      rows: { communeCode: string; topic: string; airedSeconds: number; plays: number }[];
    };
    let compared = 0;
    for (const row of report.rows) {
      const cells = feed.days
        .filter((day) => day.communeCode === row.communeCode)
        .flatMap((day) => day.topics.filter((cell) => cell.topic === row.topic));
      const airedMs = cells.reduce((sum, cell) => sum + Math.round(cell.airedSeconds * 1000), 0);
      const plays = cells.reduce((sum, cell) => sum + cell.plays, 0);
      expect({ ...row, airedMs, plays }).toEqual({
        ...row,
        airedMs: Math.round(row.airedSeconds * 1000),
        plays: row.plays,
      });
      if (row.airedSeconds > 0) compared += 1;
    }
    // Hạc Thành's two topics and Hàm Rồng's one carry airtime.
    expect(compared).toBe(3);
  });

  it('keeps the push target admin-only, validated, its secret never served', async () => {
    const path = `/provinces/${THANH_HOA}/stats-push`;
    const put = (token: string, body: object) =>
      app.http().put(`/api/v1${path}`).set(bearer(token)).send(body);
    expect((await pushState()).target).toBeNull();
    await put(monitor, { url: receiverUrl, secret: SECRET }).expect(403);
    for (const body of [
      { url: 'ftp://example.vn/x', secret: SECRET },
      { url: receiverUrl, secret: 'ngan' },
      { url: receiverUrl, secret: SECRET, startsOn: '2025-02-30' },
      { url: receiverUrl, secret: SECRET, extra: true },
    ]) {
      const refused = await put(admin, body).expect(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await app.http().delete(`/api/v1${path}`).set(bearer(admin)).expect(404);
    const set = await put(admin, { url: receiverUrl, secret: SECRET, startsOn: DAY }).expect(200);
    expect(set.body).toEqual({
      provinceCode: THANH_HOA,
      url: receiverUrl,
      startsOn: DAY,
      secretSet: true,
      updatedAt: clock.now().toISOString(),
    });
    const state = await pushState();
    expect(JSON.stringify(state)).not.toContain(SECRET);
    const kept = await app.app.get(DataSource).query('SELECT * FROM stats_push_target');
    expect(JSON.stringify(kept)).not.toContain(SECRET);
    await get(`/provinces/01/stats-push`, monitor).expect(403);
  });

  it('pushes the finished day once, signed, through two failures; a later sweep or a restart sends nothing again', async () => {
    // The day is not finished yet: nothing goes.
    await sweep();
    expect(receiver.requests).toHaveLength(0);

    clock.set('2025-10-03T03:00:00.000Z');
    await sweep();
    const delivered = await eventually(
      async () => {
        const state = await pushState();
        return state.deliveries[0]?.status === 'delivered' ? state : undefined;
      },
      { timeoutMs: 30_000, what: 'the delivery' },
    );
    expect(delivered.deliveries).toEqual([
      expect.objectContaining({
        date: DAY,
        revision: 1,
        idempotencyKey: `${THANH_HOA}-${DAY}-r1`,
        status: 'delivered',
        attempts: 3,
        lastStatusCode: 200,
      }),
    ]);
    expect(receiver.requests.map((request) => request.answered)).toEqual([500, 500, 200]);
    const bodies = new Set(receiver.requests.map((request) => request.body));
    expect(bodies.size).toBe(1);
    for (const request of receiver.requests) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['idempotency-key']).toBe(`${THANH_HOA}-${DAY}-r1`);
      expect(request.headers['x-loa-xa-revision']).toBe('1');
      const signature = request.headers['x-loa-xa-signature'] as string;
      expect(verifySignature(request.body, SECRET, signature)).toBe(true);
      expect(verifySignature(request.body, 'bi-mat-khac-cua-ai-do-2025', signature)).toBe(false);
    }
    const pushed = JSON.parse(receiver.accepted()[0].body) as Feed;
    const served = (
      await get(`/stats/provinces/${THANH_HOA}/days?from=${DAY}&to=${DAY}`, monitor).expect(200)
    ).body as Feed;
    expect(pushed).toEqual({ ...served, generatedAt: pushed.generatedAt });
    expect(pushed.days.map((day) => day.communeCode).sort()).toEqual([HAM_RONG, HAC_THANH]);

    await sweep();
    await app.close();
    app = await startTestApp(storage, {}, { clock });
    await sweep();
    // Time for a wrongly queued delivery (200 ms backoff) to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests).toHaveLength(3);
    expect((await pushState()).deliveries).toHaveLength(1);
  }, 60_000);

  it('sends a corrected day again as a new revision', async () => {
    const log = (
      await get(`/communes/${HAC_THANH}/playout-log?from=${DAY}&to=${DAY}`, admin).expect(200)
    ).body as ServedRecord[];
    const failed = log.find((item) => item.outcome === 'failed') as ServedRecord;
    await batch(HAC_THANH, [
      {
        ...record('aired', ['chinh-quyen-so'], [8, 0], 100),
        startedAt: failed.startedAt,
        reason: 'Biên bản kiểm tra: bản tin đã phát đủ',
        correctsSeq: failed.seq,
      },
    ]);
    await sweep();
    const state = await eventually(
      async () => {
        const current = await pushState();
        return current.deliveries[0]?.revision === 2 && current.deliveries[0].status === 'delivered'
          ? current
          : undefined;
      },
      { timeoutMs: 30_000, what: 'the second revision' },
    );
    expect(state.deliveries.map((item) => [item.revision, item.status])).toEqual([
      [2, 'delivered'],
      [1, 'delivered'],
    ]);
    const last = receiver.requests[receiver.requests.length - 1];
    expect(receiver.requests).toHaveLength(4);
    expect(last.headers['idempotency-key']).toBe(`${THANH_HOA}-${DAY}-r2`);
    expect(verifySignature(last.body, SECRET, last.headers['x-loa-xa-signature'] as string)).toBe(
      true,
    );
    const day = (JSON.parse(last.body) as Feed).days.find((item) => item.communeCode === HAC_THANH);
    expect(day?.bulletins).toMatchObject({ aired: 3, failed: 0 });
  }, 60_000);
});
