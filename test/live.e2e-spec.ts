import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScheduleChanges } from '../src/schedule/schedule-changes';
import { listen } from './support/browser';
import { Speaker } from './support/live-speaker';
import { newDevicePublicKey } from './support/fleet-device';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import { createActors, HAC_THANH, HAM_RONG, THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';
import { decodeMono, dominantTone } from './support/tone';

jest.setTimeout(120_000);

/** Communes of Thanh Hóa used here: each test its own output. */
const CUT = '14812';
const DEVICES = '14818';

interface RecordJson {
  id: string;
  seq: number;
  scheduleItemId: string | null;
  title: string;
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: string;
  source: string;
  reason: string | null;
  topics: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live announcements (e2e, ws, file sink, real time)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let admin: string;
  let operator: string;
  let approver: string;
  let monitor: string;
  let otherOperator: string;

  const records = async (commune: string) =>
    (await app.http().get(`/api/v1/communes/${commune}/playout-log`).set(bearer(admin)).expect(200))
      .body as RecordJson[];
  const audioCount = async (commune: string, token: string): Promise<number> => {
    const listed = await app
      .http()
      .get(`/api/v1/communes/${commune}/audio`)
      .set(bearer(token))
      .expect(200);
    expect(Array.isArray(listed.body)).toBe(true);
    return (listed.body as unknown[]).length;
  };

  async function waitForRecords(commune: string, count: number, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await records(commune);
      if (found.length >= count || Date.now() > deadline) return found;
      await sleep(250);
    }
  }

  async function openLive(commune: string, token: string, body: object = {}) {
    return app.http().post(`/api/v1/communes/${commune}/live`).set(bearer(token)).send(body);
  }

  /** A normal item of `durationMs` starting in `inMs`, announced as the schedule does. */
  async function scheduleNormal(commune: string, durationMs: number, inMs: number, title: string) {
    const audio = await insertReadyAudio(app, {
      communeCode: commune,
      provinceCode: THANH_HOA,
      durationMs,
      frequency: 440,
    });
    const bulletin = await insertBulletin(app, {
      communeCode: commune,
      provinceCode: THANH_HOA,
      title,
      topics: ['kinh-te-so'],
      audioId: audio.id,
    });
    const item = await insertScheduleItem(app, {
      communeCode: commune,
      bulletinId: bulletin.id,
      startsAt: new Date(Date.now() + inMs),
      durationMs,
    });
    app.app
      .get(ScheduleChanges)
      .emit({ communeCode: commune, kind: 'created', itemIds: [item.id] });
    return item;
  }

  async function emergencyBulletin(commune: string, durationMs: number) {
    const audio = await insertReadyAudio(app, {
      communeCode: commune,
      provinceCode: THANH_HOA,
      durationMs,
      frequency: 1500,
    });
    return insertBulletin(app, {
      communeCode: commune,
      provinceCode: THANH_HOA,
      title: 'Khẩn cấp: lũ quét',
      topics: [],
      audioId: audio.id,
      priority: 'emergency',
    });
  }

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {
      PLAYOUT_SINK: 'file',
      PLAYOUT_PREROLL_MS: '1500',
      PLAYOUT_RECONCILE_SECONDS: '1',
    });
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    const actors = await createActors(app, admin, 'live-');
    operator = actors.operator;
    monitor = actors.monitor;
    otherOperator = actors.otherOperator;
    approver = await createUserAndLogin(app, admin, {
      username: 'live-chu-tich-cut',
      role: 'approver',
      communeCode: CUT,
      displayName: 'Lê Thị Hoa',
    } as Parameters<typeof createUserAndLogin>[2]);
  });

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it('refuses the wrong role, the wrong commune, a bad ticket and unknown topics with 4xx JSON', async () => {
    for (const token of [monitor, admin]) {
      const refused = await openLive(HAC_THANH, token);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403 });
    }
    const elsewhere = await openLive(HAC_THANH, otherOperator);
    expect(elsewhere.status).toBe(403);
    const topics = await openLive(HAC_THANH, operator, { topics: ['khong-co-chu-de'] });
    expect(topics.status).toBe(422);
    const badTopics = await openLive(HAC_THANH, operator, { topics: 'kinh-te-so' });
    expect(badTopics.status).toBe(400);

    const speaker = await Speaker.connect(baseUrl, 'not-a-ticket');
    const closed = await speaker.closed;
    expect(speaker.messages[0]).toMatchObject({
      type: 'error',
      statusCode: 401,
      code: 'LIVE_TICKET_INVALID',
    });
    expect(closed.code).toBe(4409);
    expect(await records(HAC_THANH)).toEqual([]);
  });

  it('refuses a bad frame with a 400 problem and keeps nothing', async () => {
    const audioBefore = await audioCount(HAM_RONG, otherOperator);
    const opened = await openLive(HAM_RONG, otherOperator);
    expect(opened.status).toBe(201);
    const speaker = await Speaker.connect(baseUrl, opened.body.ticket as string);
    speaker.ws.send(Buffer.alloc(3), { binary: true });
    const closed = await speaker.closed;
    expect(closed.code).toBe(4400);
    expect(speaker.messages[0]).toMatchObject({
      type: 'error',
      statusCode: 400,
      code: 'LIVE_BAD_FRAME',
    });
    // The ticket is spent, the commune is free again, nothing is written.
    const again = await Speaker.connect(baseUrl, opened.body.ticket as string);
    expect((await again.closed).code).toBe(4409);
    expect(await records(HAM_RONG)).toEqual([]);
    expect(await audioCount(HAM_RONG, otherOperator)).toBe(audioBefore);
    expect((await openLive(HAM_RONG, otherOperator)).status).toBe(201);
  });

  it('respects the quiet hours (409 POLICY_QUIET_HOURS): live speech is not exempt', async () => {
    const QUIET = '14845';
    const quietApprover = await createUserAndLogin(app, admin, {
      username: 'live-lanh-dao-quiet',
      role: 'approver',
      communeCode: QUIET,
    });
    const local = (offsetMinutes: number) =>
      new Date(Date.now() + 7 * 3600_000 + offsetMinutes * 60_000).toISOString().slice(11, 16);
    // The commune's own hours, not the service's default 21:30–05:30.
    const quietHours = { from: local(-60), to: local(60) };
    await app
      .http()
      .put(`/api/v1/communes/${QUIET}/policy`)
      .set(bearer(quietApprover))
      .send({ quietHours })
      .expect(200);
    const refused = await openLive(QUIET, quietApprover);
    expect(refused.status).toBe(409);
    // The shape of every policy refusal: the rule and the policy's message in Vietnamese.
    const hours = `${quietHours.from}–${quietHours.to}`;
    expect(refused.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'POLICY_QUIET_HOURS',
      message: `Live announcements respect the quiet hours (${hours}); an urgent message goes as an emergency`,
      rule: 'POLICY_QUIET_HOURS',
      messageVi: `Đang trong giờ yên tĩnh ${hours} nên không phát trực tiếp được; tin cần phát ngay hãy phát dưới dạng bản tin khẩn cấp`,
      quietHours,
    });
  });

  it('offers a commune with devices its zones, and refuses zones no device is in', async () => {
    const user = await createUserAndLogin(app, admin, {
      username: 'live-van-hanh-devices',
      role: 'operator',
      communeCode: DEVICES,
    });
    const created = await app
      .http()
      .post(`/api/v1/communes/${DEVICES}/devices`)
      .set(bearer(user))
      .send({ name: 'Cụm loa chợ', zones: ['thon-cho'] })
      .expect(201);
    await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code: created.body.enrolmentCode, publicKey: newDevicePublicKey() })
      .expect(201);
    const status = await app
      .http()
      .get(`/api/v1/communes/${DEVICES}/live`)
      .set(bearer(user))
      .expect(200);
    expect(status.body).toMatchObject({ available: true, zones: ['thon-cho'], onAir: null });
    const refused = await openLive(DEVICES, user, { zones: ['thon-khac'] });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'LIVE_NO_DEVICES', zones: ['thon-khac'] });
    // A commune without devices has one output: zones mean nothing there.
    const noZones = await openLive(HAC_THANH, operator, { zones: ['thon-1'] });
    expect(noZones.status).toBe(400);
    expect(noZones.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('interrupts a normal item, airs the speech within 3 s, records and logs it', async () => {
    const item = await scheduleNormal(HAC_THANH, 15000, 2500, 'Hướng dẫn dịch vụ công trực tuyến');
    await sleep(2500 + 2000);
    const status = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/live`)
      .set(bearer(operator))
      .expect(200);
    expect(status.body).toMatchObject({
      available: true,
      emergencyOnAir: false,
      interrupts: 'Hướng dẫn dịch vụ công trực tuyến',
    });
    const opened = await openLive(HAC_THANH, operator, { topics: ['chinh-quyen-so'] });
    expect(opened.status).toBe(201);
    expect(opened.body.interrupts).toBe('Hướng dẫn dịch vụ công trực tuyến');
    const speaker = await Speaker.connect(baseUrl, opened.body.ticket as string);
    const sentAt = Date.now();
    const speaking = speaker.speak(880, 4000);
    const onAir = await speaker.waitFor('on-air');
    expect(onAir.interrupted).toBe('Hướng dẫn dịch vụ công trực tuyến');
    const startedAt = Date.parse(onAir.startedAt as string);
    expect(startedAt - sentAt).toBeLessThan(3000);
    await speaking;
    speaker.ws.send(JSON.stringify({ type: 'stop' }));
    const ended = await speaker.waitFor('ended');
    expect(ended).toMatchObject({ outcome: 'aired', cutByEmergency: false });
    expect((await speaker.closed).code).toBe(1000);

    const found = await waitForRecords(HAC_THANH, 2);
    const interrupted = found.find((record) => record.scheduleItemId === item.id)!;
    expect(interrupted).toMatchObject({ outcome: 'partial' });
    expect(interrupted.reason).toContain('Ngắt để phát trực tiếp');
    const live = found.find((record) => record.source === 'live')!;
    expect(live).toMatchObject({
      outcome: 'aired',
      scheduleItemId: null,
      title: 'Phát trực tiếp: live-van-hanh-hac-thanh',
      topics: ['chinh-quyen-so'],
      seq: ended.recordSeq,
    });
    expect(live.playedMs).toBeGreaterThan(3500);
    expect(live.playedMs).toBeLessThan(5000);
    expect(Date.parse(live.startedAt)).toBeGreaterThanOrEqual(Date.parse(interrupted.endedAt) - 50);

    // The archive holds the speech (880 Hz), from its first second.
    const dir = join(storage.env.MEDIA_DIR!, 'archive');
    const files = readdirSync(dir, { recursive: true }) as string[];
    const archived = files.find((file) => file.endsWith(`live-${opened.body.id}.mp3`));
    expect(archived).toBeDefined();
    const samples = decodeMono(join(dir, archived!));
    expect(dominantTone(samples, 0, 1000, [440, 880])).toBe(880);
    expect(dominantTone(samples, 2000, 3000, [440, 880])).toBe(880);

    // The recording is an audio asset of the commune, processed by the media pipeline.
    const asset = await app
      .http()
      .get(`/api/v1/audio/${ended.audioId as string}`)
      .set(bearer(operator))
      .expect(200);
    expect(asset.body.originalName).toMatch(/^phat-truc-tiep-/);
    const verify = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log/verify`)
      .set(bearer(admin))
      .expect(200);
    expect(verify.body).toEqual({ ok: true, count: 2 });

    // The audit trail names who spoke, in the record's transaction, and the recording they made.
    const audit = async (action: string) =>
      (
        (await app.http().get(`/api/v1/audit?action=${action}`).set(bearer(admin)).expect(200))
          .body as { actorUsername: string; targetId: string; detail: Record<string, unknown> }[]
      ).filter((event) => event.actorUsername === 'live-van-hanh-hac-thanh');
    expect(await audit('live.aired')).toEqual([
      expect.objectContaining({
        targetId: live.id,
        detail: expect.objectContaining({
          sessionId: opened.body.id,
          topics: ['chinh-quyen-so'],
          seq: live.seq,
          audioId: ended.audioId,
        }),
      }),
    ]);
    expect((await audit('audio.created')).map((event) => event.targetId)).toContain(ended.audioId);

    // Tagged with a campaign topic, the speech counts in the compliance report like a bulletin.
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'live-test',
        name: 'Phát trực tiếp thử',
        startsOn: today,
        endsOn: today,
        rules: [{ topic: 'chinh-quyen-so', minSecondsPerWeek: 60 }],
      })
      .expect(201);
    const report = await app
      .http()
      .get(`/api/v1/reports/compliance?campaign=live-test&province=${THANH_HOA}`)
      .set(bearer(admin))
      .expect(200);
    const row = (
      report.body.rows as { communeCode: string; topic: string; airedSeconds: number }[]
    ).find((found) => found.communeCode === HAC_THANH && found.topic === 'chinh-quyen-so');
    expect(row?.airedSeconds).toBeGreaterThanOrEqual(Math.floor(live.playedMs / 1000));
  });

  it('ends a session whose speaker went silent (connection lost) and logs what aired', async () => {
    const SILENT = '14848';
    const speakerToken = await createUserAndLogin(app, admin, {
      username: 'live-van-hanh-silent',
      role: 'operator',
      communeCode: SILENT,
    });
    const opened = await openLive(SILENT, speakerToken);
    expect(opened.status).toBe(201);
    const speaker = await Speaker.connect(baseUrl, opened.body.ticket as string);
    await speaker.speak(660, 2000);
    // The socket stays open but no audio comes: the service ends the session by itself.
    const ended = await speaker.waitFor('ended', 15000);
    expect(ended).toMatchObject({
      outcome: 'aired',
      reason: expect.stringContaining('Mất kết nối'),
    });
    const [record] = await waitForRecords(SILENT, 1);
    expect(record).toMatchObject({ source: 'live', outcome: 'aired' });
    // The 2 s of speech, then the silence that aired until the loss was noticed (5 s).
    expect(record.playedMs).toBeGreaterThan(6000);
    expect(record.playedMs).toBeLessThan(9500);
  });

  it('refuses live while an emergency plays (409) and is cut by one that starts', async () => {
    const opened = await openLive(CUT, approver);
    expect(opened.status).toBe(201);
    const speaker = await Speaker.connect(baseUrl, opened.body.ticket as string);
    const speaking = speaker.speak(660, 15000);
    await speaker.waitFor('on-air');
    await sleep(2000);
    const urgent = await emergencyBulletin(CUT, 15000);
    const emergency = await app
      .http()
      .post(`/api/v1/communes/${CUT}/schedule/emergency`)
      .set(bearer(approver))
      .send({ bulletinId: urgent.id })
      .expect(201);
    const ended = await speaker.waitFor('ended');
    expect(ended).toMatchObject({ outcome: 'partial', cutByEmergency: true });
    await speaking;
    // The emergency is on air now (the status says so): a new live session is refused.
    const deadline = Date.now() + 10000;
    for (;;) {
      const status = await app
        .http()
        .get(`/api/v1/communes/${CUT}/live`)
        .set(bearer(approver))
        .expect(200);
      if (status.body.emergencyOnAir === true) break;
      if (Date.now() > deadline) throw new Error('The emergency never showed as on air');
      await sleep(100);
    }
    const refused = await openLive(CUT, approver);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ statusCode: 409, code: 'LIVE_EMERGENCY_ON_AIR' });

    const found = await waitForRecords(CUT, 2, 30000);
    const live = found.find((record) => record.source === 'live')!;
    expect(live).toMatchObject({ outcome: 'partial', title: 'Phát trực tiếp: Lê Thị Hoa' });
    expect(live.reason).toContain('Khẩn cấp: lũ quét');
    expect(live.playedMs).toBeGreaterThan(1500);
    const aired = found.find((record) => record.scheduleItemId === emergency.body.id)!;
    expect(aired).toMatchObject({ outcome: 'aired' });
  });
});
