import { existsSync } from 'node:fs';
import { ManualClock } from '../src/common/manual-clock';
import { formatLocalTime, localMsOfDay } from '../src/common/local-time';
import { manifestPath } from '../src/fleet/protocol';
import { archivePath } from '../src/playout/sinks/sink-targets';
import { ScheduleChanges } from '../src/schedule/schedule-changes';
import { enrolNewDevice } from './support/fleet-device';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
  HAM_RONG,
  THANH_HOA,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** The production default, whatever the harness uses for real-time tests. */
/** The service's real defaults, which the test harness relaxes for real-time tests. */
const REAL_DEFAULTS = {
  POLICY_DEFAULT_QUIET_HOURS: '21:30-05:30',
  POLICY_DEFAULT_UNATTENDED_RELAYS_AT_NIGHT: 'false',
};

const at = (date: string, time: string) => `${date}T${time}+07:00`;

interface Breach {
  type: 'window' | 'item';
  id: string;
  rule: string;
  message: string;
  messageVi: string;
}

jest.setTimeout(60000);

describe('broadcast policy (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let sang: string;
  let chieu: string;
  let toi: string;
  let bulletin40s: string;
  let bulletin30s: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage(REAL_DEFAULTS);
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    sang = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    chieu = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Chiều',
      startTime: '17:00',
      durationMinutes: 30,
    });
    toi = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Tối',
      startTime: '20:40',
      durationMinutes: 45,
    });
    bulletin40s = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chính quyền số phục vụ người dân',
      topics: ['chinh-quyen-so'],
      durationMs: 40000,
    });
    bulletin30s = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Kỹ năng số cho người cao tuổi',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const http = () => app.http();
  const put = (path: string, token: string, body: object) =>
    http().put(`/api/v1${path}`).set(bearer(token)).send(body);
  const get = (path: string, token: string) => http().get(`/api/v1${path}`).set(bearer(token));
  const schedule = (bulletinId: string, startsAt: string) =>
    http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule`)
      .set(bearer(who.operator))
      .send({ bulletinId, startsAt });
  const window = (body: object) =>
    http()
      .post(`/api/v1/communes/${HAC_THANH}/windows`)
      .set(bearer(who.operator))
      .send({ daysOfWeek: [1, 2, 3, 4, 5, 6, 7], ...body });

  it('answers the defaults and where each value comes from; only the right people read and set', async () => {
    const province = await get(`/provinces/${THANH_HOA}/policy`, who.monitor).expect(200);
    expect(province.body).toMatchObject({
      scope: 'province',
      code: THANH_HOA,
      policy: {
        quietHours: { from: '21:30', to: '05:30' },
        maxSessionMinutes: 60,
        maxDailyMinutes: 240,
        unattendedRelaysAtNight: false,
      },
      sources: {
        quietHours: 'default',
        maxSessionMinutes: 'default',
        maxDailyMinutes: 'default',
        unattendedRelaysAtNight: 'default',
      },
      own: {},
      violations: [],
    });
    const commune = await get(`/communes/${HAC_THANH}/policy`, who.operator).expect(200);
    expect(commune.body).toMatchObject({ scope: 'commune', code: HAC_THANH, violations: [] });
    await get(`/communes/${HAC_THANH}/policy`, who.approver).expect(200);
    await get(`/communes/${HAC_THANH}/policy`, who.otherOperator).expect(403);
    await get(`/provinces/${THANH_HOA}/policy`, who.operator).expect(403);
    await put(`/provinces/${THANH_HOA}/policy`, who.approver, { maxDailyMinutes: 100 }).expect(403);
    await put(`/communes/${HAC_THANH}/policy`, who.operator, { maxDailyMinutes: 100 }).expect(403);
    await put(`/communes/${HAC_THANH}/policy`, who.otherApprover, { maxDailyMinutes: 100 }).expect(
      403,
    );
    for (const body of [
      { quietHours: { from: '25:00', to: '05:00' } },
      { quietHours: { from: '22:00', to: '22:00' } },
      { quietHours: 'night' },
      { maxSessionMinutes: 0 },
      { maxDailyMinutes: 1441 },
      { unattendedRelaysAtNight: 'yes' },
    ]) {
      const response = await put(`/provinces/${THANH_HOA}/policy`, who.monitor, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
  });

  it('refuses windows in quiet hours (across midnight) or longer than a session, 409 with the rule', async () => {
    const early = await window({ name: 'Sớm', startTime: '05:00', durationMinutes: 20 }).expect(
      409,
    );
    expect(early.body).toMatchObject({
      code: 'POLICY_QUIET_HOURS',
      rule: 'POLICY_QUIET_HOURS',
      messageVi: 'Khung giờ Sớm (05:00–05:20) rơi vào giờ yên tĩnh 21:30–05:30',
    });
    expect(early.body.message).toContain('21:30–05:30');
    // The refused window was never saved: the refusal names it without an id.
    expect(early.body.window).toEqual({ name: 'Sớm', description: expect.any(String) });
    const late = await window({ name: 'Khuya', startTime: '23:00', durationMinutes: 20 }).expect(
      409,
    );
    expect(late.body.code).toBe('POLICY_QUIET_HOURS');
    const long = await window({ name: 'Dài', startTime: '10:00', durationMinutes: 61 }).expect(409);
    expect(long.body).toMatchObject({
      code: 'POLICY_SESSION_TOO_LONG',
      messageVi: 'Khung giờ Dài (10:00–11:01) dài 61 phút, quá giới hạn 60 phút một buổi',
    });
    expect(long.body.window).not.toHaveProperty('id');
    const moved = await http()
      .patch(`/api/v1/communes/${HAC_THANH}/windows/${toi}`)
      .set(bearer(who.operator))
      .send({ durationMinutes: 55 })
      .expect(409);
    expect(moved.body).toMatchObject({
      code: 'POLICY_QUIET_HOURS',
      messageVi: 'Khung giờ Tối (20:40–21:35) rơi vào giờ yên tĩnh 21:30–05:30',
    });
    // A saved window's refusal names it by its id.
    expect(moved.body.window).toMatchObject({ id: toi });
  });

  it('lets a commune only tighten the province policy: a looser value is 422 with the rule', async () => {
    for (const body of [
      { quietHours: null },
      { quietHours: { from: '22:00', to: '05:30' } },
      { maxSessionMinutes: 61 },
      { maxDailyMinutes: 300 },
      { unattendedRelaysAtNight: true },
    ]) {
      const response = await put(`/communes/${HAC_THANH}/policy`, who.approver, body);
      expect({ body, status: response.status }).toEqual({ body, status: 422 });
      expect(response.body.code).toBe('POLICY_LOOSER_THAN_PROVINCE');
      expect(response.body.message).toContain('only tighten');
    }
    const view = await get(`/communes/${HAC_THANH}/policy`, who.approver).expect(200);
    expect(view.body.own).toEqual({});
  });

  it('refuses items that break the policy: quiet hours, session, daily limit', async () => {
    await schedule(bulletin40s, at('2025-10-06', '21:20:00')).expect(201);
    // The approver moves the quiet hours to 21:00: the Tối window and its item now break them.
    const tightened = await put(`/communes/${HAC_THANH}/policy`, who.approver, {
      quietHours: { from: '21:00', to: '05:30' },
    }).expect(200);
    expect(tightened.body.sources.quietHours).toBe('commune');
    const quiet = await schedule(bulletin30s, at('2025-10-07', '21:05:00')).expect(409);
    // The refusal says it in Vietnamese too, as an as-run record's does, with the item's times.
    expect(quiet.body).toMatchObject({
      code: 'POLICY_QUIET_HOURS',
      rule: 'POLICY_QUIET_HOURS',
      messageVi: 'Mục phát 21:05–21:05:30 ngày 07/10/2025 rơi vào giờ yên tĩnh 21:00–05:30',
      startsAt: '2025-10-07T21:05:00.000+07:00',
      endsAt: '2025-10-07T21:05:30.000+07:00',
    });
    const evening = await schedule(bulletin30s, at('2025-10-07', '20:50:00')).expect(201);
    // A move is refused alike.
    const late = await http()
      .patch(`/api/v1/communes/${HAC_THANH}/schedule/items/${evening.body.id}`)
      .set(bearer(who.operator))
      .send({ startsAt: at('2025-10-07', '21:10:00') })
      .expect(409);
    expect(late.body).toMatchObject({
      code: 'POLICY_QUIET_HOURS',
      messageVi: 'Mục phát 21:10–21:10:30 ngày 07/10/2025 rơi vào giờ yên tĩnh 21:00–05:30',
    });

    await put(`/communes/${HAC_THANH}/policy`, who.approver, {
      quietHours: { from: '21:00', to: '05:30' },
      maxSessionMinutes: 20,
    }).expect(200);
    const session = await schedule(bulletin40s, at('2025-10-07', '17:19:40')).expect(409);
    expect(session.body).toMatchObject({
      code: 'POLICY_SESSION_TOO_LONG',
      messageVi: expect.stringContaining('quá giới hạn 20 phút một buổi'),
    });
    await schedule(bulletin40s, at('2025-10-07', '17:19:00')).expect(201);

    await put(`/communes/${HAC_THANH}/policy`, who.approver, {
      quietHours: { from: '21:00', to: '05:30' },
      maxSessionMinutes: 20,
      maxDailyMinutes: 2,
    }).expect(200);
    // A live announcement of a minute that day is not held to the daily airtime.
    await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: null,
      startsAt: new Date(at('2025-10-07', '06:00:00')),
      durationMs: 60000,
      source: 'live',
      status: 'dispatched',
    });
    // 2025-10-07 holds 30 s + 40 s: another 40 s makes 110 s of the 120 allowed; 30 s more does not fit.
    await schedule(bulletin40s, at('2025-10-07', '05:30:00')).expect(201);
    // 30 s at 05:35 fits before the others: it would leave no room for the 20:50 item.
    const pushing = await schedule(bulletin30s, at('2025-10-07', '05:35:00')).expect(409);
    expect(pushing.body).toMatchObject({
      code: 'POLICY_DAILY_LIMIT',
      messageVi:
        'Thêm mục phát 05:35–05:35:30 ngày 07/10/2025 thì mục phát 20:50–20:50:30 cùng ngày sẽ vượt giới hạn 2 phút một ngày và không được phát',
      startsAt: '2025-10-07T05:35:00.000+07:00',
      pushedItem: {
        id: evening.body.id,
        startsAt: '2025-10-07T20:50:00.000+07:00',
        endsAt: '2025-10-07T20:50:30.000+07:00',
      },
    });
    expect(pushing.body.message).toContain('2 min');
    // 30 s after them all passes the limit itself: refused for it.
    const daily = await schedule(bulletin30s, at('2025-10-07', '20:55:00')).expect(409);
    expect(daily.body).toMatchObject({
      code: 'POLICY_DAILY_LIMIT',
      messageVi:
        'Thêm mục phát 20:55–20:55:30 ngày 07/10/2025 thì tổng thời lượng phát trong ngày là 2,3 phút, quá giới hạn 2 phút một ngày',
    });
    expect(daily.body).not.toHaveProperty('pushedItem');
    expect(daily.body.message).toContain('2 min');
  });

  it('saves a policy tightened over existing windows and items, and lists what now breaks it', async () => {
    const early = await schedule(bulletin40s, at('2025-10-08', '17:10:00')).expect(201);
    const response = await put(`/communes/${HAC_THANH}/policy`, who.approver, {
      quietHours: { from: '21:00', to: '05:30' },
      maxSessionMinutes: 10,
      maxDailyMinutes: 2,
    }).expect(200);
    const violations = response.body.violations as Breach[];
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'window', id: toi, rule: 'POLICY_QUIET_HOURS' }),
        expect.objectContaining({ type: 'window', id: chieu, rule: 'POLICY_SESSION_TOO_LONG' }),
        expect.objectContaining({ type: 'window', id: sang, rule: 'POLICY_SESSION_TOO_LONG' }),
        expect.objectContaining({
          type: 'item',
          id: early.body.id,
          rule: 'POLICY_SESSION_TOO_LONG',
        }),
      ]),
    );
    const item = violations.find((breach) => breach.id === early.body.id)!;
    expect(item).toMatchObject({
      startsAt: '2025-10-08T17:10:00.000+07:00',
      endsAt: '2025-10-08T17:10:40.000+07:00',
    });
    expect(item.messageVi).toContain('quá giới hạn 10 phút một buổi');
    // The 21:20 item of 6 October, saved before the tightening, is listed too.
    expect(violations.filter((breach) => breach.rule === 'POLICY_QUIET_HOURS')).toHaveLength(2);
    // The GET shows the same list.
    const view = await get(`/communes/${HAC_THANH}/policy`, who.monitor).expect(200);
    expect((view.body.violations as Breach[]).map((breach) => breach.id)).toEqual(
      violations.map((breach) => breach.id),
    );
  });

  it('plans around the policy: no item past the session or in quiet hours, and reports it', async () => {
    await http()
      .post('/api/v1/campaigns')
      .set(bearer(who.monitor))
      .send({
        code: 'policy-2025',
        name: 'Thử quy định phát sóng',
        startsOn: '2025-10-13',
        endsOn: '2025-10-13',
        rules: [{ topic: 'chinh-quyen-so', minPlaysPerWeek: 70 }],
      })
      .expect(201);
    const plan = await http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/plan`)
      .set(bearer(who.operator))
      .send({ campaign: 'policy-2025', from: '2025-10-13', to: '2025-10-13', dryRun: true })
      .expect(200);
    const items = plan.body.items as { startsAt: string; endsAt: string; windowId: string }[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const start = item.startsAt.slice(11, 16);
      expect(start < '21:00' && start >= '05:30').toBe(true);
    }
    expect(plan.body.policyLimits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ windowId: toi, rule: 'POLICY_QUIET_HOURS' }),
        expect.objectContaining({ windowId: chieu, rule: 'POLICY_SESSION_TOO_LONG' }),
      ]),
    );
  });

  it('a province that tightens past a commune wins; the commune answer says so', async () => {
    const province = await put(`/provinces/${THANH_HOA}/policy`, who.monitor, {
      quietHours: { from: '20:30', to: '06:00' },
    }).expect(200);
    expect(province.body).toMatchObject({
      own: { quietHours: { from: '20:30', to: '06:00' } },
      sources: { quietHours: 'province', maxSessionMinutes: 'default' },
    });
    // The province's answer lists the windows of its communes that break it.
    expect((province.body.violations as Breach[]).map((breach) => breach.id)).toEqual(
      expect.arrayContaining([sang, toi]),
    );
    const commune = await get(`/communes/${HAC_THANH}/policy`, who.operator).expect(200);
    expect(commune.body).toMatchObject({
      policy: { quietHours: { from: '20:30', to: '06:00' }, maxSessionMinutes: 10 },
      sources: { quietHours: 'province', maxSessionMinutes: 'commune' },
      own: { quietHours: { from: '21:00', to: '05:30' } },
      inherited: { quietHours: { from: '20:30', to: '06:00' }, maxSessionMinutes: 60 },
    });
    // Another commune inherits it all.
    const other = await get(`/communes/${HAM_RONG}/policy`, who.otherOperator).expect(200);
    expect(other.body.sources).toMatchObject({
      quietHours: 'province',
      maxDailyMinutes: 'default',
    });
  });

  it('lets an emergency through at 3:15, and the device manifest carries the policy', async () => {
    const sos = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Khẩn cấp: lũ quét',
      topics: ['chinh-quyen-so'],
      durationMs: 20000,
      priority: 'emergency',
    });
    clock.set('2025-10-09T03:15:00+07:00');
    const emergency = await http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/emergency`)
      .set(bearer(who.operator))
      .send({ bulletinId: sos })
      .expect(201);
    expect(emergency.body).toMatchObject({ source: 'emergency' });

    const device = await enrolNewDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 1');
    const manifest = await http()
      .get(manifestPath(device.deviceId))
      .set(bearer(device.apiToken))
      .expect(200);
    expect(manifest.body.policy).toEqual({
      quietHours: { from: '20:30', to: '06:00' },
      maxSessionMinutes: 10,
      maxDailyMinutes: 2,
      unattendedRelaysAtNight: false,
    });
  });

  it('does not hold an item the player will refuse against the save of another', async () => {
    // A minute at 20:40 on 10 October, saved before the province moved the quiet hours to 20:30:
    // the player will refuse it, and it will not air.
    const night = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: bulletin40s,
      startsAt: new Date(at('2025-10-10', '20:40:00')),
      durationMs: 60000,
    });
    await schedule(bulletin40s, at('2025-10-10', '17:00:00')).expect(201);
    // 80 s of the 120 allowed will air; counting the refused minute, it would be 140 s.
    const saved = await schedule(bulletin40s, at('2025-10-10', '17:02:00')).expect(201);
    const breaches = (await get(`/communes/${HAC_THANH}/policy`, who.monitor).expect(200)).body
      .violations as Breach[];
    expect(breaches.filter((breach) => [night.id, saved.body.id].includes(breach.id))).toEqual([
      expect.objectContaining({ id: night.id, rule: 'POLICY_QUIET_HOURS' }),
    ]);
  });
});

describe('broadcast policy at play time (e2e, file sink, real time)', () => {
  const PROVINCE = '38';
  const REFUSED = '14758';
  const EMERGENCY = '14812';
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    storage = await createTestStorage(REAL_DEFAULTS);
    app = await startTestApp(storage, {
      PLAYOUT_SINK: 'file',
      PLAYOUT_LATE_TOLERANCE_MS: '4000',
      PLAYOUT_PREROLL_MS: '1500',
      PLAYOUT_RECONCILE_SECONDS: '1',
    });
    admin = await app.login(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const records = async (commune: string) =>
    (await app.http().get(`/api/v1/communes/${commune}/playout-log`).set(bearer(admin)).expect(200))
      .body as {
      scheduleItemId: string;
      outcome: string;
      reason: string | null;
      playedMs: number;
    }[];

  async function waitForRecord(commune: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await records(commune);
      if (found.length > 0 || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** An item written straight to the log (an import, a bug): no save-time check saw it. */
  async function itemAt(commune: string, startsAt: Date, priority: 'normal' | 'emergency') {
    const audio = await insertReadyAudio(app, {
      communeCode: commune,
      provinceCode: PROVINCE,
      durationMs: 1500,
    });
    const bulletin = await insertBulletin(app, {
      communeCode: commune,
      provinceCode: PROVINCE,
      title: priority === 'emergency' ? 'Khẩn cấp' : 'Tiếp âm nhập từ tệp',
      topics: ['kinh-te-so'],
      audioId: audio.id,
      priority,
    });
    const item = await insertScheduleItem(app, {
      communeCode: commune,
      bulletinId: bulletin.id,
      startsAt,
      durationMs: 1500,
      source: priority === 'emergency' ? 'emergency' : 'manual',
    });
    app.app
      .get(ScheduleChanges)
      .emit({ communeCode: commune, kind: 'created', itemIds: [item.id] });
    return item;
  }

  it('refuses an item in quiet hours at play time (failed, with the rule) and plays an emergency', async () => {
    // Quiet hours around now, whatever the hour this runs at: the province's own.
    const minute = Math.floor(localMsOfDay(new Date()) / 60000);
    const quietHours = {
      from: formatLocalTime((minute + 1440 - 60) % 1440),
      to: formatLocalTime((minute + 60) % 1440),
    };
    await app
      .http()
      .put(`/api/v1/provinces/${PROVINCE}/policy`)
      .set(bearer(admin))
      .send({ quietHours })
      .expect(200);
    const startsAt = new Date(Date.now() + 2500);
    const refused = await itemAt(REFUSED, startsAt, 'normal');
    const emergency = await itemAt(EMERGENCY, startsAt, 'emergency');

    const [record] = await waitForRecord(REFUSED, 15000);
    expect(record).toMatchObject({
      scheduleItemId: refused.id,
      outcome: 'failed',
      playedMs: 0,
      reason: expect.stringContaining('(POLICY_QUIET_HOURS)'),
    });
    expect(record.reason).toContain('giờ yên tĩnh');
    const archive = `${storage.env.MEDIA_DIR}/archive`;
    expect(existsSync(archivePath(archive, REFUSED, refused.startsAt, refused.id))).toBe(false);

    const [aired] = await waitForRecord(EMERGENCY, 15000);
    expect(aired).toMatchObject({ scheduleItemId: emergency.id, outcome: 'aired' });
    expect(existsSync(archivePath(archive, EMERGENCY, emergency.startsAt, emergency.id))).toBe(
      true,
    );
  });
});
