import { DataSource } from 'typeorm';
import { Bulletin } from '../src/bulletins/entities/bulletin.entity';
import * as bulkInsert from '../src/database/bulk-insert';
import { AirtimeDailySet, AirtimeRollupState } from '../src/reports/entities/airtime-daily.entity';
import { insertBulletin } from './support/playout-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** Phường Hạc Thành (Thanh Hóa): the commune of the exploratory test's records. */
const COMMUNE = '14797';
const PROVINCE = '38';

interface ComplianceRow {
  communeCode: string;
  topic: string;
  airedSeconds: number;
  plays: number;
}

/**
 * Records that people write (a manual record, a CSV import, a JSON batch) hold to the
 * commune's broadcast policy (defaults: quiet hours 21:30–05:30, 60 min a session, 240 min a
 * day), as items do: the exploratory test's claims are refused, nothing is written and the
 * compliance report does not count them.
 */
describe('as-run records against the broadcast policy (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let operator: string;
  let monitor: string;
  let emergency: Bulletin;

  const logUrl = `/api/v1/communes/${COMMUNE}/playout-log`;
  const count = async () =>
    ((await app.http().get(logUrl).set(bearer(admin)).expect(200)).body as unknown[]).length;
  const compliance = async (): Promise<ComplianceRow[]> => {
    const response = await app
      .http()
      .get(`/api/v1/reports/compliance?campaign=cds-2025&province=${PROVINCE}`)
      .set(bearer(monitor))
      .expect(200);
    return (response.body as { rows: ComplianceRow[] }).rows.filter(
      (row) => row.communeCode === COMMUNE,
    );
  };

  beforeAll(async () => {
    storage = await createTestStorage();
    // The real default quiet hours (the tests' default has none).
    app = await startTestApp(storage, {
      APP_ROLES: 'api',
      POLICY_DEFAULT_QUIET_HOURS: '21:30-05:30',
    });
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-quy-dinh',
      role: 'operator',
      communeCode: COMMUNE,
    });
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-quy-dinh',
      role: 'monitor',
      provinceCode: PROVINCE,
    });
    emergency = await insertBulletin(app, {
      communeCode: COMMUNE,
      provinceCode: PROVINCE,
      title: 'Cảnh báo bão số 10: sơ tán dân vùng ven biển',
      topics: ['xa-hoi-so'],
      priority: 'emergency',
    });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('refuses a CSV line that claims 23 hours on the four topics, and imports nothing', async () => {
    const before = await compliance();
    const csv = [
      'startedAt;endedAt;outcome;title;topics',
      '2025-10-06 06:00:00;2025-10-06 06:10:00;aired;Bản tin sáng hợp lệ;kinh-te-so',
      '2025-10-07 00:30:00;2025-10-07 23:30:00;aired;Chuyển đổi số cả ngày;chinh-quyen-so|kinh-te-so|xa-hoi-so|mo-hinh-2-cap',
    ].join('\r\n');
    const refused = await app
      .http()
      .post(`${logUrl}/import`)
      .set(bearer(operator))
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'PLAYOUT_IMPORT_INVALID', errorCount: 1 });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        line: 3,
        code: 'POLICY_QUIET_HOURS',
        rule: 'POLICY_QUIET_HOURS',
        messageVi: 'Mục phát 00:30–23:30 ngày 07/10/2025 rơi vào giờ yên tĩnh 21:30–05:30',
      }),
    ]);
    expect(await count()).toBe(0);
    expect(await compliance()).toEqual(before);
  });

  it('refuses a manual record of 5 hours in the quiet hours', async () => {
    const before = await compliance();
    const refused = await app
      .http()
      .post(logUrl)
      .set(bearer(operator))
      .send({
        outcome: 'aired',
        source: 'operator',
        title: 'Phát đêm',
        topics: ['chinh-quyen-so', 'kinh-te-so'],
        startedAt: '2025-10-08T00:00:00.000+07:00',
        endedAt: '2025-10-08T05:00:00.000+07:00',
      })
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'POLICY_QUIET_HOURS',
      rule: 'POLICY_QUIET_HOURS',
      messageVi: 'Mục phát 00:00–05:00 ngày 08/10/2025 rơi vào giờ yên tĩnh 21:30–05:30',
    });
    // Outside the quiet hours, 5 hours is still beyond the longest session (60 min).
    const long = await app
      .http()
      .post(logUrl)
      .set(bearer(operator))
      .send({
        outcome: 'aired',
        title: 'Phát cả buổi sáng',
        topics: ['kinh-te-so'],
        startedAt: '2025-10-08T06:00:00.000+07:00',
        endedAt: '2025-10-08T11:00:00.000+07:00',
      })
      .expect(409);
    expect(long.body).toMatchObject({ code: 'POLICY_SESSION_TOO_LONG' });
    expect(long.body.messageVi).toContain('quá giới hạn 60 phút một buổi');
    expect(await count()).toBe(0);
    expect(await compliance()).toEqual(before);
  });

  it("refuses a batch past the daily limit with the day's records, and takes valid ones", async () => {
    // 4 sessions of 55 min on 2025-10-09: 220 of the 240 minutes a day, accepted one by one.
    for (const hour of [6, 8, 14, 16]) {
      const startedAt = `2025-10-09T${String(hour).padStart(2, '0')}:00:00.000+07:00`;
      await app
        .http()
        .post(logUrl)
        .set(bearer(operator))
        .send({
          outcome: 'aired',
          title: `Bản tin ${hour} giờ`,
          topics: ['kinh-te-so'],
          startedAt,
          endedAt: new Date(Date.parse(startedAt) + 55 * 60000).toISOString(),
        })
        .expect(201);
    }
    // A partial record counts only what it played: 10 of its 30 minutes, 230 in all.
    await app
      .http()
      .post(logUrl)
      .set(bearer(operator))
      .send({
        outcome: 'partial',
        title: 'Bản tin trưa',
        topics: ['kinh-te-so'],
        startedAt: '2025-10-09T11:00:00.000+07:00',
        endedAt: '2025-10-09T11:30:00.000+07:00',
        playedMs: 10 * 60000,
        reason: 'Mất điện giữa chừng',
      })
      .expect(201);
    const before = await compliance();
    const beforeCount = await count();
    const batch = {
      records: [
        // 5 more minutes: 235.
        {
          outcome: 'aired',
          title: 'Tin ngắn',
          topics: ['xa-hoi-so'],
          startedAt: '2025-10-09T18:00:00.000+07:00',
          endedAt: '2025-10-09T18:05:00.000+07:00',
        },
        // An emergency does not count, nor is it held to the policy.
        {
          outcome: 'aired',
          bulletinId: emergency.id,
          startedAt: '2025-10-09T19:00:00.000+07:00',
          endedAt: '2025-10-09T19:30:00.000+07:00',
        },
        // 10 more: 245, beyond 240.
        {
          outcome: 'aired',
          title: 'Tin tối',
          topics: ['mo-hinh-2-cap'],
          startedAt: '2025-10-09T20:00:00.000+07:00',
          endedAt: '2025-10-09T20:10:00.000+07:00',
        },
      ],
    };
    const refused = await app
      .http()
      .post(`${logUrl}/batch`)
      .set(bearer(operator))
      .send(batch)
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'PLAYOUT_IMPORT_INVALID', errorCount: 1 });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        index: 2,
        code: 'POLICY_DAILY_LIMIT',
        messageVi:
          'Thêm mục phát 20:00–20:10 ngày 09/10/2025 thì tổng thời lượng phát trong ngày là 245 phút, quá giới hạn 240 phút một ngày',
      }),
    ]);
    expect(await count()).toBe(beforeCount);
    expect(await compliance()).toEqual(before);

    // A correction replaces what it corrects: the 55-minute 06:00 record said 25, the batch fits.
    const log = (await app.http().get(logUrl).set(bearer(admin)).expect(200)).body as {
      seq: number;
      title: string;
    }[];
    const six = log.find((record) => record.title === 'Bản tin 6 giờ')!;
    const fixed = await app
      .http()
      .post(`${logUrl}/batch`)
      .set(bearer(operator))
      .send({
        records: [
          {
            outcome: 'aired',
            title: 'Bản tin 6 giờ',
            topics: ['kinh-te-so'],
            startedAt: '2025-10-09T06:00:00.000+07:00',
            endedAt: '2025-10-09T06:25:00.000+07:00',
            correctsSeq: six.seq,
            reason: 'Phát 25 phút, không phải 55',
          },
          ...batch.records,
        ],
      })
      .expect(201);
    expect(fixed.body).toMatchObject({ imported: 4 });
    // 200 + 5 + 10 = 215: 25 more minutes reach the limit, 26 would pass it.
    await app
      .http()
      .post(logUrl)
      .set(bearer(operator))
      .send({
        outcome: 'aired',
        title: 'Tin muộn',
        topics: ['kinh-te-so'],
        startedAt: '2025-10-09T20:30:00.000+07:00',
        endedAt: '2025-10-09T20:56:00.000+07:00',
      })
      .expect(409)
      .expect((response) => expect(response.body.code).toBe('POLICY_DAILY_LIMIT'));
    await app
      .http()
      .post(logUrl)
      .set(bearer(operator))
      .send({
        outcome: 'aired',
        title: 'Tin muộn',
        topics: ['kinh-te-so'],
        startedAt: '2025-10-09T20:30:00.000+07:00',
        endedAt: '2025-10-09T20:55:00.000+07:00',
      })
      .expect(201);
    const after = await app.http().get(`${logUrl}/verify`).set(bearer(admin)).expect(200);
    expect(after.body).toEqual({ ok: true, count: beforeCount + 5 });
  });

  /** Posts one `aired` record of `minutes` from `hour` o'clock of `date` (its bulletin, if any). */
  const postAired = (date: string, hour: number, minutes: number, bulletinId?: string) => {
    const startedAt = `${date}T${String(hour).padStart(2, '0')}:00:00.000+07:00`;
    const endedAt = new Date(Date.parse(startedAt) + minutes * 60000).toISOString();
    return app
      .http()
      .post(logUrl)
      .set(bearer(operator))
      .send(
        bulletinId
          ? { outcome: 'aired', bulletinId, startedAt, endedAt }
          : {
              outcome: 'aired',
              title: `Bản tin ${hour} giờ`,
              topics: ['kinh-te-so'],
              startedAt,
              endedAt,
            },
      );
  };

  /** The statements that sum a day's records for the daily limit, while `run` runs. */
  const daySums = async (run: () => Promise<unknown>): Promise<number> => {
    const spy = jest.spyOn(bulkInsert, 'selectRows');
    try {
      await run();
      return spy.mock.calls.filter(([, sql]) => sql.includes('SUM(record.played_ms)')).length;
    } finally {
      spy.mockRestore();
    }
  };

  it("checks a day with room from the day's kept total, and sums its records only near the limit", async () => {
    const date = '2025-10-10';
    // 50 + 55 + 55 + 55 + 20 = 235 of the 240 minutes: each fits with room by the kept total.
    const sums = await daySums(async () => {
      await postAired(date, 6, 50).expect(201);
      for (const hour of [8, 14, 16]) await postAired(date, hour, 55).expect(201);
      await postAired(date, 18, 20).expect(201);
    });
    expect(sums).toBe(0);
    // 10 more would pass the limit by the kept total: the records are summed, and it is refused.
    const near = await daySums(() =>
      postAired(date, 19, 10)
        .expect(409)
        .expect((response) => expect(response.body.code).toBe('POLICY_DAILY_LIMIT')),
    );
    expect(near).toBe(1);
  });

  it("does not count an emergency in the day's kept total against the limit", async () => {
    const date = '2025-10-11';
    // The kept total counts the hour of the emergency: 60 + 165 = 225 minutes.
    await postAired(date, 6, 60, emergency.id).expect(201);
    for (const hour of [8, 10, 14]) await postAired(date, hour, 55).expect(201);
    // 60 more: 285 by the kept total, 225 by what the limit counts, which fits.
    await postAired(date, 16, 60).expect(201);
  });

  it('sums the records of a commune whose roll-ups are behind its log', async () => {
    const date = '2025-10-12';
    for (const hour of [6, 8, 14, 16]) await postAired(date, hour, 55).expect(201);
    // As if the last records had not been rolled up yet: the day's kept total says nothing.
    const dataSource = app.app.get(DataSource);
    await dataSource
      .getRepository(AirtimeDailySet)
      .update({ communeCode: COMMUNE, localDate: date }, { airedMs: 0 });
    await dataSource
      .getRepository(AirtimeRollupState)
      .decrement({ communeCode: COMMUNE }, 'rolledSeq', 4);
    // 220 + 30 = 250 minutes by the records: refused.
    await postAired(date, 18, 30)
      .expect(409)
      .expect((response) => expect(response.body.code).toBe('POLICY_DAILY_LIMIT'));
  });
});
