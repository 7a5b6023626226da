import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Job } from 'bullmq';
import { ManualClock } from '../src/common/manual-clock';
import { ReportsMaintenanceProcessor } from '../src/reports/reports-maintenance.processor';
import {
  AsRunModel,
  asRunCsv,
  CAMPAIGN_TOPICS,
  datesBetween,
  localDateOf,
  OTHER_TOPICS,
  Random,
  randomRecord,
  RecordInput,
  ServedRecord,
  SlotBook,
} from './support/as-run-data';
import { runPython } from './support/python';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** Phường Hạc Thành meets every target; Phường Bỉm Sơn lags; the other 164 communes aired nothing. */
const GOOD = '14797';
const LAGGING = '14812';
const PROVINCE = '38';
const OCTOBER = datesBetween('2025-10-01', '2025-10-31');
const SEPTEMBER = datesBetween('2025-09-01', '2025-09-30');
const SHORT_DAY = '2025-10-15';
const WEEKLY_SECONDS = 600;
const WEEKLY_PLAYS = 7;
const MIN_DAILY_MS = 300_000;
const PINNED = [
  'communeCode',
  'communeName',
  'topic',
  'airedSeconds',
  'plays',
  'requiredSeconds',
  'requiredPlays',
  'met',
];

interface Row {
  communeCode: string;
  communeName: string;
  topic: string;
  airedSeconds: number;
  plays: number;
  requiredSeconds: number;
  requiredPlays: number;
  met: boolean;
}

interface CommuneInfo {
  communeCode: string;
  communeName: string;
  metAll: boolean;
  topicsMet: number;
  topicsRequired: number;
  campaignSeconds: number;
  minDailySeconds: number;
  daysBelowMinimum: number;
  campaign: { status: string; from: string; through: string | null; topicsMet: number };
  chain: {
    ok: boolean | null;
    count: number;
    brokenAtSeq: number | null;
    checkedAt: string | null;
    uncheckedRecords: number;
  };
}

interface ComplianceJson {
  campaign: string;
  from: string;
  to: string;
  rows: Row[];
  communes: CommuneInfo[];
}

/** Python reads a CSV (must start with a BOM) with its csv module: rows of strings. */
const CSV_READER = `
import csv, io, json, sys
data = sys.stdin.buffer.read()
assert data.startswith(b"\\xef\\xbb\\xbf"), "no BOM"
rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
print(json.dumps(rows, ensure_ascii=False))
`;

/** openpyxl reads an XLSX (base64 on stdin): per sheet, frozen pane and typed cells. */
const XLSX_READER = `
import base64, io, json, sys, datetime
import openpyxl
book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sys.stdin.read())))
out = {"sheets": book.sheetnames}
for sheet in book.worksheets:
    rows = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            value = cell.value
            if isinstance(value, datetime.datetime):
                value = value.isoformat()
            cells.append({"v": value, "t": cell.data_type, "date": cell.is_date})
        rows.append(cells)
    out[sheet.title] = {"freeze": sheet.freeze_panes, "rows": rows}
print(json.dumps(out, ensure_ascii=False))
`;

interface XlsxCell {
  v: string | number | boolean | null;
  t: string;
  date: boolean;
}
type XlsxBook = { sheets: string[] } & Record<string, { freeze: string; rows: XlsxCell[][] }>;

function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

const seconds = (ms: number): number => ms / 1000;
const required = (days: number) => ({
  seconds: Math.ceil((WEEKLY_SECONDS * days) / 7),
  plays: Math.ceil((WEEKLY_PLAYS * days) / 7),
});

describe('reports (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let monitor: string;
  let foreignMonitor: string;
  let goodOperator: string;
  let laggingOperator: string;
  let communeNames: Map<string, string>;
  let provinceCodes: string[];
  const clock = new ManualClock('2025-11-10T03:00:00.000Z');
  const random = new Random(38_2025);
  const slots = new SlotBook();
  const model = new AsRunModel();

  const get = (path: string, token: string) => app.http().get(`/api/v1${path}`).set(bearer(token));
  const getBinary = (path: string, token: string) => get(path, token).buffer(true).parse(binary);

  async function batch(communeCode: string, records: RecordInput[]): Promise<void> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log/batch`)
      .set(bearer(admin))
      .send({ records });
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    model.add((response.body as { records: ServedRecord[] }).records);
  }

  async function csvImport(communeCode: string, records: RecordInput[]): Promise<void> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log/import`)
      .set(bearer(admin))
      .set('Content-Type', 'text/csv')
      .send(asRunCsv(records));
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    model.add((response.body as { records: ServedRecord[] }).records);
  }

  async function postOne(communeCode: string, record: RecordInput): Promise<ServedRecord> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log`)
      .set(bearer(admin))
      .send(record);
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    model.add([response.body as ServedRecord]);
    return response.body as ServedRecord;
  }

  /** Every day of October, one aired bulletin per campaign topic (shorter on SHORT_DAY). */
  function goodMonth(): RecordInput[] {
    const records: RecordInput[] = [];
    for (const date of OCTOBER) {
      for (const topic of CAMPAIGN_TOPICS) {
        const start = slots.take(GOOD, date) as string;
        const spanMs =
          date === SHORT_DAY ? 60_000 : random.int(95, 150) * 1000 + random.int(0, 999);
        records.push({
          outcome: 'aired',
          title: `Chuyên mục ${topic} ngày ${date}`,
          topics: random.chance(0.3) ? [topic, random.pick(OTHER_TOPICS)] : [topic],
          startedAt: start,
          endedAt: new Date(Date.parse(start) + spanMs).toISOString(),
        });
      }
      if (date !== SHORT_DAY && random.chance(0.5)) {
        records.push(randomRecord(random, slots.take(GOOD, date) as string));
      }
    }
    return records;
  }

  function sample(communeCode: string, dates: string[], count: number): RecordInput[] {
    const records: RecordInput[] = [];
    for (let index = 0; index < count; index += 1) {
      records.push(randomRecord(random, slots.take(communeCode, random.pick(dates)) as string));
    }
    return records;
  }

  /** A correction keeping the slot: a partial becomes aired, or an aired one is cut short. */
  function correctionOf(
    target: ServedRecord,
    outcome: 'aired' | 'partial' | 'failed',
  ): RecordInput {
    const spanMs = random.int(100, 200) * 1000;
    return {
      outcome,
      title: target.title ?? 'Bản tin',
      topics: target.topics,
      startedAt: target.startedAt,
      endedAt: new Date(Date.parse(target.startedAt) + spanMs).toISOString(),
      playedMs: outcome === 'aired' ? spanMs : random.int(1000, spanMs - 1),
      reason: 'Sửa nhật ký theo biên bản kiểm tra của xã',
      correctsSeq: target.seq,
    };
  }

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: PROVINCE,
    });
    foreignMonitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-ha-noi',
      role: 'monitor',
      provinceCode: '01',
    });
    goodOperator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: GOOD,
    });
    laggingOperator = await createUserAndLogin(app, admin, {
      username: 'phe-duyet-bim-son',
      role: 'approver',
      communeCode: LAGGING,
    });
    const communes = await get(`/communes?province=${PROVINCE}`, admin).expect(200);
    const list = communes.body as { code: string; name: string }[];
    communeNames = new Map(list.map((commune) => [commune.code, commune.name]));
    provinceCodes = list.map((commune) => commune.code).sort();

    // A month of October for two communes, through the batch, CSV and single-record routes,
    // September (the uplift's baseline) too, and corrections, some of corrections.
    await batch(GOOD, goodMonth());
    await csvImport(GOOD, sample(GOOD, SEPTEMBER, 40));
    await csvImport(LAGGING, sample(LAGGING, OCTOBER, 70));
    await batch(LAGGING, sample(LAGGING, SEPTEMBER, 50));
    for (const record of sample(LAGGING, OCTOBER, 8)) await postOne(LAGGING, record);
    const extras = model
      .inEffect(GOOD)
      .filter(
        (record) =>
          !record.title?.startsWith('Chuyên mục ') &&
          record.outcome !== 'missed' &&
          localDateOf(record.startedAt) >= '2025-10-01',
      );
    const first = await postOne(GOOD, correctionOf(extras[0], 'failed'));
    await postOne(GOOD, correctionOf(first, 'partial'));
    const lagging = model.inEffect(LAGGING).filter((record) => record.outcome !== 'missed');
    const fixed = await postOne(LAGGING, correctionOf(lagging[0], 'aired'));
    await postOne(LAGGING, correctionOf(fixed, 'partial'));
    await batch(LAGGING, [
      correctionOf(lagging[1], 'aired'),
      correctionOf(lagging[2], 'failed'),
      ...sample(LAGGING, OCTOBER, 3),
    ]);
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  /** The test's own compliance rows for [from, to]. */
  function expectedRows(from: string, to: string): Row[] {
    const days = datesBetween(from, to).length;
    const need = required(days);
    return provinceCodes.flatMap((communeCode) =>
      CAMPAIGN_TOPICS.map((topic) => {
        const sums = model.topicSums(communeCode, from, to, topic);
        return {
          communeCode,
          communeName: communeNames.get(communeCode) as string,
          topic,
          airedSeconds: seconds(sums.airedMs),
          plays: sums.plays,
          requiredSeconds: need.seconds,
          requiredPlays: need.plays,
          met: seconds(sums.airedMs) >= need.seconds && sums.plays >= need.plays,
        };
      }),
    );
  }

  function daysBelowMinimum(communeCode: string, from: string, to: string): number {
    return datesBetween(from, to).filter(
      (date) => model.campaignSums(communeCode, date, date, CAMPAIGN_TOPICS).airedMs < MIN_DAILY_MS,
    ).length;
  }

  function metAll(rows: Row[], communeCode: string): boolean {
    return rows.filter((row) => row.communeCode === communeCode).every((row) => row.met);
  }

  it('imported a month for two communes, the good one meeting every target', () => {
    const rows = expectedRows('2025-10-01', '2025-10-31');
    expect(metAll(rows, GOOD)).toBe(true);
    expect(metAll(rows, LAGGING)).toBe(false);
    expect(daysBelowMinimum(GOOD, '2025-10-01', '2025-10-31')).toBe(1);
    expect(model.all(GOOD).some((record) => record.outcome === 'partial')).toBe(true);
    expect(model.all(LAGGING).filter((record) => record.correctsSeq !== null)).toHaveLength(4);
  });

  it('shows chains not verified yet until the maintenance job verifies those that grew', async () => {
    const before = await get(
      `/reports/compliance?campaign=cds-2025&province=${PROVINCE}`,
      monitor,
    ).expect(200);
    for (const code of [GOOD, LAGGING]) {
      expect(
        (before.body as ComplianceJson).communes.find((info) => info.communeCode === code)?.chain,
      ).toEqual({
        ok: null,
        count: 0,
        brokenAtSeq: null,
        checkedAt: null,
        uncheckedRecords: model.all(code).length,
        checkpoint: null,
      });
    }
    const job = { name: 'maintenance.chain-check', data: {} } as Job;
    const processor = app.app.get(ReportsMaintenanceProcessor);
    expect(await processor.process(job)).toEqual({ checked: 2, broken: [] });
    expect(await processor.process(job)).toEqual({ checked: 0, broken: [] });
  });

  it('serves compliance as JSON: every commune × topic, every number as the test sums it', async () => {
    const response = await get(
      `/reports/compliance?campaign=cds-2025&province=${PROVINCE}`,
      monitor,
    ).expect(200);
    const body = response.body as ComplianceJson;
    expect(body).toMatchObject({ campaign: 'cds-2025', from: '2025-10-01', to: '2025-10-31' });
    const expected = expectedRows('2025-10-01', '2025-10-31');
    expect(body.rows).toHaveLength(166 * 4);
    expect(body.rows).toEqual(expected);
    for (const row of body.rows) expect(Object.keys(row)).toEqual(PINNED);

    expect(body.communes).toHaveLength(166);
    for (const info of body.communes) {
      const code = info.communeCode;
      const own = expected.filter((row) => row.communeCode === code);
      const records = model.all(code);
      expect(info).toEqual({
        communeCode: code,
        communeName: communeNames.get(code),
        metAll: own.every((row) => row.met),
        topicsMet: own.filter((row) => row.met).length,
        topicsRequired: 4,
        // October is over on the test's clock: its targets to date are the range's.
        toDate: own.map(({ topic, requiredSeconds, requiredPlays, met }) => ({
          topic,
          requiredSeconds,
          requiredPlays,
          met,
        })),
        metAllToDate: own.every((row) => row.met),
        topicsMetToDate: own.filter((row) => row.met).length,
        campaignSeconds: seconds(
          model.campaignSums(code, '2025-10-01', '2025-10-31', CAMPAIGN_TOPICS).airedMs,
        ),
        minDailySeconds: 300,
        daysBelowMinimum: daysBelowMinimum(code, '2025-10-01', '2025-10-31'),
        campaign: {
          status: own.every((row) => row.met) ? 'met' : 'not-met',
          from: '2025-10-01',
          through: '2025-10-31',
          topicsMet: own.filter((row) => row.met).length,
          topicsRequired: 4,
        },
        chain: {
          ok: true,
          count: records.length,
          brokenAtSeq: null,
          checkedAt: records.length > 0 ? expect.stringMatching(/\+07:00$/) : null,
          uncheckedRecords: 0,
          checkpoint: null,
        },
        // No devices: no records built from receipts, no coverage (test/receipts.e2e-spec.ts).
        coverage: { targeted: 0, aired: 0, percent: null },
      });
    }
    expect(body.communes.find((info) => info.communeCode === GOOD)).toMatchObject({
      metAll: true,
      daysBelowMinimum: 1,
    });
  });

  it('counts a sub-range pro rata, and judges the whole campaign apart from it', async () => {
    const response = await get(
      `/reports/compliance?campaign=cds-2025&province=${PROVINCE}&from=2025-10-06&to=2025-10-12`,
      monitor,
    ).expect(200);
    const body = response.body as ComplianceJson;
    expect(body).toMatchObject({ from: '2025-10-06', to: '2025-10-12' });
    const expected = expectedRows('2025-10-06', '2025-10-12');
    expect(expected[0]).toMatchObject({ requiredSeconds: 600, requiredPlays: 7 });
    expect(body.rows).toEqual(expected);
    const whole = expectedRows('2025-10-01', '2025-10-31');
    for (const info of body.communes.filter((commune) =>
      [GOOD, LAGGING].includes(commune.communeCode),
    )) {
      expect(info.daysBelowMinimum).toBe(
        daysBelowMinimum(info.communeCode, '2025-10-06', '2025-10-12'),
      );
      expect(info.campaign.status).toBe(metAll(whole, info.communeCode) ? 'met' : 'not-met');
    }
  });

  it('writes the same rows to CSV (BOM, pinned header) that Python reads back', async () => {
    const response = await getBinary(
      `/reports/compliance?campaign=cds-2025&province=${PROVINCE}&format=csv&columns=raw`,
      monitor,
    ).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="tuan-thu_cds-2025_38_2025-10-01_2025-10-31.csv"',
    );
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = JSON.parse(await runPython(CSV_READER, bytes.toString('utf8'))) as string[][];
    expect(rows[0]).toEqual(PINNED);
    const expected = expectedRows('2025-10-01', '2025-10-31');
    expect(rows.slice(1)).toEqual(
      expected.map((row) => PINNED.map((key) => String(row[key as keyof Row]))),
    );
    expect(rows.slice(1).find((row) => row[0] === GOOD)?.[1]).toBe('Phường Hạc Thành');
  });

  it('writes the same rows to XLSX (a sheet per view, typed cells, frozen header) that openpyxl reads', async () => {
    const response = await getBinary(
      `/reports/compliance?campaign=cds-2025&province=${PROVINCE}&format=xlsx&columns=raw`,
      monitor,
    ).expect(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = JSON.parse(
      await runPython(XLSX_READER, (response.body as Buffer).toString('base64')),
    ) as XlsxBook;
    expect(book.sheets).toEqual(['Tuân thủ', 'Theo xã']);
    const sheet = book['Tuân thủ'];
    expect(sheet.freeze).toBe('A2');
    expect(sheet.rows[0].map((cell) => cell.v)).toEqual(PINNED);
    const expected = expectedRows('2025-10-01', '2025-10-31');
    expect(sheet.rows.slice(1).map((cells) => cells.map((cell) => cell.v))).toEqual(
      expected.map((row) => PINNED.map((key) => row[key as keyof Row])),
    );
    for (const cells of sheet.rows.slice(1)) {
      expect(cells.map((cell) => cell.t)).toEqual(['s', 's', 's', 'n', 'n', 'n', 'n', 'b']);
    }

    const communes = book['Theo xã'];
    expect(communes.freeze).toBe('A2');
    const header = communes.rows[0].map((cell) => cell.v);
    const good = communes.rows.find((cells) => cells[0].v === GOOD) as XlsxCell[];
    const cell = (name: string) => good[header.indexOf(name)];
    expect(cell('metAll').v).toBe(true);
    expect(cell('daysBelowMinimum')).toMatchObject({ v: 1, t: 'n' });
    expect(cell('campaignThrough')).toMatchObject({ v: '2025-10-31T00:00:00', date: true });
    expect(cell('chainOk').v).toBe(true);
    expect(cell('chainCount').v).toBe(model.all(GOOD).length);
    expect(cell('chainCheckedAt').date).toBe(true);
  });

  it('sums the province: communes meeting every target, laggards by shortfall, totals by topic and day', async () => {
    const response = await get(
      `/reports/summary?campaign=cds-2025&province=${PROVINCE}`,
      monitor,
    ).expect(200);
    const provinces = await get('/provinces', monitor).expect(200);
    const provinceName = (provinces.body as { code: string; name: string }[]).find(
      (province) => province.code === PROVINCE,
    )?.name;
    expect(provinceName).toBe('Thanh Hóa');
    const rows = expectedRows('2025-10-01', '2025-10-31');
    const need = required(31);
    const shortfall = (code: string) => {
      const own = rows.filter((row) => row.communeCode === code);
      return {
        seconds:
          Math.round(
            own.reduce((sum, row) => sum + Math.max(0, row.requiredSeconds - row.airedSeconds), 0) *
              1000,
          ) / 1000,
        plays: own.reduce((sum, row) => sum + Math.max(0, row.requiredPlays - row.plays), 0),
      };
    };
    const laggards = provinceCodes
      .filter((code) => !metAll(rows, code))
      .map((code) => ({ code, ...shortfall(code) }))
      .sort((a, b) => b.seconds - a.seconds || b.plays - a.plays || a.code.localeCompare(b.code));
    const body = response.body as {
      communes: number;
      communesMeetingAll: number;
      meetingAll: { communeCode: string }[];
      laggards: {
        communeCode: string;
        shortfallSeconds: number;
        shortfallPlays: number;
        topicsMissed: string[];
        daysBelowMinimum: number;
      }[];
      byTopic: unknown[];
      byDay: unknown[];
    };
    expect(body).toMatchObject({
      campaign: 'cds-2025',
      province: PROVINCE,
      provinceName: provinceName,
      from: '2025-10-01',
      to: '2025-10-31',
      communes: 166,
      communesMeetingAll: 1,
      meetingAll: [{ communeCode: GOOD, communeName: 'Phường Hạc Thành' }],
    });
    expect(body.laggards.map((laggard) => laggard.communeCode)).toEqual(
      laggards.map((laggard) => laggard.code),
    );
    expect(body.laggards[body.laggards.length - 1].communeCode).toBe(LAGGING);
    for (const [index, laggard] of body.laggards.entries()) {
      expect(laggard).toMatchObject({
        shortfallSeconds: laggards[index].seconds,
        shortfallPlays: laggards[index].plays,
        topicsMissed: rows
          .filter((row) => row.communeCode === laggard.communeCode && !row.met)
          .map((row) => row.topic),
        daysBelowMinimum: daysBelowMinimum(laggard.communeCode, '2025-10-01', '2025-10-31'),
      });
    }
    expect(body.byTopic).toEqual(
      CAMPAIGN_TOPICS.map((topic) => {
        const topicRows = rows.filter((row) => row.topic === topic);
        return {
          topic,
          airedSeconds:
            Math.round(topicRows.reduce((sum, row) => sum + row.airedSeconds * 1000, 0)) / 1000,
          plays: topicRows.reduce((sum, row) => sum + row.plays, 0),
          requiredSeconds: need.seconds,
          requiredPlays: need.plays,
          communesMet: topicRows.filter((row) => row.met).length,
        };
      }),
    );
    expect(body.byDay).toEqual(
      OCTOBER.map((date) => {
        const atMinimum = provinceCodes.filter(
          (code) => model.campaignSums(code, date, date, CAMPAIGN_TOPICS).airedMs >= MIN_DAILY_MS,
        ).length;
        return {
          date,
          campaignSeconds: seconds(
            [GOOD, LAGGING].reduce(
              (sum, code) => sum + model.campaignSums(code, date, date, CAMPAIGN_TOPICS).airedMs,
              0,
            ),
          ),
          communesBelowMinimum: 166 - atMinimum,
          topics: CAMPAIGN_TOPICS.map((topic) => {
            const sums = [GOOD, LAGGING].map((code) => model.topicSums(code, date, date, topic));
            return {
              topic,
              airedSeconds: seconds(sums.reduce((sum, s) => sum + s.airedMs, 0)),
              plays: sums.reduce((sum, s) => sum + s.plays, 0),
            };
          }),
        };
      }),
    );

    const xlsx = await getBinary(
      `/reports/summary?campaign=cds-2025&province=${PROVINCE}&format=xlsx&columns=raw`,
      monitor,
    ).expect(200);
    const book = JSON.parse(
      await runPython(XLSX_READER, (xlsx.body as Buffer).toString('base64')),
    ) as XlsxBook;
    expect(book.sheets).toEqual(['Chậm tiến độ', 'Đạt mọi chỉ tiêu', 'Theo chủ đề', 'Theo ngày']);
    for (const name of book.sheets) expect(book[name].freeze).toBe('A2');
    expect(book['Chậm tiến độ'].rows.slice(1).map((cells) => [cells[0].v, cells[2].v])).toEqual(
      laggards.map((laggard) => [laggard.code, laggard.seconds]),
    );
    const byDay = book['Theo ngày'];
    expect(byDay.rows[0].map((cell) => cell.v)).toEqual([
      'date',
      'campaignSeconds',
      'communesBelowMinimum',
      ...CAMPAIGN_TOPICS,
    ]);
    expect(byDay.rows[1][0]).toMatchObject({ v: '2025-10-01T00:00:00', date: true });
    expect(byDay.rows.slice(1).map((cells) => cells[1].v)).toEqual(
      (body.byDay as { campaignSeconds: number }[]).map((day) => day.campaignSeconds),
    );

    const csv = await getBinary(
      `/reports/summary?campaign=cds-2025&province=${PROVINCE}&format=csv&columns=raw`,
      monitor,
    ).expect(200);
    const csvRows = JSON.parse(
      await runPython(CSV_READER, (csv.body as Buffer).toString('utf8')),
    ) as string[][];
    expect(csvRows[0]).toEqual([
      'communeCode',
      'communeName',
      'shortfallSeconds',
      'shortfallPlays',
      'topicsMissed',
      'daysBelowMinimum',
    ]);
    expect(csvRows.slice(1).map((row) => [row[0], Number(row[2]), Number(row[3])])).toEqual(
      laggards.map((laggard) => [laggard.code, laggard.seconds, laggard.plays]),
    );
  });

  it('compares campaign airtime with the same number of days before (uplift)', async () => {
    const response = await get(
      `/reports/uplift?campaign=cds-2025&province=${PROVINCE}`,
      monitor,
    ).expect(200);
    const percent = (now: number, before: number) =>
      before === 0 ? null : Math.round(((now - before) / before) * 1000) / 10;
    const campaignMs = (code: string, from: string, to: string) =>
      model.campaignSums(code, from, to, CAMPAIGN_TOPICS).airedMs;
    const body = response.body as {
      baselineFrom: string;
      baselineTo: string;
      rows: unknown[];
      topics: unknown[];
      totals: unknown;
    };
    expect(body).toMatchObject({
      from: '2025-10-01',
      to: '2025-10-31',
      baselineFrom: '2025-08-31',
      baselineTo: '2025-09-30',
    });
    const expected = provinceCodes.map((code) => {
      const now = campaignMs(code, '2025-10-01', '2025-10-31');
      const before = campaignMs(code, '2025-08-31', '2025-09-30');
      return {
        communeCode: code,
        communeName: communeNames.get(code),
        airedSeconds: seconds(now),
        baselineSeconds: seconds(before),
        changeSeconds: seconds(now - before),
        changePercent: percent(now, before),
      };
    });
    expect(body.rows).toEqual(expected);
    expect(expected.find((row) => row.communeCode === GOOD)?.changeSeconds).toBeGreaterThan(0);
    expect(body.topics).toEqual(
      provinceCodes.flatMap((code) =>
        CAMPAIGN_TOPICS.map((topic) => {
          const now = model.topicSums(code, '2025-10-01', '2025-10-31', topic);
          const before = model.topicSums(code, '2025-08-31', '2025-09-30', topic);
          return {
            communeCode: code,
            communeName: communeNames.get(code),
            airedSeconds: seconds(now.airedMs),
            baselineSeconds: seconds(before.airedMs),
            changeSeconds: seconds(now.airedMs - before.airedMs),
            changePercent: percent(now.airedMs, before.airedMs),
            topic,
            plays: now.plays,
            baselinePlays: before.plays,
          };
        }),
      ),
    );
    const totalMs = (from: string, to: string) =>
      provinceCodes.reduce((sum, code) => sum + campaignMs(code, from, to), 0);
    const nowMs = totalMs('2025-10-01', '2025-10-31');
    const beforeMs = totalMs('2025-08-31', '2025-09-30');
    expect(body.totals).toEqual({
      airedSeconds: seconds(nowMs),
      baselineSeconds: seconds(beforeMs),
      changeSeconds: seconds(nowMs - beforeMs),
      changePercent: percent(nowMs, beforeMs),
      communesUp: expected.filter((row) => row.changeSeconds > 0).length,
      communesDown: expected.filter((row) => row.changeSeconds < 0).length,
      communesUnchanged: expected.filter((row) => row.changeSeconds === 0).length,
    });

    const csv = await getBinary(
      `/reports/uplift?campaign=cds-2025&province=${PROVINCE}&format=csv&columns=raw`,
      monitor,
    ).expect(200);
    const csvRows = JSON.parse(
      await runPython(CSV_READER, (csv.body as Buffer).toString('utf8')),
    ) as string[][];
    expect(csvRows[0]).toEqual([
      'communeCode',
      'communeName',
      'airedSeconds',
      'baselineSeconds',
      'changeSeconds',
      'changePercent',
    ]);
    expect(csvRows.slice(1)).toEqual(
      expected.map((row) => [
        row.communeCode,
        row.communeName,
        String(row.airedSeconds),
        String(row.baselineSeconds),
        String(row.changeSeconds),
        row.changePercent === null ? '' : String(row.changePercent),
      ]),
    );

    // For people (the default), every number as a spreadsheet in Vietnamese reads it: the
    // percentages with the decimal comma of the minutes beside them (they were "116.3" beside
    // "315,0"); in the XLSX they are numbers.
    const comma = (value: number) => value.toFixed(1).replace('.', ',');
    const minutes = (secondsValue: number) => comma(Math.round(secondsValue / 6) / 10);
    const forPeople = await getBinary(
      `/reports/uplift?campaign=cds-2025&province=${PROVINCE}&format=csv`,
      monitor,
    ).expect(200);
    const peopleRows = JSON.parse(
      await runPython(CSV_READER, (forPeople.body as Buffer).toString('utf8')),
    ) as string[][];
    expect(peopleRows[0]).toEqual([
      'Mã xã',
      'Tên xã',
      'Đã phát (phút)',
      'Trước chiến dịch (phút)',
      'Thay đổi (phút)',
      'Thay đổi (%)',
    ]);
    expect(peopleRows.slice(1)).toEqual(
      expected.map((row) => [
        `="${row.communeCode}"`,
        row.communeName,
        minutes(row.airedSeconds),
        minutes(row.baselineSeconds),
        minutes(row.changeSeconds).replace(/^-(0,0)$/, '$1'),
        row.changePercent === null ? '' : comma(row.changePercent),
      ]),
    );
    expect(expected.some((row) => row.changePercent !== null)).toBe(true);
    expect(peopleRows.flat().join('|')).not.toMatch(/\d\.\d|'-/);
    const peopleBook = JSON.parse(
      await runPython(
        XLSX_READER,
        (
          (
            await getBinary(
              `/reports/uplift?campaign=cds-2025&province=${PROVINCE}&format=xlsx`,
              monitor,
            ).expect(200)
          ).body as Buffer
        ).toString('base64'),
      ),
    ) as XlsxBook;
    expect(peopleBook['Tăng thời lượng'].rows.slice(1).map((cells) => cells[5])).toEqual(
      expected.map((row) =>
        row.changePercent === null
          ? { v: null, t: 'n', date: false }
          : { v: row.changePercent, t: 'n', date: false },
      ),
    );
  });

  it("shows an operator their commune's daily airtime by topic, down to the records", async () => {
    const response = await get(`/reports/communes/${GOOD}?campaign=cds-2025`, goodOperator).expect(
      200,
    );
    const body = response.body as {
      summary: CommuneInfo;
      rows: Row[];
      daily: {
        date: string;
        passed: boolean;
        campaignSeconds: number;
        belowMinimum: boolean;
        topics: { topic: string; airedSeconds: number; plays: number }[];
      }[];
    };
    expect(body).toMatchObject({ communeCode: GOOD, communeName: 'Phường Hạc Thành', days: 31 });
    expect(body.rows).toEqual(
      expectedRows('2025-10-01', '2025-10-31').filter((row) => row.communeCode === GOOD),
    );
    expect(body.summary).toMatchObject({
      metAll: true,
      daysBelowMinimum: 1,
      chain: { ok: true, count: model.all(GOOD).length },
    });
    expect(body.daily).toEqual(
      OCTOBER.map((date) => {
        const campaign = model.campaignSums(GOOD, date, date, CAMPAIGN_TOPICS).airedMs;
        return {
          date,
          passed: true,
          campaignSeconds: seconds(campaign),
          belowMinimum: campaign < MIN_DAILY_MS,
          topics: CAMPAIGN_TOPICS.map((topic) => {
            const sums = model.topicSums(GOOD, date, date, topic);
            return { topic, airedSeconds: seconds(sums.airedMs), plays: sums.plays };
          }),
        };
      }),
    );
    expect(body.daily.find((day) => day.date === SHORT_DAY)?.belowMinimum).toBe(true);

    // Drill-down: the records behind one cell, corrected ones shown but not counted.
    const correctedDay = localDateOf(
      (model.all(GOOD).find((record) => record.correctsSeq !== null) as ServedRecord).startedAt,
    );
    for (const topic of [undefined, ...CAMPAIGN_TOPICS]) {
      const drill = await get(
        `/reports/communes/${GOOD}/records?from=${correctedDay}&to=${correctedDay}${topic ? `&topic=${topic}` : ''}`,
        goodOperator,
      ).expect(200);
      const drilled = drill.body as {
        airedSeconds: number;
        plays: number;
        records: {
          seq: number;
          inEffect: boolean;
          correctedBySeq: number | null;
          countedSeconds: number;
        }[];
      };
      const expectedRecords = model
        .all(GOOD)
        .filter(
          (record) =>
            localDateOf(record.startedAt) === correctedDay &&
            (!topic || record.topics.includes(topic)),
        );
      expect(drilled.records.map((record) => record.seq)).toEqual(
        expectedRecords.map((record) => record.seq),
      );
      if (topic) {
        const cell = body.daily
          .find((day) => day.date === correctedDay)
          ?.topics.find((entry) => entry.topic === topic);
        expect({ airedSeconds: drilled.airedSeconds, plays: drilled.plays }).toEqual({
          airedSeconds: cell?.airedSeconds,
          plays: cell?.plays,
        });
      }
      if (!topic) {
        expect(drilled.records.filter((record) => !record.inEffect).length).toBe(2);
        for (const record of drilled.records.filter((entry) => !entry.inEffect)) {
          expect(record).toMatchObject({ countedSeconds: 0, correctedBySeq: expect.any(Number) });
        }
      }
    }

    const csv = await getBinary(
      `/reports/communes/${GOOD}?campaign=cds-2025&format=csv&columns=raw`,
      goodOperator,
    ).expect(200);
    const csvRows = JSON.parse(
      await runPython(CSV_READER, (csv.body as Buffer).toString('utf8')),
    ) as string[][];
    expect(csvRows[0]).toEqual(['date', 'topic', 'airedSeconds', 'plays']);
    expect(csvRows.slice(1)).toEqual(
      body.daily.flatMap((day) =>
        day.topics.map((entry) => [
          day.date,
          entry.topic,
          String(entry.airedSeconds),
          String(entry.plays),
        ]),
      ),
    );
    const xlsx = await getBinary(
      `/reports/communes/${GOOD}?campaign=cds-2025&format=xlsx&columns=raw`,
      goodOperator,
    ).expect(200);
    const book = JSON.parse(
      await runPython(XLSX_READER, (xlsx.body as Buffer).toString('base64')),
    ) as XlsxBook;
    expect(book.sheets).toEqual(['Theo ngày và chủ đề', 'Theo ngày', 'Tuân thủ', 'Tổng quan']);
    expect(book['Tuân thủ'].rows[0].map((cell) => cell.v)).toEqual(PINNED);
    expect(book['Theo ngày'].rows.slice(1).map((cells) => cells.map((cell) => cell.v))).toEqual(
      body.daily.map((day) => [`${day.date}T00:00:00`, day.campaignSeconds, day.belowMinimum]),
    );
  });

  it('exports the as-run log with its chain fields, which an outside script verifies', async () => {
    const verifier = readFileSync(join(__dirname, '..', 'scripts', 'verify-as-run.py'), 'utf8');
    const csv = await getBinary(
      `/reports/communes/${LAGGING}/as-run?from=2025-10-01&to=2025-10-31&format=csv`,
      laggingOperator,
    ).expect(200);
    const rows = JSON.parse(
      await runPython(CSV_READER, (csv.body as Buffer).toString('utf8')),
    ) as string[][];
    expect(rows[0].slice(0, 13)).toEqual([
      'communeCode',
      'seq',
      'scheduleItemId',
      'bulletinId',
      'topics',
      'startedAt',
      'endedAt',
      'playedMs',
      'outcome',
      'source',
      'correctsSeq',
      'prevHash',
      'hash',
    ]);
    const october = model
      .all(LAGGING)
      .filter((record) => localDateOf(record.startedAt) >= '2025-10-01');
    expect(rows.slice(1).map((row) => Number(row[1]))).toEqual(october.map((r) => r.seq));
    expect((await runPython(verifier, (csv.body as Buffer).toString('utf8'))).trim()).toMatch(
      new RegExp(`^ok ${october.length} records`),
    );

    const whole = await get(
      `/reports/communes/${LAGGING}/as-run?from=2025-09-01&to=2025-10-31`,
      monitor,
    ).expect(200);
    const exported = whole.body as {
      head: { lastSeq: number };
      verify: { ok: boolean; count: number };
      records: ServedRecord[];
    };
    expect(exported.head.lastSeq).toBe(model.all(LAGGING).length);
    expect(exported.verify).toEqual({ ok: true, count: model.all(LAGGING).length });
    expect(exported.records).toHaveLength(model.all(LAGGING).length);
    expect((await runPython(verifier, JSON.stringify(whole.body))).trim()).toBe(
      `ok ${model.all(LAGGING).length} records, seq 1-${model.all(LAGGING).length}, 0 gap(s); ` +
        `linked to the head (seq ${model.all(LAGGING).length})`,
    );
    const forged = exported.records.map((record) =>
      record.seq === 5 ? { ...record, playedMs: record.playedMs + 1000 } : record,
    );
    await expect(runPython(verifier, JSON.stringify(forged))).rejects.toThrow('broken at seq 5');
  });

  it('shows whose chain is broken once the chains are checked again, and what it vouches for', async () => {
    // As a tester would: one October record rewritten in the database, +3,000,000 ms.
    const tampered = model
      .inEffect(LAGGING)
      .find(
        (record) =>
          record.outcome === 'aired' &&
          localDateOf(record.startedAt) >= '2025-10-01' &&
          record.topics.some((topic) => CAMPAIGN_TOPICS.includes(topic)),
      ) as ServedRecord;
    const day = localDateOf(tampered.startedAt);
    const dataSource = app.app.get(DataSource);
    await dataSource.query(
      `UPDATE playout_record SET played_ms = played_ms + 3000000 WHERE commune_code = '${LAGGING}' AND seq = ${tampered.seq}`,
    );
    await app
      .http()
      .post(`/api/v1/reports/chain-checks?province=01`)
      .set(bearer(monitor))
      .expect(403);
    const run = await app
      .http()
      .post(`/api/v1/reports/chain-checks?province=${PROVINCE}`)
      .set(bearer(monitor))
      .expect(200);
    expect(run.body).toEqual({ checked: 166, broken: [LAGGING] });
    const compliance = await get(
      `/reports/compliance?campaign=cds-2025&province=${PROVINCE}`,
      monitor,
    ).expect(200);
    const communes = (compliance.body as ComplianceJson).communes;
    // The count is what was verified: the records before the break, not 0.
    const broken = { ok: false, brokenAtSeq: tampered.seq, count: tampered.seq - 1 };
    expect(communes.find((info) => info.communeCode === LAGGING)?.chain).toMatchObject(broken);
    expect(communes.find((info) => info.communeCode === GOOD)?.chain.ok).toBe(true);
    const detail = await get(
      `/reports/communes/${LAGGING}?campaign=cds-2025`,
      laggingOperator,
    ).expect(200);
    const body = detail.body as {
      summary: CommuneInfo;
      daily: { date: string; campaignSeconds: number }[];
    };
    expect(body.summary.chain).toMatchObject(broken);
    // The daily figures are those the records had when appended.
    const asAppended = model.campaignSums(LAGGING, day, day, CAMPAIGN_TOPICS).airedMs / 1000;
    expect(body.daily.find((row) => row.date === day)?.campaignSeconds).toBeCloseTo(asAppended, 3);

    // The drill-down counts the records as they read now, and says which it cannot vouch for.
    const records = await get(
      `/reports/communes/${LAGGING}/records?from=${day}&to=${day}`,
      laggingOperator,
    ).expect(200);
    const page = records.body as {
      airedSeconds: number;
      plays: number;
      afterBreak: { records: number; airedSeconds: number; plays: number };
      chain: { ok: boolean | null; brokenAtSeq: number | null; count: number };
      records: {
        seq: number;
        inEffect: boolean;
        countedSeconds: number;
        countedPlays: number;
        afterBreak: boolean;
      }[];
    };
    expect(page.chain).toMatchObject(broken);
    for (const record of page.records) {
      expect({ seq: record.seq, afterBreak: record.afterBreak }).toEqual({
        seq: record.seq,
        afterBreak: record.seq >= tampered.seq,
      });
    }
    const changed = page.records.find((record) => record.seq === tampered.seq);
    expect(changed?.countedSeconds).toBeCloseTo(tampered.playedMs / 1000 + 3000, 3);
    const sum = (rows: typeof page.records) => ({
      records: rows.length,
      airedSeconds: rows.reduce((total, record) => total + record.countedSeconds, 0),
      plays: rows.reduce((total, record) => total + record.countedPlays, 0),
    });
    const counted = page.records.filter((record) => record.inEffect);
    const unverified = sum(counted.filter((record) => record.afterBreak));
    expect(unverified.records).toBeGreaterThan(0);
    expect(page.afterBreak.records).toBe(unverified.records);
    expect(page.afterBreak.plays).toBe(unverified.plays);
    expect(page.afterBreak.airedSeconds).toBeCloseTo(unverified.airedSeconds, 3);
    expect(page.airedSeconds - page.afterBreak.airedSeconds).toBeCloseTo(
      sum(counted.filter((record) => !record.afterBreak)).airedSeconds,
      3,
    );
    // Another commune's intact chain marks nothing.
    const good = await get(
      `/reports/communes/${GOOD}/records?from=${day}&to=${day}`,
      monitor,
    ).expect(200);
    expect(good.body.chain).toMatchObject({ ok: true, brokenAtSeq: null });
    expect(good.body.afterBreak).toEqual({ records: 0, airedSeconds: 0, plays: 0 });
    expect(
      (good.body.records as { afterBreak: boolean }[]).every((record) => !record.afterBreak),
    ).toBe(true);
  });

  it('lets monitors and admins see the province, operators only their commune', async () => {
    const province = `campaign=cds-2025&province=${PROVINCE}`;
    for (const path of ['compliance', 'summary', 'uplift']) {
      await get(`/reports/${path}?${province}`, admin).expect(200);
      await get(`/reports/${path}?${province}`, foreignMonitor).expect(403);
      await get(`/reports/${path}?${province}`, goodOperator).expect(403);
      await get(`/reports/${path}?${province}`, laggingOperator).expect(403);
    }
    const communePaths = [
      `/reports/communes/${GOOD}?campaign=cds-2025`,
      `/reports/communes/${GOOD}/records?from=2025-10-01&to=2025-10-01`,
      `/reports/communes/${GOOD}/as-run?from=2025-10-01&to=2025-10-01`,
    ];
    for (const path of communePaths) {
      await get(path, goodOperator).expect(200);
      await get(path, monitor).expect(200);
      await get(path, laggingOperator).expect(403);
      await get(path, foreignMonitor).expect(403);
    }
    await app.http().get('/api/v1/reports/compliance?campaign=cds-2025&province=38').expect(401);
  });

  it('refuses bad queries with a clear problem', async () => {
    const cases: [string, number, string][] = [
      ['/reports/compliance?province=38', 400, 'campaign'],
      ['/reports/compliance?campaign=cds-2025', 400, 'province'],
      ['/reports/compliance?campaign=khong-co&province=38', 404, 'khong-co'],
      ['/reports/compliance?campaign=cds-2025&province=99', 404, 'Province 99'],
      ['/reports/compliance?campaign=cds-2025&province=38&format=pdf', 400, 'format'],
      [
        '/reports/compliance?campaign=cds-2025&province=38&from=2025-10-31&to=2025-10-01',
        400,
        'after',
      ],
      ['/reports/compliance?campaign=cds-2025&province=38&from=2025-02-30', 400, 'calendar date'],
      [
        '/reports/compliance?campaign=cds-2025&province=38&from=2024-01-01',
        400,
        'at most 366 days',
      ],
      ['/reports/compliance?campaign=cds-2025&province=38&extra=1', 400, 'extra'],
      [`/reports/communes/${GOOD}/records?from=2025-10-01`, 400, 'to'],
      [
        `/reports/communes/${GOOD}/records?from=2025-10-01&to=2025-10-01&offset=99999999999999999999`,
        400,
        'offset',
      ],
      [
        `/reports/communes/${GOOD}/reconciliation?from=2025-10-01&to=2025-10-01&page=99999999999999999999`,
        400,
        'page',
      ],
      [`/reports/communes/${GOOD}/as-run?from=2025-10-01&to=2025-10-02&format=xlsx`, 400, 'format'],
      ['/reports/communes/99999?campaign=cds-2025', 404, 'Commune 99999'],
    ];
    for (const [path, status, text] of cases) {
      const response = await get(path, admin);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(response.body).toMatchObject({ statusCode: status });
      expect(String((response.body as { message: string }).message)).toContain(text);
    }
  });
});
