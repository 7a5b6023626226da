import { ManualClock } from '../src/common/manual-clock';
import { ProgramLogRepository } from '../src/schedule/program-log.repository';
import { seedReadyAudio } from './support/audio-fixtures';
import { insertScheduleItem } from './support/playout-fixtures';
import {
  Actors,
  createActors,
  createApproved,
  createDraft,
  createWindow,
  HAC_THANH,
  HAM_RONG,
  THANH_HOA,
} from './support/schedule-fixtures';
import { createUserAndLogin } from './support/test-app';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const BIM_SON = '14812';
const QUANG_TRUNG = '14818';
const REQUIRED = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];
const CAMPAIGN = {
  code: 'cds-thu-nghiem',
  name: 'Đợt tuyên truyền chuyển đổi số thử nghiệm hai tuần',
  startsOn: '2025-10-06',
  endsOn: '2025-10-19',
  rules: REQUIRED.map((topic) => ({ topic, minSecondsPerWeek: 120, minPlaysPerWeek: 3 })),
  minDailySeconds: 60,
};

interface Item {
  id: string;
  bulletinId: string;
  startsAt: string;
  endsAt: string;
  status: string;
}

interface Window {
  id: string;
  daysOfWeek: number[];
  startTime: string;
  endTime: string;
}

const ms = (instant: string) => Date.parse(instant);
/** Local date and weekday of an instant served with +07:00. */
const localDate = (instant: string) => instant.slice(0, 10);
const weekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/**
 * Checks a program log against the campaign from the log alone: what GET …/schedule and
 * GET …/windows return, and the topics the test gave each bulletin.
 */
function violations(
  items: Item[],
  windows: Window[],
  topicsOf: Map<string, string[]>,
  campaign: typeof CAMPAIGN,
  gapMs: number,
): string[] {
  const problems: string[] = [];
  const sorted = [...items].sort((a, b) => ms(a.startsAt) - ms(b.startsAt));
  for (let index = 1; index < sorted.length; index += 1) {
    if (ms(sorted[index - 1].endsAt) + gapMs > ms(sorted[index].startsAt)) {
      problems.push(`overlap: ${sorted[index - 1].startsAt} and ${sorted[index].startsAt}`);
    }
  }
  const seenInWindow = new Set<string>();
  for (const item of items) {
    const date = localDate(item.startsAt);
    const window = windows.find(
      (candidate) =>
        candidate.daysOfWeek.includes(weekday(date)) &&
        ms(`${date}T${candidate.startTime}:00+07:00`) <= ms(item.startsAt) &&
        ms(item.endsAt) <= ms(`${date}T${candidate.endTime}:00+07:00`),
    );
    if (!window) {
      problems.push(`outside every window: ${item.startsAt}`);
      continue;
    }
    const key = `${date} ${window.id} ${item.bulletinId}`;
    if (seenInWindow.has(key)) problems.push(`bulletin twice in one window: ${key}`);
    seenInWindow.add(key);
  }
  const dates: string[] = [];
  for (
    let day = ms(`${campaign.startsOn}T00:00:00Z`);
    day <= ms(`${campaign.endsOn}T00:00:00Z`);
    day += 86400000
  ) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  const weeks: string[][] = [];
  for (const date of dates) {
    if (weeks.length === 0 || weekday(date) === 1) weeks.push([]);
    weeks[weeks.length - 1].push(date);
  }
  const seconds = (list: Item[]) =>
    list.reduce((sum, item) => sum + (ms(item.endsAt) - ms(item.startsAt)) / 1000, 0);
  for (const week of weeks) {
    for (const rule of campaign.rules) {
      const onTopic = items.filter(
        (item) =>
          week.includes(localDate(item.startsAt)) &&
          topicsOf.get(item.bulletinId)?.includes(rule.topic),
      );
      const needSeconds = Math.ceil((rule.minSecondsPerWeek * week.length) / 7);
      const needPlays = Math.ceil((rule.minPlaysPerWeek * week.length) / 7);
      if (seconds(onTopic) < needSeconds || onTopic.length < needPlays) {
        problems.push(
          `${rule.topic} in week of ${week[0]}: ${seconds(onTopic)} s, ${onTopic.length} plays`,
        );
      }
    }
  }
  for (const date of dates) {
    const campaignItems = items.filter(
      (item) =>
        localDate(item.startsAt) === date &&
        (topicsOf.get(item.bulletinId) ?? []).some((topic) => REQUIRED.includes(topic)),
    );
    if (seconds(campaignItems) < campaign.minDailySeconds) {
      problems.push(`${date}: ${seconds(campaignItems)} s of campaign airtime`);
    }
  }
  return problems;
}

// Real ffmpeg, databases and many requests per test: more than Jest's default 5 s.
jest.setTimeout(60000);

describe('campaign planner (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const topicsOf = new Map<string, string[]>();
  let emergencyId: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    await app.http().post('/api/v1/campaigns').set(bearer(who.monitor)).send(CAMPAIGN).expect(201);
    for (const [name, startTime] of [
      ['Sáng', '05:30'],
      ['Chiều', '17:00'],
    ]) {
      await createWindow(app, who.operator, HAC_THANH, { name, startTime, durationMinutes: 30 });
    }
    const lengths = [25000, 60000, 32500, 47000, 38000, 55000, 29000, 51500];
    for (const [index, topic] of REQUIRED.entries()) {
      for (const part of [0, 1]) {
        const id = await createApproved(app, who.operator, who.approver, HAC_THANH, {
          title: `Bản tin ${topic} số ${part + 1}`,
          topics: [topic],
          durationMs: lengths[index * 2 + part],
        });
        topicsOf.set(id, [topic]);
      }
    }
    // A storm warning tagged with a campaign topic: played at once when it comes, never planned.
    emergencyId = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Cảnh báo bão số 15',
      topics: ['xa-hoi-so'],
      durationMs: 20000,
      priority: 'emergency',
    });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const plan = (body: object, token = who.operator, commune = HAC_THANH) =>
    app.http().post(`/api/v1/communes/${commune}/schedule/plan`).set(bearer(token)).send(body);
  const log = async (commune = HAC_THANH): Promise<Item[]> =>
    (
      await app
        .http()
        .get(`/api/v1/communes/${commune}/schedule?from=${CAMPAIGN.startsOn}&to=${CAMPAIGN.endsOn}`)
        .set(bearer(who.monitor))
        .expect(200)
    ).body as Item[];
  const gaps = (token = who.monitor) =>
    app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule/gaps?campaign=${CAMPAIGN.code}`)
      .set(bearer(token))
      .expect(200);

  it('says how far the empty log is from the targets', async () => {
    const response = await gaps();
    expect(response.body).toMatchObject({
      campaign: CAMPAIGN.code,
      from: '2025-10-06',
      to: '2025-10-19',
      met: false,
    });
    expect(response.body.weeks).toHaveLength(2);
    expect(response.body.weeks[0].topics[0]).toEqual({
      topic: 'chinh-quyen-so',
      requiredSeconds: 120,
      scheduledSeconds: 0,
      missingSeconds: 120,
      requiredPlays: 3,
      scheduledPlays: 0,
      missingPlays: 3,
      met: false,
    });
    expect(response.body.gaps).toContain(
      'The log is 2 min and 3 plays short on kinh-te-so in week 2025-W41 (2025-10-06 – 2025-10-12)',
    );
    expect(response.body.gaps).toContain(
      'The log is 1 min short of the 1 min of campaign airtime required on 2025-10-19',
    );
  });

  it('plans a dry run without writing, then the same plan for real; the log alone meets every rule', async () => {
    const body = { campaign: CAMPAIGN.code, from: '2025-10-06', to: '2025-10-19' };
    const dry = await plan({ ...body, dryRun: true }).expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, shortfalls: [], progress: { met: true } });
    expect(dry.body.items.length).toBeGreaterThan(0);
    expect(
      (dry.body.items as { bulletinId: string }[]).filter(
        (item) => item.bulletinId === emergencyId,
      ),
    ).toEqual([]);
    expect((dry.body.items as { id: string | null }[]).every((item) => item.id === null)).toBe(
      true,
    );
    expect(await log()).toEqual([]);

    const again = await plan({ ...body, dryRun: true }).expect(200);
    expect(again.body.items).toEqual(dry.body.items);

    const real = await plan(body).expect(200);
    expect(real.body).toMatchObject({ dryRun: false, shortfalls: [] });
    const strip = (items: { id: string | null }[]) => items.map(({ id: _id, ...rest }) => rest);
    expect(strip(real.body.items)).toEqual(strip(dry.body.items));

    const items = await log();
    expect(items).toHaveLength(real.body.items.length);
    expect(items.every((item) => item.status === 'planned')).toBe(true);
    const windows = (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/windows`)
        .set(bearer(who.monitor))
        .expect(200)
    ).body as Window[];
    expect(violations(items, windows, topicsOf, CAMPAIGN, 2000)).toEqual([]);
    // The checker is not blind: dropping one day's items breaks it.
    const withoutADay = items.filter((item) => localDate(item.startsAt) !== '2025-10-08');
    expect(violations(withoutADay, windows, topicsOf, CAMPAIGN, 2000)).toContain(
      '2025-10-08: 0 s of campaign airtime',
    );

    const after = await gaps();
    expect(after.body).toMatchObject({ met: true, gaps: [] });
  });

  it('keeps and counts what is on the log: planning again adds nothing', async () => {
    const before = await log();
    const response = await plan({
      campaign: CAMPAIGN.code,
      from: '2025-10-06',
      to: '2025-10-19',
    }).expect(200);
    expect(response.body).toMatchObject({ items: [], shortfalls: [] });
    expect(await log()).toHaveLength(before.length);
  });

  it('explains each rule it cannot meet, and counts the province library like own bulletins', async () => {
    for (const [name, startTime] of [
      ['Sáng', '06:00'],
      ['Tối', '19:00'],
    ]) {
      await createWindow(app, who.otherOperator, HAM_RONG, {
        name,
        startTime,
        durationMinutes: 30,
      });
    }
    for (const topic of ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so']) {
      const id = await createApproved(app, who.otherOperator, who.otherApprover, HAM_RONG, {
        title: `Tin ${topic} của Hàm Rồng`,
        topics: [topic],
        durationMs: 45000,
      });
      topicsOf.set(id, [topic]);
    }
    const body = { campaign: CAMPAIGN.code, from: '2025-10-06', to: '2025-10-19', dryRun: true };
    const missing = await plan(body, who.otherOperator, HAM_RONG).expect(200);
    expect(missing.body.shortfalls).toEqual([
      expect.objectContaining({
        kind: 'weekly',
        topic: 'mo-hinh-2-cap',
        week: '2025-W41',
        reason: 'no-bulletin',
        requiredSeconds: 120,
        missingSeconds: 120,
        missingPlays: 3,
        message:
          'The log is 2 min and 3 plays short on mo-hinh-2-cap in week 2025-W41 (2025-10-06 – 2025-10-12): No approved bulletin with ready audio is tagged mo-hinh-2-cap',
      }),
      expect.objectContaining({ topic: 'mo-hinh-2-cap', week: '2025-W42', reason: 'no-bulletin' }),
    ]);

    const audioId = await seedReadyAudio(app, {
      ownerCode: THANH_HOA,
      communeCode: null,
      provinceCode: THANH_HOA,
      durationMs: 58000,
    });
    const library = await app
      .http()
      .post(`/api/v1/provinces/${THANH_HOA}/bulletins`)
      .set(bearer(who.monitor))
      .send({
        title: 'Mô hình chính quyền địa phương hai cấp vận hành thông suốt',
        topics: ['mo-hinh-2-cap'],
        audioId,
      })
      .expect(201);
    await app
      .http()
      .post(`/api/v1/bulletins/${library.body.id}/approve`)
      .set(bearer(who.monitor))
      .expect(200);
    topicsOf.set(library.body.id, ['mo-hinh-2-cap']);

    const planned = await plan({ ...body, dryRun: false }, who.otherOperator, HAM_RONG).expect(200);
    expect(planned.body.shortfalls).toEqual([]);
    const items = await log(HAM_RONG);
    expect(items.some((item) => item.bulletinId === library.body.id)).toBe(true);
    const windows = (
      await app
        .http()
        .get(`/api/v1/communes/${HAM_RONG}/windows`)
        .set(bearer(who.otherOperator))
        .expect(200)
    ).body as Window[];
    expect(violations(items, windows, topicsOf, CAMPAIGN, 2000)).toEqual([]);
  });

  it('plans a province in one request: each commune as its own plan would, a line each', async () => {
    const planProvince = (body: object, token = who.monitor, province = THANH_HOA) =>
      app.http().post(`/api/v1/provinces/${province}/schedule/plan`).set(bearer(token)).send(body);
    const body = { campaign: CAMPAIGN.code, from: '2025-10-06', to: '2025-10-19' };
    // Bỉm Sơn: windows and bulletins of its own, nothing planned yet.
    for (const [name, startTime] of [
      ['Sáng', '05:45'],
      ['Chiều', '17:30'],
    ]) {
      await createWindow(app, who.admin, BIM_SON, { name, startTime, durationMinutes: 30 });
    }
    for (const [index, topic] of REQUIRED.entries()) {
      const id = await createApproved(app, who.admin, who.admin, BIM_SON, {
        title: `Bỉm Sơn: bản tin ${topic}`,
        topics: [topic],
        durationMs: 40000 + index * 5000,
      });
      topicsOf.set(id, [topic]);
    }
    const own = await plan({ ...body, dryRun: true }, who.admin, BIM_SON).expect(200);
    expect(own.body.items.length).toBeGreaterThan(0);

    const dry = await planProvince({ ...body, dryRun: true }).expect(200);
    const communes = dry.body.communes as {
      communeCode: string;
      communeName: string;
      itemCount: number;
      met: boolean;
      shortfallGroups: { fix: { action: string } }[];
    }[];
    expect(communes).toHaveLength(166);
    const line = (code: string) => communes.find((commune) => commune.communeCode === code);
    expect(line(BIM_SON)).toEqual({
      communeCode: BIM_SON,
      communeName: 'Phường Bỉm Sơn',
      itemCount: own.body.items.length,
      met: own.body.progress.met,
      refusedItemCount: own.body.refusedItems.length,
      shortfallGroups: own.body.shortfallGroups,
    });
    // Hạc Thành and Hàm Rồng were planned above: nothing to add, every target met.
    expect(line(HAC_THANH)).toMatchObject({ itemCount: 0, met: true, shortfallGroups: [] });
    expect(line(HAM_RONG)).toMatchObject({ itemCount: 0, met: true });
    // A commune without windows or bulletins of its own: nothing planned, the fixes say what to add.
    expect(line('14845')).toMatchObject({ communeName: 'Xã Mường Lát', itemCount: 0, met: false });
    expect(line('14845')?.shortfallGroups.map((group) => group.fix.action)).toEqual(
      expect.arrayContaining(['add-window', 'add-bulletins']),
    );
    expect(dry.body).toMatchObject({
      dryRun: true,
      itemCount: own.body.items.length,
      metCount: communes.filter((commune) => commune.met).length,
    });
    expect(await log(BIM_SON)).toEqual([]);

    // A write that fails once its rows are in: the whole plan is rolled back, nothing stays.
    const programLog = app.app.get(ProgramLogRepository);
    const insertMany = programLog.insertMany.bind(programLog);
    const failing = jest
      .spyOn(programLog, 'insertMany')
      .mockImplementationOnce(async (manager, rows) => {
        await insertMany(manager, rows);
        throw new Error('disk I/O error');
      });
    await planProvince({ ...body, communes: [BIM_SON] }).expect(500);
    failing.mockRestore();
    expect(await log(BIM_SON)).toEqual([]);

    const real = await planProvince({ ...body, communes: [BIM_SON, HAC_THANH] }).expect(200);
    expect(real.body).toMatchObject({ dryRun: false, itemCount: own.body.items.length });
    expect(
      (real.body.communes as { communeCode: string }[]).map((commune) => commune.communeCode),
    ).toEqual([HAC_THANH, BIM_SON]);
    const items = await log(BIM_SON);
    const strip = (list: { bulletinId: string; startsAt: string; endsAt: string }[]) =>
      list.map(({ bulletinId, startsAt, endsAt }) => ({ bulletinId, startsAt, endsAt }));
    expect(strip(items)).toEqual(strip(own.body.items));
    expect(items.every((item) => item.status === 'planned')).toBe(true);
    const audit = await app
      .http()
      .get('/api/v1/audit?action=schedule.planned')
      .set(bearer(who.admin))
      .expect(200);
    expect(audit.body).toContainEqual(
      expect.objectContaining({
        action: 'schedule.planned',
        actorUsername: 'giam-sat-thanh-hoa',
        communeCode: BIM_SON,
        detail: expect.objectContaining({ items: items.length, shortfalls: 0 }),
      }),
    );
    // Planned again: nothing to add.
    const again = await planProvince({ ...body, communes: [BIM_SON] }).expect(200);
    expect(again.body).toMatchObject({ itemCount: 0, metCount: 1 });
    expect(await log(BIM_SON)).toHaveLength(items.length);

    // Who may, and what is refused.
    await planProvince(body, who.operator).expect(403);
    const otherMonitor = await createUserAndLogin(app, who.admin, {
      username: 'giam-sat-ha-noi',
      role: 'monitor',
      provinceCode: '01',
    });
    await planProvince(body, otherMonitor).expect(403);
    const foreign = await planProvince({ ...body, communes: [BIM_SON, '00004'] }).expect(422);
    expect(foreign.body).toMatchObject({
      code: 'COMMUNE_NOT_IN_PROVINCE',
      commune: '00004',
    });
    await planProvince({ ...body, communes: ['99999'] }).expect(404);
    await planProvince(body, who.admin, '99').expect(404);
    await planProvince(body, who.admin, 'thanh-hoa').expect(400);
    await planProvince({ ...body, communes: [] }).expect(400);
    await planProvince({ ...body, communes: ['1479'] }).expect(400);
    await planProvince({ ...body, zones: ['thon-1'] }).expect(400);
    await planProvince({ ...body, from: '2025-11-01', to: '2025-11-07' }).expect(422);
    expect(await log(BIM_SON)).toHaveLength(items.length);
  });

  it('plans only inside the campaign and refuses bad requests', async () => {
    const outside = await plan({
      campaign: CAMPAIGN.code,
      from: '2025-11-01',
      to: '2025-11-07',
    }).expect(422);
    // On 05/10 the campaign is to run until 19/10: November is after its end, not an ended
    // campaign (the tester's "đã kết thúc" for a running one).
    expect(outside.body).toMatchObject({
      code: 'PLAN_RANGE_INVALID',
      reason: 'after-campaign-end',
      endsOn: CAMPAIGN.endsOn,
      message: `Campaign ${CAMPAIGN.code} ends on ${CAMPAIGN.endsOn}, before 2025-11-01: choose dates up to ${CAMPAIGN.endsOn}`,
    });
    // A week the campaign ends in is planned up to its last day.
    const lastWeek = await plan({
      campaign: CAMPAIGN.code,
      from: '2025-10-13',
      to: '2025-10-26',
      dryRun: true,
    }).expect(200);
    expect(lastWeek.body).toMatchObject({ from: '2025-10-13', to: CAMPAIGN.endsOn });
    expect(
      (lastWeek.body as { items: { startsAt: string }[] }).items.every(
        (item) => item.startsAt.slice(0, 10) <= CAMPAIGN.endsOn,
      ),
    ).toBe(true);
    // Once the campaign is over, it has ended.
    const before = clock.now();
    clock.set('2025-10-20T08:00:00+07:00');
    try {
      const ended = await plan({
        campaign: CAMPAIGN.code,
        from: '2025-11-01',
        to: '2025-11-07',
        dryRun: true,
      }).expect(422);
      expect(ended.body).toMatchObject({ reason: 'campaign-ended' });
    } finally {
      clock.set(before);
    }
    const clipped = await plan({
      campaign: CAMPAIGN.code,
      from: '2025-10-01',
      to: '2025-10-07',
      dryRun: true,
    }).expect(200);
    expect(clipped.body).toMatchObject({ from: '2025-10-06', to: '2025-10-07' });
    await plan({ campaign: 'khong-co', from: '2025-10-06', to: '2025-10-07' }).expect(404);
    await plan({ campaign: CAMPAIGN.code, from: '2025-10-07', to: '2025-10-06' }).expect(400);
    await plan({ campaign: CAMPAIGN.code, from: '2025-10-06' }).expect(400);
    await plan({
      campaign: CAMPAIGN.code,
      from: '2025-10-06',
      to: '2025-10-07',
      dryRun: 'yes',
    }).expect(400);
    await plan(
      { campaign: CAMPAIGN.code, from: '2025-10-06', to: '2025-10-07' },
      who.monitor,
    ).expect(403);
    await gaps(who.operator);
  });

  it("counts a day's airtime for the policy as the player does: live speech and emergencies aside", async () => {
    const day = '2025-10-07';
    for (const [name, startTime] of [
      ['Sáng', '05:30'],
      ['Chiều', '17:00'],
    ]) {
      await createWindow(app, who.admin, QUANG_TRUNG, { name, startTime, durationMinutes: 30 });
    }
    for (const topic of REQUIRED) {
      await createApproved(app, who.admin, who.admin, QUANG_TRUNG, {
        title: `Quang Trung: bản tin ${topic}`,
        topics: [topic],
        durationMs: 50000,
      });
    }
    const storm = await createApproved(app, who.admin, who.admin, QUANG_TRUNG, {
      title: 'Cảnh báo lũ quét',
      topics: ['xa-hoi-so'],
      durationMs: 60000,
      priority: 'emergency',
    });
    // 2 min a day: two of the 50 s bulletins fit, a third does not (the storm warning, tagged
    // xa-hoi-so, leaves three topics to plan).
    await app
      .http()
      .put(`/api/v1/communes/${QUANG_TRUNG}/policy`)
      .set(bearer(who.admin))
      .send({ maxDailyMinutes: 2 })
      .expect(200);
    // The day holds half an hour of live speech and a storm warning put on the log by hand.
    await insertScheduleItem(app, {
      communeCode: QUANG_TRUNG,
      bulletinId: null,
      startsAt: new Date(`${day}T12:00:00+07:00`),
      durationMs: 30 * 60000,
      source: 'live',
      status: 'dispatched',
    });
    await insertScheduleItem(app, {
      communeCode: QUANG_TRUNG,
      bulletinId: storm,
      startsAt: new Date(`${day}T12:40:00+07:00`),
      durationMs: 60000,
      source: 'manual',
    });

    const body = { campaign: CAMPAIGN.code, from: day, to: day };
    const dry = await plan({ ...body, dryRun: true }, who.admin, QUANG_TRUNG).expect(200);
    expect(dry.body.items).toHaveLength(2);
    expect(dry.body.policyLimits).toEqual([
      expect.objectContaining({ rule: 'POLICY_DAILY_LIMIT', date: day }),
    ]);
    expect(dry.body.refusedItems).toEqual([]);

    // Written, the plan breaks nothing the player and the policy's breach list count.
    await plan(body, who.admin, QUANG_TRUNG).expect(200);
    expect(await log(QUANG_TRUNG)).toHaveLength(4);
    const policy = await app
      .http()
      .get(`/api/v1/communes/${QUANG_TRUNG}/policy`)
      .set(bearer(who.admin))
      .expect(200);
    expect(policy.body.violations).toEqual([]);
  });
});

describe('campaign planner after a partial play (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const WEEK = { from: '2025-10-06', to: '2025-10-12' };
  const PARTIAL_CAMPAIGN = {
    code: 'cds-mot-phan',
    name: 'Đợt tuyên truyền thử nghiệm sau một lần phát dở',
    startsOn: WEEK.from,
    endsOn: WEEK.to,
    rules: [
      { topic: 'kinh-te-so', minSecondsPerWeek: 300, minPlaysPerWeek: 2 },
      { topic: 'mo-hinh-2-cap', minSecondsPerWeek: 240 },
    ],
    minDailySeconds: 0,
  };
  // The morning window of the first day is over: its item has played, in part.
  const clock = new ManualClock('2025-10-06T12:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    // The API alone: no player or overdue check touches the item the test puts on the log.
    app = await startTestApp(storage, { APP_ROLES: 'api' }, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(who.monitor))
      .send(PARTIAL_CAMPAIGN)
      .expect(201);
    for (const [name, startTime] of [
      ['Sáng', '05:30'],
      ['Chiều', '17:00'],
    ]) {
      await createWindow(app, who.operator, HAC_THANH, { name, startTime, durationMinutes: 30 });
    }
    for (const part of [1, 2, 3]) {
      await createApproved(app, who.operator, who.approver, HAC_THANH, {
        title: `Kinh tế số số ${part}`,
        topics: ['kinh-te-so'],
        durationMs: 60000,
      });
    }
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const postRecord = (key: string, body: object) =>
    app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(who.operator))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);

  type Left = Record<string, { seconds: number; plays: number }>;

  /** What the compliance report says is left of the week, topic by topic. */
  const leftByReport = async (): Promise<Left> => {
    const response = await app
      .http()
      .get(
        `/api/v1/reports/compliance?campaign=${PARTIAL_CAMPAIGN.code}&province=${THANH_HOA}&from=${WEEK.from}&to=${WEEK.to}`,
      )
      .set(bearer(who.monitor))
      .expect(200);
    const rows = (
      response.body.rows as {
        communeCode: string;
        topic: string;
        airedSeconds: number;
        plays: number;
        requiredSeconds: number;
        requiredPlays: number;
      }[]
    ).filter((row) => row.communeCode === HAC_THANH);
    return Object.fromEntries(
      rows.map((row) => [
        row.topic,
        {
          seconds: Math.max(0, row.requiredSeconds - row.airedSeconds),
          plays: Math.max(0, row.requiredPlays - row.plays),
        },
      ]),
    );
  };

  /** What the planner's measure of the log (GET …/schedule/gaps) says is missing of the week. */
  const leftByGaps = async (): Promise<Left> => {
    const response = await app
      .http()
      .get(
        `/api/v1/communes/${HAC_THANH}/schedule/gaps?campaign=${PARTIAL_CAMPAIGN.code}&from=${WEEK.from}&to=${WEEK.to}`,
      )
      .set(bearer(who.operator))
      .expect(200);
    const topics = response.body.weeks[0].topics as {
      topic: string;
      missingSeconds: number;
      missingPlays: number;
    }[];
    return Object.fromEntries(
      topics.map((row) => [row.topic, { seconds: row.missingSeconds, plays: row.missingPlays }]),
    );
  };

  it("counts a partial item's played part as the compliance report does, and plans only what is left", async () => {
    // A 200 s bulletin on both topics (a draft since: the planner has nothing for mo-hinh-2-cap).
    const { id: bulletinId } = await createDraft(app, who.operator, HAC_THANH, {
      title: 'Mô hình chính quyền hai cấp và kinh tế số',
      topics: ['kinh-te-so', 'mo-hinh-2-cap'],
      durationMs: 200000,
    });
    const item = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId,
      startsAt: new Date('2025-10-06T05:30:00+07:00'),
      durationMs: 200000,
    });
    // The operator confirms that 180 s of it went on air before the power cut.
    await postRecord('phat-do-2025-10-06-sang', {
      outcome: 'partial',
      scheduleItemId: item.id,
      startedAt: '2025-10-06T05:30:00.000+07:00',
      endedAt: '2025-10-06T05:33:00.000+07:00',
      playedMs: 180000,
      reason: 'Mất điện sau 3 phút',
    });
    const logged = (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule?from=${WEEK.from}&to=${WEEK.to}`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as Item[];
    expect(logged.map((entry) => [entry.id, entry.status])).toEqual([[item.id, 'partial']]);

    const left = await leftByReport();
    expect(left).toEqual({
      'kinh-te-so': { seconds: 120, plays: 2 },
      'mo-hinh-2-cap': { seconds: 60, plays: 0 },
    });
    // The planner's measure of the log says the same.
    expect(await leftByGaps()).toEqual(left);

    // The plan fills exactly what is left of kinh-te-so (two 60 s plays, not five), and its
    // shortfall on mo-hinh-2-cap is the minute the report says is left.
    const plan = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/plan`)
      .set(bearer(who.operator))
      .send({ campaign: PARTIAL_CAMPAIGN.code, ...WEEK, dryRun: true })
      .expect(200);
    const planned = plan.body.items as { topics: string[]; durationMs: number }[];
    expect(planned.every((entry) => entry.topics.includes('kinh-te-so'))).toBe(true);
    expect(planned).toHaveLength(left['kinh-te-so'].plays);
    expect(planned.reduce((sum, entry) => sum + entry.durationMs, 0) / 1000).toBe(
      left['kinh-te-so'].seconds,
    );
    expect(plan.body.shortfalls).toEqual([
      expect.objectContaining({
        topic: 'mo-hinh-2-cap',
        reason: 'no-bulletin',
        missingSeconds: left['mo-hinh-2-cap'].seconds,
        missingPlays: 0,
      }),
    ]);

    // A correction replaces the record it corrects: only its 120 s count, here as in the report.
    await postRecord('sua-phat-do-2025-10-06-sang', {
      outcome: 'partial',
      scheduleItemId: item.id,
      startedAt: '2025-10-06T05:30:00.000+07:00',
      endedAt: '2025-10-06T05:32:00.000+07:00',
      playedMs: 120000,
      correctsSeq: 1,
      reason: 'Nhật ký máy phát: mất điện sau 2 phút',
    });
    const corrected = await leftByReport();
    expect(corrected).toEqual({
      'kinh-te-so': { seconds: 180, plays: 2 },
      'mo-hinh-2-cap': { seconds: 120, plays: 0 },
    });
    expect(await leftByGaps()).toEqual(corrected);
    const replanned = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/plan`)
      .set(bearer(who.operator))
      .send({ campaign: PARTIAL_CAMPAIGN.code, ...WEEK, dryRun: true })
      .expect(200);
    const seconds = (replanned.body.items as { durationMs: number }[]).reduce(
      (sum, entry) => sum + entry.durationMs / 1000,
      0,
    );
    expect(seconds).toBe(corrected['kinh-te-so'].seconds);
    expect(replanned.body.shortfalls).toEqual([
      expect.objectContaining({
        topic: 'mo-hinh-2-cap',
        missingSeconds: corrected['mo-hinh-2-cap'].seconds,
      }),
    ]);
  });
});
