import { DataSource } from 'typeorm';
import { addDays, localDateOf } from '../src/common/local-time';
import { Bulletin } from '../src/bulletins/entities/bulletin.entity';
import { ManualClock } from '../src/common/manual-clock';
import { PlayoutRecord } from '../src/playout/entities/playout-record.entity';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { createWindow } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/**
 * Issue 12, findings 5, 6 and two parts of 9, as an attacker or a careless client tried them:
 * campaigns of one province edited from another, claims about the future and impossible dates in
 * the as-run log, a CSV header of a million columns, and deleting a bulletin the log names.
 */

/** Thanh Hóa (38): Phường Hạc Thành, Hàm Rồng; Hà Nội (01): Phường Ba Đình. */
const HAC_THANH = '14797';
const HAM_RONG = '14758';
const BA_DINH = '00004';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** The test's own now: any date the machine has, the same answers. */
const NOW = new Date('2026-03-10T09:00:00+07:00');
const iso = (ms: number): string => new Date(ms).toISOString();

jest.setTimeout(120_000);

describe('security: campaigns, as-run dates, CSV answers, bulletin deletion (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let operator: string;
  let dataSource: DataSource;
  const clock = new ManualClock(NOW);

  const logOf = async (commune: string): Promise<PlayoutRecord[]> =>
    dataSource.manager.find(PlayoutRecord, {
      where: { communeCode: commune },
      order: { seq: 'ASC' },
    });
  const postRecord = (commune: string, token: string, body: object) =>
    app.http().post(`/api/v1/communes/${commune}/playout-log`).set(bearer(token)).send(body);

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api' }, { clock });
    dataSource = app.app.get(DataSource);
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'an-ninh-van-hanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
  });

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  describe('finding 6: the as-run log takes no claims about the future and no impossible dates', () => {
    let bulletin: Bulletin;
    let futureItem: ScheduleItem;
    let pastItem: ScheduleItem;

    beforeAll(async () => {
      bulletin = await insertBulletin(app, {
        communeCode: HAC_THANH,
        provinceCode: '38',
        title: 'Bản tin an ninh: lịch tiêm phòng',
        topics: ['xa-hoi-so'],
      });
      futureItem = await insertScheduleItem(app, {
        communeCode: HAC_THANH,
        bulletinId: bulletin.id,
        startsAt: new Date(NOW.getTime() + 3 * DAY_MS),
        durationMs: 120_000,
      });
      pastItem = await insertScheduleItem(app, {
        communeCode: HAC_THANH,
        bulletinId: bulletin.id,
        startsAt: new Date(NOW.getTime() - 2 * DAY_MS),
        durationMs: 120_000,
      });
    });

    it('refuses records that do not fit their item, the calendar or the clock, and changes nothing', async () => {
      const past = NOW.getTime() - HOUR_MS;
      const cases: [string, object, number, string][] = [
        [
          'aired for an item planned three days later, with past times',
          {
            outcome: 'aired',
            scheduleItemId: futureItem.id,
            startedAt: iso(past),
            endedAt: iso(past + 120_000),
          },
          422,
          'PLAYOUT_ITEM_TIME_MISMATCH',
        ],
        [
          'aired for an item planned three days later, at its own time',
          {
            outcome: 'aired',
            scheduleItemId: futureItem.id,
            startedAt: iso(futureItem.startsAt.getTime()),
            endedAt: iso(futureItem.endsAt.getTime()),
          },
          422,
          'PLAYOUT_TIME_OUT_OF_RANGE',
        ],
        [
          'missed for an item planned three days later',
          { outcome: 'missed', scheduleItemId: futureItem.id, reason: 'Mất điện' },
          422,
          'PLAYOUT_TIME_OUT_OF_RANGE',
        ],
        [
          'aired for a past item, a day after it',
          {
            outcome: 'aired',
            scheduleItemId: pastItem.id,
            startedAt: iso(pastItem.startsAt.getTime() + DAY_MS),
            endedAt: iso(pastItem.startsAt.getTime() + DAY_MS + 120_000),
          },
          422,
          'PLAYOUT_ITEM_TIME_MISMATCH',
        ],
        [
          '30 February',
          {
            outcome: 'aired',
            bulletinId: bulletin.id,
            startedAt: '2026-02-30T05:30:00+07:00',
            endedAt: '2026-02-30T05:32:00+07:00',
          },
          400,
          'VALIDATION_FAILED',
        ],
        [
          '24:00',
          {
            outcome: 'aired',
            bulletinId: bulletin.id,
            startedAt: '2026-03-01T23:58:00+07:00',
            endedAt: '2026-03-01T24:00:00+07:00',
          },
          400,
          'VALIDATION_FAILED',
        ],
        [
          '1900',
          {
            outcome: 'aired',
            bulletinId: bulletin.id,
            startedAt: '1900-01-01T05:30:00+07:00',
            endedAt: '1900-01-01T05:32:00+07:00',
          },
          422,
          'PLAYOUT_TIME_OUT_OF_RANGE',
        ],
        [
          'ending in an hour',
          {
            outcome: 'aired',
            bulletinId: bulletin.id,
            startedAt: iso(NOW.getTime() - 60_000),
            endedAt: iso(NOW.getTime() + HOUR_MS),
          },
          422,
          'PLAYOUT_TIME_OUT_OF_RANGE',
        ],
        [
          'ending before it starts',
          {
            outcome: 'aired',
            bulletinId: bulletin.id,
            startedAt: iso(past),
            endedAt: iso(past - 1000),
          },
          422,
          'PLAYOUT_RECORD_INVALID',
        ],
      ];
      for (const [name, body, status, code] of cases) {
        const response = await postRecord(HAC_THANH, operator, body);
        expect({
          name,
          status: response.status,
          code: (response.body as { code?: string }).code,
        }).toEqual({
          name,
          status,
          code,
        });
      }

      // The same claims in a batch and in a CSV file: refused as a whole, each row named.
      const batch = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/playout-log/batch`)
        .set(bearer(operator))
        .send({ records: cases.map(([, body]) => body) });
      expect(batch.status).toBe(cases.some(([, , status]) => status === 400) ? 400 : 422);
      const valid = cases.filter(([, , status]) => status === 422);
      const validBatch = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/playout-log/batch`)
        .set(bearer(operator))
        .send({ records: valid.map(([, body]) => body) })
        .expect(422);
      expect(validBatch.body).toMatchObject({
        code: 'PLAYOUT_IMPORT_INVALID',
        errorCount: valid.length,
      });
      expect(
        (validBatch.body as { errors: { index: number; code: string }[] }).errors.map(
          (error) => error.code,
        ),
      ).toEqual(valid.map(([, , , code]) => code));

      const csv = [
        'startedAt,endedAt,outcome,scheduleItemId,bulletinId',
        `${iso(past)},${iso(past + 120_000)},aired,${futureItem.id},`,
        `30/02/2026 05:30:00,30/02/2026 05:32:00,aired,,${bulletin.id}`,
        `2026-02-30T05:30:00+07:00,2026-02-30T05:32:00+07:00,aired,,${bulletin.id}`,
        `1900-01-01 05:30:00,1900-01-01 05:32:00,aired,,${bulletin.id}`,
      ].join('\n');
      const imported = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/playout-log/import`)
        .set(bearer(operator))
        .set('Content-Type', 'text/csv')
        .send(csv)
        .expect(422);
      expect(
        (imported.body as { errors: { line: number; code: string }[] }).errors.map((error) => [
          error.line,
          error.code,
        ]),
      ).toEqual([
        [2, 'PLAYOUT_ITEM_TIME_MISMATCH'],
        [3, 'VALIDATION_FAILED'],
        [4, 'VALIDATION_FAILED'],
        [5, 'PLAYOUT_TIME_OUT_OF_RANGE'],
      ]);

      // Nothing happened: no record, no seq used, the items still planned.
      expect(await logOf(HAC_THANH)).toEqual([]);
      for (const item of [futureItem, pastItem]) {
        const row = await dataSource.manager.findOneByOrFail(ScheduleItem, { id: item.id });
        expect(row.status).toBe('planned');
      }

      // A true record of the past item, a few seconds late, is taken as seq 1 and closes it.
      const aired = await postRecord(HAC_THANH, operator, {
        outcome: 'aired',
        scheduleItemId: pastItem.id,
        startedAt: iso(pastItem.startsAt.getTime() + 3000),
        endedAt: iso(pastItem.endsAt.getTime() + 3000),
      }).expect(201);
      expect(aired.body).toMatchObject({ seq: 1, outcome: 'aired' });
      expect(
        (await dataSource.manager.findOneByOrFail(ScheduleItem, { id: pastItem.id })).status,
      ).toBe('aired');
      expect(
        (await dataSource.manager.findOneByOrFail(ScheduleItem, { id: futureItem.id })).status,
      ).toBe('planned');
    });
  });

  describe('finding 9: short answers to huge CSV files', () => {
    const importCsv = (csv: string) =>
      app
        .http()
        .post(`/api/v1/communes/${HAM_RONG}/playout-log/import`)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv')
        .send(csv);

    it('refuses a header of a million columns at once, with a few hundred bytes', async () => {
      const header = Array.from({ length: 1_000_000 }, (_, index) => `c${index}`).join(',');
      expect(header.length).toBeGreaterThan(6_000_000);
      const started = Date.now();
      const response = await importCsv(`${header}\n1,2\n`).expect(422);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(JSON.stringify(response.body).length).toBeLessThan(1000);
      expect(response.body).toMatchObject({
        code: 'PLAYOUT_IMPORT_INVALID',
        errorCount: 1,
        errors: [{ line: 1, code: 'CSV_TOO_MANY_CELLS' }],
      });
    });

    it('names a few unknown columns and counts the rest, and refuses an overlong cell', async () => {
      const names = Array.from({ length: 20 }, (_, index) => `cot-la-${index}-${'x'.repeat(200)}`);
      const unknown = await importCsv(`startedAt,outcome,${names.join(',')}\n`).expect(422);
      const message = (unknown.body as { errors: { message: string }[] }).errors[0].message;
      expect(message).toContain('15 more');
      expect(message.length).toBeLessThan(800);

      const long = await importCsv(
        `startedAt,outcome,title\n2026-03-01 05:30:00,aired,"${'a'.repeat(100_000)}"\n`,
      ).expect(422);
      expect(JSON.stringify(long.body).length).toBeLessThan(1000);
      expect(long.body).toMatchObject({ errors: [{ line: 2, code: 'CSV_CELL_TOO_LONG' }] });
    });

    it('lists the first rows of thousands of bad ones and counts them all', async () => {
      const rows = Array.from({ length: 5000 }, () => `không phải ngày ${'z'.repeat(300)},aired`);
      const response = await importCsv(['startedAt,outcome', ...rows].join('\n')).expect(422);
      const body = response.body as { errorCount: number; errors: { line: number }[] };
      expect(body.errorCount).toBe(5000);
      expect(body.errors.length).toBeLessThanOrEqual(50);
      expect(body.errors[0].line).toBe(2);
      expect(JSON.stringify(body).length).toBeLessThan(20_000);
      expect(await logOf(HAM_RONG)).toEqual([]);
    });
  });

  describe('finding 9: a bulletin the as-run log names cannot be deleted', () => {
    it('answers 409 with a code and keeps the bulletin; an unused one is deleted', async () => {
      const named = await insertBulletin(app, {
        communeCode: HAM_RONG,
        provinceCode: '38',
        title: 'Bản tin đã phát, ghi tay',
        topics: ['kinh-te-so'],
      });
      await postRecord(HAM_RONG, admin, {
        outcome: 'aired',
        bulletinId: named.id,
        startedAt: iso(NOW.getTime() - 5 * HOUR_MS),
        endedAt: iso(NOW.getTime() - 5 * HOUR_MS + 60_000),
      }).expect(201);
      const refused = await app
        .http()
        .delete(`/api/v1/bulletins/${named.id}`)
        .set(bearer(admin))
        .expect(409);
      expect(refused.body).toMatchObject({
        code: 'BULLETIN_IN_USE',
        records: 1,
        items: 0,
        message: expect.stringContaining('archive it instead'),
      });
      expect(await dataSource.manager.existsBy(Bulletin, { id: named.id })).toBe(true);

      const unused = await insertBulletin(app, {
        communeCode: HAM_RONG,
        provinceCode: '38',
        title: 'Bản nháp chưa dùng',
        topics: ['kinh-te-so'],
      });
      await app.http().delete(`/api/v1/bulletins/${unused.id}`).set(bearer(admin)).expect(204);
      expect(await dataSource.manager.existsBy(Bulletin, { id: unused.id })).toBe(false);
    });
  });

  describe('finding 5: a province edits its own campaigns; national ones are the admins', () => {
    let monitor01: string;
    let monitor38: string;
    let operator01: string;
    const today = localDateOf(NOW);
    const PROVINCE_CAMPAIGN = {
      code: 'th-cds-thang-3',
      name: 'Thanh Hóa: tháng chuyển đổi số',
      startsOn: addDays(today, -9),
      endsOn: addDays(today, 20),
      rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 300, minPlaysPerWeek: 3 }],
      minDailySeconds: 300,
    };
    const as = (token: string) => ({
      get: (path: string) => app.http().get(`/api/v1${path}`).set(bearer(token)),
      post: (path: string, body: object) =>
        app.http().post(`/api/v1${path}`).set(bearer(token)).send(body),
      patch: (path: string, body: object) =>
        app.http().patch(`/api/v1${path}`).set(bearer(token)).send(body),
    });
    const auditOf = async (action: string, targetId: string) =>
      (
        (await as(admin).get(`/audit?action=${action}&limit=50`).expect(200)).body as {
          targetId: string;
          provinceCode: string | null;
          detail: Record<string, unknown>;
        }[]
      ).filter((event) => event.targetId === targetId);

    beforeAll(async () => {
      monitor01 = await createUserAndLogin(app, admin, {
        username: 'giam-sat-ha-noi',
        role: 'monitor',
        provinceCode: '01',
      });
      monitor38 = await createUserAndLogin(app, admin, {
        username: 'giam-sat-thanh-hoa',
        role: 'monitor',
        provinceCode: '38',
      });
      operator01 = await createUserAndLogin(app, admin, {
        username: 'van-hanh-ba-dinh',
        role: 'operator',
        communeCode: BA_DINH,
      });
    });

    it('keeps cds-2025 national: readable by all, changed by admins only', async () => {
      for (const token of [monitor01, monitor38, operator, operator01]) {
        const read = await as(token).get('/campaigns/cds-2025').expect(200);
        expect(read.body).toMatchObject({ code: 'cds-2025', provinceCode: null });
      }
      // The attack of the issue: a monitor of 01 lowering the minimum province 38 is judged by.
      const refused = await as(monitor01)
        .patch('/campaigns/cds-2025', { minDailySeconds: 10 })
        .expect(403);
      expect(refused.body).toMatchObject({ code: 'CAMPAIGN_NATIONAL' });
      const report = await as(monitor38)
        .get('/reports/compliance?campaign=cds-2025&province=38')
        .expect(200);
      expect(report.body).toMatchObject({ minDailySeconds: 300 });
      expect(await auditOf('campaign.updated', 'cds-2025')).toEqual([]);
      // Nor may a monitor create a national campaign or one of another province.
      await as(monitor01)
        .post('/campaigns', { ...PROVINCE_CAMPAIGN, code: 'quoc-gia-gia', provinceCode: null })
        .expect(403);
      await as(monitor01)
        .post('/campaigns', { ...PROVINCE_CAMPAIGN, code: 'cua-tinh-khac', provinceCode: '38' })
        .expect(403);
      await as(operator)
        .post('/campaigns', { ...PROVINCE_CAMPAIGN, code: 'cua-xa' })
        .expect(403);

      // The admin's change is kept with its old and new value, and nothing else.
      await as(admin)
        .patch('/campaigns/cds-2025', { minDailySeconds: 360, name: undefined })
        .expect(200);
      const [entry] = await auditOf('campaign.updated', 'cds-2025');
      expect(entry.detail).toEqual({ changes: { minDailySeconds: { from: 300, to: 360 } } });
      await as(admin).patch('/campaigns/cds-2025', { minDailySeconds: 300 }).expect(200);
    });

    it("scopes a province's campaign to it: 404 elsewhere, in reading, editing, reports and the planner", async () => {
      const created = await as(monitor38).post('/campaigns', PROVINCE_CAMPAIGN).expect(201);
      expect(created.body).toMatchObject({ code: PROVINCE_CAMPAIGN.code, provinceCode: '38' });
      const code = PROVINCE_CAMPAIGN.code;

      // Province 01 does not see it, cannot change it, cannot be judged or plan by it.
      const hidden = await as(monitor01).get(`/campaigns/${code}`).expect(404);
      expect(hidden.body).toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
      await as(operator01).get(`/campaigns/${code}`).expect(404);
      await as(monitor01).patch(`/campaigns/${code}`, { minDailySeconds: 0 }).expect(404);
      const listed01 = (await as(monitor01).get('/campaigns').expect(200)).body as {
        code: string;
      }[];
      expect(listed01.map((campaign) => campaign.code)).toEqual(['cds-2025']);
      for (const path of [
        `/reports/compliance?campaign=${code}&province=01`,
        `/reports/summary?campaign=${code}&province=01`,
        `/reports/uplift?campaign=${code}&province=01`,
        `/reports/communes/${BA_DINH}?campaign=${code}`,
      ]) {
        const response = await as(monitor01).get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
      // An admin cannot judge province 01 by it either: it is not 01's campaign.
      await as(admin).get(`/reports/compliance?campaign=${code}&province=01`).expect(404);
      await as(operator01).get(`/communes/${BA_DINH}/schedule/gaps?campaign=${code}`).expect(404);
      await as(operator01)
        .post(`/communes/${BA_DINH}/schedule/plan`, {
          campaign: code,
          from: today,
          to: today,
          dryRun: true,
        })
        .expect(404);

      // Province 38 uses it.
      await as(monitor38).get(`/reports/compliance?campaign=${code}&province=38`).expect(200);
      await as(operator).get(`/campaigns/${code}`).expect(200);
      await as(operator).get(`/communes/${HAC_THANH}/schedule/gaps?campaign=${code}`).expect(200);
      const listed38 = (await as(monitor38).get('/campaigns').expect(200)).body as {
        code: string;
      }[];
      expect(listed38.map((campaign) => campaign.code).sort()).toEqual(['cds-2025', code]);

      // Codes stay unique across provinces.
      const taken = await as(monitor01).post('/campaigns', PROVINCE_CAMPAIGN).expect(409);
      expect(taken.body).toMatchObject({ code: 'CAMPAIGN_EXISTS' });

      // Its monitor edits it; the trail keeps what changed, from what, to what.
      const rules = [{ topic: 'kinh-te-so', minSecondsPerWeek: 600, minPlaysPerWeek: 3 }];
      await as(monitor38)
        .patch(`/campaigns/${code}`, { minDailySeconds: 120, rules, name: PROVINCE_CAMPAIGN.name })
        .expect(200);
      const [entry] = await auditOf('campaign.updated', code);
      expect(entry.provinceCode).toBe('38');
      expect(entry.detail).toEqual({
        changes: {
          rules: { from: PROVINCE_CAMPAIGN.rules, to: rules },
          minDailySeconds: { from: 300, to: 120 },
        },
      });
      const report = await as(monitor38)
        .get(`/reports/compliance?campaign=${code}&province=38`)
        .expect(200);
      expect(report.body).toMatchObject({ minDailySeconds: 120 });
    });

    it('keeps old and new values for window, topic and user edits too', async () => {
      const windowId = await createWindow(app, operator, HAC_THANH, {
        name: 'Sáng',
        startTime: '05:30',
        durationMinutes: 30,
      });
      await app
        .http()
        .patch(`/api/v1/communes/${HAC_THANH}/windows/${windowId}`)
        .set(bearer(operator))
        .send({ name: 'Sáng', durationMinutes: 45 })
        .expect(200);
      const [windowEntry] = await auditOf('window.updated', windowId);
      expect(windowEntry.detail).toMatchObject({
        changes: { durationMinutes: { from: 30, to: 45 } },
      });
      expect(Object.keys(windowEntry.detail.changes as object)).toEqual(['durationMinutes']);

      await as(admin).patch('/topics/hoc-tap-so', { name: 'Học tập số (sửa)' }).expect(200);
      const [topicEntry] = await auditOf('topic.updated', 'hoc-tap-so');
      expect(topicEntry.detail).toEqual({
        changes: { name: { from: expect.any(String), to: 'Học tập số (sửa)' } },
      });

      const users = (await as(admin).get('/users').expect(200)).body as {
        id: string;
        username: string;
      }[];
      const user = users.find((candidate) => candidate.username === 'van-hanh-ba-dinh');
      if (!user) throw new Error('van-hanh-ba-dinh not listed');
      await as(admin)
        .patch(`/users/${user.id}`, {
          displayName: 'Nguyễn Văn Bình',
          password: 'mat-khau-moi-dai',
        })
        .expect(200);
      const [userEntry] = await auditOf('user.updated', user.id);
      expect(userEntry.detail).toMatchObject({
        changes: { displayName: { to: 'Nguyễn Văn Bình' } },
        passwordChanged: true,
      });
      expect(JSON.stringify(userEntry.detail)).not.toContain('mat-khau-moi-dai');
    });
  });
});
