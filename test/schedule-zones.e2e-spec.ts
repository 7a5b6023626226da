import { ManualClock } from '../src/common/manual-clock';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
  HAM_RONG,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

interface Item {
  id: string;
  startsAt: string;
  zones: string[] | null;
  source: string;
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;

jest.setTimeout(60000);

/**
 * Zones on the program log. Hạc Thành has three clusters: thôn 1, thôn 2, and one that sits in
 * thôn 1 and thôn 3; Hàm Rồng has none (it plays from the server, one item at a time).
 */
describe('program log zones and the per-zone overlap rule (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let bulletin40s: string;
  let bulletin30s: string;
  let halfHour: string;
  let hamRongBulletin: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
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
    halfHour = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chương trình thôn 2 (30 phút)',
      topics: ['xa-hoi-so'],
      durationMs: 30 * 60000,
    });
    hamRongBulletin = await createApproved(app, who.otherOperator, who.otherApprover, HAM_RONG, {
      title: 'Thông báo Hàm Rồng',
      topics: ['chinh-quyen-so'],
      durationMs: 20000,
    });
    for (const [name, zones] of [
      ['Cụm loa thôn 1', ['thon-1']],
      ['Cụm loa thôn 2', ['thon-2']],
      ['Cụm loa ngã ba', ['thon-1', 'thon-3']],
    ] as const) {
      await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/devices`)
        .set(bearer(who.operator))
        .send({ name, zones })
        .expect(201);
    }
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const schedule = (body: object, commune = HAC_THANH) =>
    app
      .http()
      .post(`/api/v1/communes/${commune}/schedule`)
      .set(bearer(commune === HAC_THANH ? who.operator : who.otherOperator))
      .send(body);

  it('takes zones, refuses bad, empty and unknown ones', async () => {
    for (const zones of [['Thôn 1'], [], 'thon-1', [1]]) {
      const response = await schedule({
        bulletinId: bulletin40s,
        startsAt: at('2025-10-06', '05:50:00'),
        zones,
      });
      expect({ zones, status: response.status, code: response.body.code }).toEqual({
        zones,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const unknown = await schedule({
      bulletinId: bulletin40s,
      startsAt: at('2025-10-06', '05:50:00'),
      zones: ['thon-1', 'thon-9'],
    }).expect(422);
    expect(unknown.body).toMatchObject({
      code: 'ZONE_UNKNOWN',
      unknownZones: ['thon-9'],
      knownZones: ['thon-1', 'thon-2', 'thon-3'],
    });
    // A commune without clusters has no zones at all.
    const none = await schedule(
      { bulletinId: hamRongBulletin, startsAt: at('2025-10-06', '05:50:00'), zones: ['thon-1'] },
      HAM_RONG,
    ).expect(422);
    expect(none.body.code).toBe('ZONE_UNKNOWN');
  });

  it('lets items overlap when no cluster plays both, refuses them when one does', async () => {
    const thon2 = await schedule({
      bulletinId: bulletin40s,
      startsAt: at('2025-10-06', '05:30:00'),
      zones: ['thon-2'],
    }).expect(201);
    expect(thon2.body).toMatchObject({ zones: ['thon-2'], source: 'manual' });
    const thon1 = await schedule({
      bulletinId: bulletin30s,
      startsAt: at('2025-10-06', '05:30:10'),
      zones: ['thon-1', 'thon-1'],
    }).expect(201);
    expect(thon1.body.zones).toEqual(['thon-1']);

    // thôn 3's cluster sits in thôn 1 too: it would play both.
    const shared = await schedule({
      bulletinId: bulletin40s,
      startsAt: at('2025-10-06', '05:30:20'),
      zones: ['thon-3'],
    }).expect(409);
    expect(shared.body).toMatchObject({
      code: 'SCHEDULE_OVERLAP',
      conflictingItem: { id: thon1.body.id },
    });
    // An item for every cluster meets both.
    const everywhere = await schedule({
      bulletinId: bulletin30s,
      startsAt: at('2025-10-06', '05:30:05'),
    }).expect(409);
    expect(everywhere.body.code).toBe('SCHEDULE_OVERLAP');

    // Moving keeps the zones, and the rule applies to them.
    const moved = await app
      .http()
      .patch(`/api/v1/communes/${HAC_THANH}/schedule/items/${thon1.body.id}`)
      .set(bearer(who.operator))
      .send({ startsAt: at('2025-10-06', '05:30:02') })
      .expect(200);
    expect(moved.body).toMatchObject({
      zones: ['thon-1'],
      startsAt: '2025-10-06T05:30:02.000+07:00',
    });
    const listed = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule?from=2025-10-06`)
      .set(bearer(who.monitor))
      .expect(200);
    expect((listed.body as Item[]).map((item) => [item.id, item.zones])).toEqual([
      [thon2.body.id, ['thon-2']],
      [thon1.body.id, ['thon-1']],
    ]);
  });

  it('plans a campaign for some zones: its items carry them and may share time with other zones', async () => {
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(who.monitor))
      .send({
        code: 'cds-vung',
        name: 'Tuyên truyền chuyển đổi số theo vùng',
        startsOn: '2025-10-07',
        endsOn: '2025-10-07',
        rules: [{ topic: 'chinh-quyen-so', minSecondsPerWeek: 40, minPlaysPerWeek: 1 }],
        minDailySeconds: 0,
      })
      .expect(201);
    // thôn 2's item fills the whole window of 7 October for thôn 2 only.
    const filler = await schedule({
      bulletinId: halfHour,
      startsAt: at('2025-10-07', '05:30:00'),
      zones: ['thon-2'],
    }).expect(201);
    const plan = (zones?: string[], dryRun = false) =>
      app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/schedule/plan`)
        .set(bearer(who.operator))
        .send({ campaign: 'cds-vung', from: '2025-10-07', to: '2025-10-07', zones, dryRun });

    // For every cluster, there is no free time: thôn 2's cluster is busy.
    const everywhere = await plan(undefined, true).expect(200);
    expect(everywhere.body.items).toEqual([]);
    expect(everywhere.body.shortfalls.length).toBeGreaterThan(0);
    const unknown = await plan(['thon-9']).expect(422);
    expect(unknown.body.code).toBe('ZONE_UNKNOWN');

    const planned = await plan(['thon-1', 'thon-3']).expect(200);
    expect(planned.body.items.length).toBeGreaterThan(0);
    expect(planned.body.shortfalls).toEqual([]);
    for (const item of planned.body.items as Item[]) {
      expect(item.zones).toEqual(['thon-1', 'thon-3']);
    }
    const listed = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule?from=2025-10-07`)
      .set(bearer(who.monitor))
      .expect(200);
    const items = listed.body as Item[];
    expect(items.find((item) => item.id === filler.body.id)?.zones).toEqual(['thon-2']);
    const plannerItems = items.filter((item) => item.source === 'planner');
    expect(plannerItems.map((item) => item.id)).toEqual(
      (planned.body.items as Item[]).map((item) => item.id),
    );
    expect(plannerItems.every((item) => item.zones?.join() === 'thon-1,thon-3')).toBe(true);
  });
});
