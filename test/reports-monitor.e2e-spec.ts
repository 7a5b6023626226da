import { ManualClock } from '../src/common/manual-clock';
import { RecordInput, SlotBook } from './support/as-run-data';
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
 * A monitor's views of a running campaign: on its third day only the two days that are over
 * count (targets to date, days below the minimum), and a commune's records come in pages,
 * narrowed by day, topic, outcome and source.
 */
const PROVINCE = '38';
const COMMUNE = '14797';
const SILENT = '14812';
const CAMPAIGN = 'cds-thang-12-kiem-thu';
const DAYS = ['2026-12-01', '2026-12-02', '2026-12-03'];

interface Spec {
  date: string;
  outcome: 'aired' | 'missed';
  source: 'operator' | 'import';
  topic: 'kinh-te-so' | 'hoc-tap-so';
  seconds: number;
}

interface CountedRecord {
  seq: number;
  date: string;
  outcome: string;
  source: string;
  topics: string[];
  countedSeconds: number;
}

interface RecordsPage {
  total: number;
  offset: number;
  limit: number | null;
  airedSeconds: number;
  plays: number;
  records: CountedRecord[];
}

/**
 * Day 1: 40 aired records of 10 s (400 s: at the 300 s minimum). Day 2: 20 aired of 5 s and 20
 * missed (100 s: below). Day 3, today before 10:00: 30 of 5 s, every other one by hand (150 s so
 * far: below, but the day is not over). Every fourth record is on a topic the campaign ignores.
 */
function specs(): Spec[] {
  const list: Spec[] = [];
  const add = (date: string, count: number, make: (index: number) => Partial<Spec>) => {
    for (let index = 0; index < count; index += 1) {
      list.push({
        date,
        outcome: 'aired',
        source: 'import',
        topic: list.length % 4 === 3 ? 'hoc-tap-so' : 'kinh-te-so',
        seconds: 10,
        ...make(index),
      });
    }
  };
  add(DAYS[0], 40, () => ({}));
  add(DAYS[1], 40, (index) => (index % 2 ? { outcome: 'missed', seconds: 0 } : { seconds: 5 }));
  add(DAYS[2], 30, (index) => ({ seconds: 5, source: index % 2 ? 'operator' : 'import' }));
  return list;
}

describe('Monitor views: passed days and paged records', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let monitor: string;
  // 10:00 on 3 December 2026, Vietnam time: day 3 of the campaign.
  const clock = new ManualClock('2026-12-03T03:00:00.000Z');
  const all = specs();

  const get = (path: string, token = monitor) =>
    app.http().get(`/api/v1${path}`).set(bearer(token));

  function input(spec: Spec, start: string): RecordInput {
    return {
      outcome: spec.outcome,
      title: `Bản tin ${spec.topic} ngày ${spec.date}`,
      topics: [spec.topic],
      startedAt: start,
      ...(spec.outcome === 'missed'
        ? { reason: 'Mất điện' }
        : {
            endedAt: new Date(Date.parse(start) + spec.seconds * 1000).toISOString(),
            playedMs: spec.seconds * 1000,
          }),
      source: spec.source,
    };
  }

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thang-12',
      role: 'monitor',
      provinceCode: PROVINCE,
    });
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: CAMPAIGN,
        name: 'Chiến dịch tháng 12 (kiểm thử)',
        startsOn: '2026-12-01',
        endsOn: '2026-12-31',
        rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 700, minPlaysPerWeek: 7 }],
        minDailySeconds: 300,
      })
      .expect(201);
    const slots = new SlotBook();
    const records = all.map((spec) => input(spec, slots.take(COMMUNE, spec.date) as string));
    const response = await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/playout-log/batch`)
      .set(bearer(admin))
      .send({ records });
    expect(response.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  const expectedSeconds = (specs: readonly Spec[]) =>
    specs.reduce((sum, spec) => sum + (spec.outcome === 'aired' ? spec.seconds : 0), 0);

  it('judges the running campaign on its two passed days, in every view', async () => {
    const report = (
      await get(`/reports/compliance?campaign=${CAMPAIGN}&province=${PROVINCE}`).expect(200)
    ).body as {
      days: number;
      daysPassed: number;
      through: string | null;
      rows: Record<string, unknown>[];
      communes: {
        communeCode: string;
        daysBelowMinimum: number;
        metAllToDate: boolean;
        toDate: { topic: string; requiredSeconds: number; requiredPlays: number; met: boolean }[];
      }[];
    };
    expect(report).toMatchObject({ days: 31, daysPassed: 2, through: '2026-12-02' });
    const campaignSpecs = all.filter((spec) => spec.topic === 'kinh-te-so');
    const own = report.rows.find((row) => row.communeCode === COMMUNE);
    // The pinned rows keep their keys and judge the whole range.
    expect(own).toEqual({
      communeCode: COMMUNE,
      communeName: 'Phường Hạc Thành',
      topic: 'kinh-te-so',
      airedSeconds: expectedSeconds(campaignSpecs),
      plays: campaignSpecs.filter((spec) => spec.outcome === 'aired').length,
      requiredSeconds: 3100,
      requiredPlays: 31,
      met: false,
    });
    const commune = (code: string) => report.communes.find((row) => row.communeCode === code);
    // Day 2 only: day 1 reached 300 s, today is not over, the 28 days to come are not counted.
    // Targets to date: 700 s and 7 plays a week over the two passed days.
    expect(commune(COMMUNE)).toMatchObject({
      daysBelowMinimum: 1,
      metAllToDate: true,
      toDate: [{ topic: 'kinh-te-so', requiredSeconds: 200, requiredPlays: 2, met: true }],
    });
    expect(commune(SILENT)).toMatchObject({
      daysBelowMinimum: 2,
      metAllToDate: false,
      toDate: [{ topic: 'kinh-te-so', requiredSeconds: 200, requiredPlays: 2, met: false }],
    });
    expect(Math.max(...report.communes.map((row) => row.daysBelowMinimum))).toBe(2);

    const detail = (await get(`/reports/communes/${COMMUNE}?campaign=${CAMPAIGN}`).expect(200))
      .body as {
      daysPassed: number;
      through: string;
      summary: { daysBelowMinimum: number; campaign: { status: string } };
      daily: { date: string; passed: boolean; belowMinimum: boolean }[];
    };
    expect(detail).toMatchObject({ daysPassed: 2, through: '2026-12-02' });
    expect(detail.summary.daysBelowMinimum).toBe(1);
    expect(detail.summary.campaign.status).toBe('on-track');
    expect(detail.daily.slice(0, 4)).toEqual([
      expect.objectContaining({ date: DAYS[0], passed: true, belowMinimum: false }),
      expect.objectContaining({ date: DAYS[1], passed: true, belowMinimum: true }),
      expect.objectContaining({ date: DAYS[2], passed: false, belowMinimum: false }),
      expect.objectContaining({ date: '2026-12-04', passed: false, belowMinimum: false }),
    ]);
    expect(detail.daily.filter((day) => day.belowMinimum)).toHaveLength(1);
  });

  it('pages the records in seq order with the total, every record once', async () => {
    const range = 'from=2026-12-01&to=2026-12-31';
    const whole = (await get(`/reports/communes/${COMMUNE}/records?${range}`).expect(200))
      .body as RecordsPage;
    expect(whole).toMatchObject({ total: all.length, offset: 0, limit: null });
    expect(whole.records).toHaveLength(all.length);
    const seen: number[] = [];
    for (let offset = 0; offset < all.length; offset += 25) {
      const page = (
        await get(`/reports/communes/${COMMUNE}/records?${range}&limit=25&offset=${offset}`).expect(
          200,
        )
      ).body as RecordsPage;
      expect(page).toMatchObject({ total: all.length, offset, limit: 25 });
      // The sums cover every matching record, not the page.
      expect(page.airedSeconds).toBe(whole.airedSeconds);
      expect(page.records).toHaveLength(Math.min(25, all.length - offset));
      seen.push(...page.records.map((record) => record.seq));
    }
    expect(seen).toEqual(whole.records.map((record) => record.seq));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(all.length);
    const beyond = (
      await get(`/reports/communes/${COMMUNE}/records?${range}&limit=25&offset=500`).expect(200)
    ).body as RecordsPage;
    expect(beyond).toMatchObject({ total: all.length, records: [] });
  });

  it('narrows by day, topic, outcome and source, with their own totals and sums', async () => {
    const range = 'from=2026-12-01&to=2026-12-31';
    const cases: [string, (spec: Spec) => boolean][] = [
      [`date=${DAYS[1]}`, (spec) => spec.date === DAYS[1]],
      ['outcome=missed', (spec) => spec.outcome === 'missed'],
      ['source=operator', (spec) => spec.source === 'operator'],
      ['topic=hoc-tap-so', (spec) => spec.topic === 'hoc-tap-so'],
      [
        `date=${DAYS[1]}&outcome=aired&topic=kinh-te-so`,
        (spec) => spec.date === DAYS[1] && spec.outcome === 'aired' && spec.topic === 'kinh-te-so',
      ],
      [`date=2026-12-20`, () => false],
    ];
    for (const [filter, keep] of cases) {
      const expected = all.filter(keep);
      const page = (
        await get(`/reports/communes/${COMMUNE}/records?${range}&${filter}&limit=10`).expect(200)
      ).body as RecordsPage;
      expect({ filter, total: page.total, airedSeconds: page.airedSeconds }).toEqual({
        filter,
        total: expected.length,
        airedSeconds: expectedSeconds(expected),
      });
      expect(page.records).toHaveLength(Math.min(10, expected.length));
      for (const record of page.records) {
        const [key, value] = filter.split('&')[0].split('=');
        if (key === 'date') expect(record.date).toBe(value);
        if (key === 'outcome') expect(record.outcome).toBe(value);
        if (key === 'source') expect(record.source).toBe(value);
        if (key === 'topic') expect(record.topics).toContain(value);
      }
    }
  });

  it('refuses a bad page or filter with a 400 naming it', async () => {
    const range = 'from=2026-12-01&to=2026-12-31';
    for (const [query, name] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['offset=-1', 'offset'],
      ['outcome=played', 'outcome'],
      ['source=robot', 'source'],
      ['date=2026-13-01x', 'date'],
      ['page=2', 'page'],
    ]) {
      const response = await get(`/reports/communes/${COMMUNE}/records?${range}&${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(response.body)).toContain(name);
    }
  });
});
