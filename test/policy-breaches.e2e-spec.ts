import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { PolicyChecks } from '../src/schedule/policy-checks';
import { insertScheduleItem } from './support/playout-fixtures';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
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

/** One Monday of campaign: one play of 40 s of chinh-quyen-so, and 40 s of campaign airtime. */
const CAMPAIGN = {
  code: 'cds-yen-tinh',
  name: 'Đợt tuyên truyền thử giờ yên tĩnh',
  startsOn: '2025-10-06',
  endsOn: '2025-10-06',
  rules: [{ topic: 'chinh-quyen-so', minSecondsPerWeek: 280, minPlaysPerWeek: 7 }],
  minDailySeconds: 40,
};
const MONDAY = '2025-10-06';
const QUIET_VI = 'Mục phát 05:30–05:30:40 ngày 06/10/2025 rơi vào giờ yên tĩnh 21:30–06:00';

interface Breach {
  rule: string;
  message: string;
  messageVi: string;
}

jest.setTimeout(60000);

/**
 * After the approver tightens the quiet hours, what the operator reads carries the breach, and
 * the airtime the player will refuse is counted nowhere (the province's plan counts the items).
 * The daily limit is judged there as the player judges it.
 */
describe('items and windows that break a tightened policy (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let sang: string;
  let chieu: string;
  let early: string;
  let tuesday: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    await app.http().post('/api/v1/campaigns').set(bearer(who.monitor)).send(CAMPAIGN).expect(201);
    sang = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    // Tuesdays only: the Monday of the campaign has no time outside the new quiet hours.
    chieu = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Chiều',
      daysOfWeek: [2],
      startTime: '17:00',
      durationMinutes: 30,
    });
    const bulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Dịch vụ công trực tuyến',
      topics: ['chinh-quyen-so'],
      durationMs: 40000,
    });
    early = await schedule(bulletin, `${MONDAY}T05:30:00+07:00`);
    tuesday = await schedule(bulletin, '2025-10-07T17:00:00+07:00');
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const get = (path: string) =>
    app.http().get(`/api/v1/communes/${HAC_THANH}${path}`).set(bearer(who.operator)).expect(200);
  async function schedule(bulletinId: string, startsAt: string): Promise<string> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule`)
      .set(bearer(who.operator))
      .send({ bulletinId, startsAt })
      .expect(201);
    return (response.body as { id: string }).id;
  }
  const gaps = () =>
    get(`/schedule/gaps?campaign=${CAMPAIGN.code}&from=${MONDAY}&to=${MONDAY}`).then(
      (response) =>
        response.body as {
          met: boolean;
          days: { scheduledSeconds: number }[];
          refusedItems: (Breach & { id: string })[];
        },
    );
  const plan = () =>
    app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/plan`)
      .set(bearer(who.operator))
      .send({ campaign: CAMPAIGN.code, from: MONDAY, to: MONDAY, dryRun: true })
      .expect(200)
      .then(
        (response) =>
          response.body as {
            items: unknown[];
            progress: { met: boolean };
            refusedItems: (Breach & { id: string })[];
          },
      );
  /** The commune's line of its province's plan, as the province's monitor previews it. */
  const provinceLine = () =>
    app
      .http()
      .post(`/api/v1/provinces/${THANH_HOA}/schedule/plan`)
      .set(bearer(who.monitor))
      .send({
        campaign: CAMPAIGN.code,
        from: MONDAY,
        to: MONDAY,
        dryRun: true,
        communes: [HAC_THANH],
      })
      .expect(200)
      .then(
        (response) =>
          (response.body as { communes: { met: boolean; refusedItemCount: number }[] }).communes[0],
      );
  const breachesOf = async (path: string) =>
    new Map(
      ((await get(path)).body as { id: string; policyBreaches: Breach[] }[]).map((entry) => [
        entry.id,
        entry.policyBreaches,
      ]),
    );

  it('counts the items and flags nothing while the policy allows them', async () => {
    const items = await breachesOf(`/schedule?from=${MONDAY}&to=2025-10-07`);
    expect(items.get(early)).toEqual([]);
    expect(items.get(tuesday)).toEqual([]);
    expect((await breachesOf('/windows')).get(sang)).toEqual([]);
    const before = await gaps();
    expect(before).toMatchObject({ met: true, refusedItems: [] });
    expect(before.days[0].scheduledSeconds).toBe(40);
    expect(await plan()).toMatchObject({ items: [], progress: { met: true }, refusedItems: [] });
    expect(await provinceLine()).toMatchObject({ met: true, refusedItemCount: 0 });
  });

  it('flags the breach on every view the operator reads once the quiet hours are tightened', async () => {
    const put = await app
      .http()
      .put(`/api/v1/communes/${HAC_THANH}/policy`)
      .set(bearer(who.approver))
      .send({ quietHours: { from: '21:30', to: '06:00' } })
      .expect(200);
    expect((put.body as { violations: Breach[] }).violations.map((v) => v.messageVi)).toEqual([
      'Khung giờ Sáng (05:30–06:00) rơi vào giờ yên tĩnh 21:30–06:00',
      QUIET_VI,
    ]);

    const items = await breachesOf(`/schedule?from=${MONDAY}&to=2025-10-07`);
    const breach = { rule: 'POLICY_QUIET_HOURS', messageVi: QUIET_VI };
    expect(items.get(early)).toEqual([expect.objectContaining(breach)]);
    expect(items.get(tuesday)).toEqual([]);
    const item = await get(`/schedule/items/${early}`);
    expect(item.body.policyBreaches).toEqual([expect.objectContaining(breach)]);

    const windows = await breachesOf('/windows');
    expect(windows.get(sang)).toEqual([
      expect.objectContaining({
        rule: 'POLICY_QUIET_HOURS',
        messageVi: 'Khung giờ Sáng (05:30–06:00) rơi vào giờ yên tĩnh 21:30–06:00',
      }),
    ]);
    expect(windows.get(chieu)).toEqual([]);
    expect((await get(`/windows/${sang}`)).body.policyBreaches).toHaveLength(1);
  });

  it('no longer counts the airtime the player will refuse, and says which items need moving', async () => {
    const after = await gaps();
    expect(after.met).toBe(false);
    expect(after.days[0].scheduledSeconds).toBe(0);
    expect(after.refusedItems).toEqual([
      expect.objectContaining({ id: early, rule: 'POLICY_QUIET_HOURS', messageVi: QUIET_VI }),
    ]);
    const planned = await plan();
    // The only window time of the day is now quiet: the planner puts nothing in it.
    expect(planned.items).toEqual([]);
    expect(planned.progress.met).toBe(false);
    expect(planned.refusedItems.map((entry) => entry.id)).toEqual([early]);
    // The province's plan says it on the commune's line.
    expect(await provinceLine()).toMatchObject({ met: false, refusedItemCount: 1 });
  });

  it('follows the player on a day with live speech: its airtime does not count toward the daily limit', async () => {
    // Tuesday 09:00: a minute of live speech went out at 08:00; Chiều plays 40 s at 17:00.
    clock.set('2025-10-07T09:00:00+07:00');
    await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: null,
      startsAt: new Date('2025-10-07T08:00:00+07:00'),
      durationMs: 60000,
      source: 'live',
      status: 'aired',
    });
    // A daily limit of a minute: the live minute and the 40 s pass it; the 40 s alone do not.
    await app
      .http()
      .put(`/api/v1/communes/${HAC_THANH}/policy`)
      .set(bearer(who.approver))
      .send({ quietHours: { from: '21:30', to: '06:00' }, maxDailyMinutes: 1 })
      .expect(200);
    const manager = app.app.get(DataSource).manager;
    const player = app.app.get(PolicyChecks);
    const tuesdayItem = await manager.findOneByOrFail(ScheduleItem, { id: tuesday });
    expect(await player.checkScheduled(manager, tuesdayItem)).toBeNull();
    expect((await breachesOf('/schedule?from=2025-10-07&to=2025-10-07')).get(tuesday)).toEqual([]);
    expect((await get(`/schedule/items/${tuesday}`)).body.policyBreaches).toEqual([]);
    const policy = await get('/policy');
    expect((policy.body.violations as { id: string }[]).map((breach) => breach.id)).not.toContain(
      tuesday,
    );

    // Another 40 s after it (written past the save check) pass the limit: both refuse that one.
    const extra = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: tuesdayItem.bulletinId,
      startsAt: new Date('2025-10-07T17:05:00+07:00'),
      durationMs: 40000,
    });
    expect(await player.checkScheduled(manager, extra)).toMatchObject({
      rule: 'POLICY_DAILY_LIMIT',
    });
    const items = await breachesOf('/schedule?from=2025-10-07&to=2025-10-07');
    expect(items.get(tuesday)).toEqual([]);
    expect(items.get(extra.id)).toEqual([
      expect.objectContaining({
        rule: 'POLICY_DAILY_LIMIT',
        messageVi: expect.stringContaining('tổng thời lượng phát trong ngày là 1,3 phút'),
      }),
    ]);
  });

  it('counts nothing of an item the player will refuse: a later item that fits the limit without it is not flagged', async () => {
    // Wednesday (still a daily limit of a minute): 40 s at 05:00, in the quiet hours, which the
    // player refuses; 40 s at 17:00, which fits the minute only without them; 40 s at 17:05,
    // which do not fit with the 17:00 ones. Written past the save checks, as an import might.
    const manager = app.app.get(DataSource).manager;
    const tuesdayItem = await manager.findOneByOrFail(ScheduleItem, { id: tuesday });
    const wednesday = (time: string) => new Date(`2025-10-08T${time}:00+07:00`);
    const insert = (time: string) =>
      insertScheduleItem(app, {
        communeCode: HAC_THANH,
        bulletinId: tuesdayItem.bulletinId,
        startsAt: wednesday(time),
        durationMs: 40000,
      });
    const night = await insert('05:00');
    const evening = await insert('17:00');
    const late = await insert('17:05');

    const expected = new Map([
      [night.id, 'POLICY_QUIET_HOURS'],
      [late.id, 'POLICY_DAILY_LIMIT'],
    ]);
    const items = await breachesOf('/schedule?from=2025-10-08&to=2025-10-08');
    expect(new Map([...items].map(([id, breaches]) => [id, breaches.map((b) => b.rule)]))).toEqual(
      new Map([
        [night.id, ['POLICY_QUIET_HOURS']],
        [evening.id, []],
        [late.id, ['POLICY_DAILY_LIMIT']],
      ]),
    );
    expect((await get(`/schedule/items/${evening.id}`)).body.policyBreaches).toEqual([]);
    const late40 = (await get(`/schedule/items/${late.id}`)).body.policyBreaches as Breach[];
    expect(late40).toEqual([
      expect.objectContaining({
        rule: 'POLICY_DAILY_LIMIT',
        messageVi: expect.stringContaining('tổng thời lượng phát trong ngày là 1,3 phút'),
      }),
    ]);
    const policy = await get('/policy');
    const violations = (policy.body.violations as ({ id?: string } & Breach)[]).filter(
      (breach) => breach.id !== undefined && expected.has(breach.id),
    );
    expect(violations.map((breach) => [breach.id, breach.rule])).toEqual([...expected]);
    expect((policy.body.violations as { id?: string }[]).map((breach) => breach.id)).not.toContain(
      evening.id,
    );

    // The player: at 05:00 it refuses the night's item (failed); at 17:00 it plays the next.
    const player = app.app.get(PolicyChecks);
    expect(await player.checkScheduled(manager, night)).toMatchObject({
      rule: 'POLICY_QUIET_HOURS',
    });
    await manager.update(ScheduleItem, { id: night.id }, { status: 'failed' });
    expect(await player.checkScheduled(manager, evening)).toBeNull();
    expect(await player.checkScheduled(manager, late)).toMatchObject({
      rule: 'POLICY_DAILY_LIMIT',
    });
  });
});
