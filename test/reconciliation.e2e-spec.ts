import ExcelJS from 'exceljs';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { OverdueItems } from '../src/playout/overdue-items.service';
import { PlayoutTicks } from '../src/playout/playout-ticks.service';
import { ReceiptGrace } from '../src/playout/receipts/receipt-grace.service';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import {
  Browser,
  buildWebApp,
  elementsPastRightEdge,
  horizontalOverflow,
  launchBrowser,
  listen,
  screenshot,
  signIn,
} from './support/browser';
import { runPython } from './support/python';
import { airedPlay, ReceiptDevice } from './support/receipt-device';
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

const ITEM_MS = 60_000;
const DAY = '2025-10-06';
/** A local wall-clock time of DAY as an instant. */
const local = (time: string): Date => new Date(`${DAY}T${time}+07:00`);
const iso = (time: string, plusMs = 0): string =>
  new Date(local(time).getTime() + plusMs).toISOString();

interface Line {
  code: string;
  scheduleItemId: string | null;
  title: string | null;
  recordSeq: number | null;
  replacesSeq: number | null;
  lateBySeconds: number | null;
  shortBySeconds: number | null;
  offsetSeconds: number | null;
  airedSeconds: number | null;
  causeCode: string | null;
  cause: string | null;
  devicesTargeted: number | null;
  devicesAired: number | null;
}

interface Report {
  communeCode: string;
  toleranceSeconds: number;
  totals: { code: string; count: number; plannedSeconds: number; airedSeconds: number }[];
  lines: Line[];
  page: number;
  pageSize: number;
  lineCount: number;
}

function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

/**
 * A program log with each kind of discrepancy, its as-run written the ways the service writes
 * it: records posted by the operator (with a correction), the player's missed-item check, and
 * the receipts of a commune's clusters (one item aired by both, one that no cluster reported).
 */
describe('planned versus aired (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  /** Before the day's items: the clusters are enrolled before the items they play. */
  const clock = new ManualClock(local('05:00:00').toISOString());
  let admin: string;
  let operator: string;
  let monitor: string;
  let otherOperator: string;
  let foreignMonitor: string;
  /** One of Hàm Rồng's two clusters. */
  let one: ReceiptDevice;
  const items: Record<string, ScheduleItem> = {};

  const get = (path: string, token: string) => app.http().get(`/api/v1${path}`).set(bearer(token));
  const url = (commune: string, query = '') =>
    `/reports/communes/${commune}/reconciliation?from=${DAY}&to=${DAY}${query}`;

  async function batch(commune: string, records: Record<string, unknown>[]): Promise<number[]> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${commune}/playout-log/batch`)
      .set(bearer(operator))
      .send({ records });
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
    return (response.body as { records: { seq: number }[] }).records.map((record) => record.seq);
  }

  async function item(commune: string, name: string, time: string, title: string) {
    const bulletin = await insertBulletin(app, {
      communeCode: commune,
      provinceCode: THANH_HOA,
      title,
      topics: ['kinh-te-so'],
    });
    items[name] = await insertScheduleItem(app, {
      communeCode: commune,
      bulletinId: bulletin.id,
      startsAt: local(time),
      durationMs: ITEM_MS,
    });
  }

  const aired = (name: string, offsetMs: number, playedMs = ITEM_MS) => ({
    scheduleItemId: items[name].id,
    outcome: 'aired',
    startedAt: iso(localTimeOf(items[name]), offsetMs),
    endedAt: iso(localTimeOf(items[name]), offsetMs + playedMs),
  });

  beforeAll(async () => {
    storage = await createTestStorage({
      PLAYOUT_RECEIPT_GRACE_MINUTES: '10',
      PLAYOUT_RECONCILE_SECONDS: '30',
    });
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    const user = (username: string, role: 'operator' | 'monitor', code: string) =>
      createUserAndLogin(app, admin, {
        username,
        role,
        ...(role === 'monitor' ? { provinceCode: code } : { communeCode: code }),
      });
    operator = await user('van-hanh-hac-thanh', 'operator', HAC_THANH);
    otherOperator = await user('van-hanh-ham-rong', 'operator', HAM_RONG);
    monitor = await user('giam-sat-thanh-hoa', 'monitor', THANH_HOA);
    foreignMonitor = await user('giam-sat-ha-noi', 'monitor', '01');

    // Hàm Rồng: two clusters, enrolled before the day's items.
    one = await ReceiptDevice.enrol(app, otherOperator, HAM_RONG, 'Cụm loa thôn 1');
    const two = await ReceiptDevice.enrol(app, otherOperator, HAM_RONG, 'Cụm loa thôn 2');
    await item(HAM_RONG, 'devicesAired', '06:00:00', 'Bản tin qua cụm loa');
    await item(HAM_RONG, 'devicesSilent', '06:10:00', 'Bản tin cụm loa mất kết nối');

    // Hạc Thành: no clusters, its records come from its operator and the service's player.
    await item(HAC_THANH, 'onTime', '06:00:00', 'Bản tin Chính quyền số');
    await item(HAC_THANH, 'late', '06:05:00', 'Kinh tế số: nông sản lên sàn');
    await item(HAC_THANH, 'early', '06:10:00', 'Xã hội số: định danh điện tử');
    await item(HAC_THANH, 'short', '06:15:00', 'Mô hình chính quyền 2 cấp');
    await item(HAC_THANH, 'failed', '06:20:00', 'Hưởng ứng Ngày Chuyển đổi số');
    await item(HAC_THANH, 'corrected', '06:25:00', 'Tổ công nghệ số cộng đồng');
    await item(HAC_THANH, 'notPlayed', '06:30:00', 'Dịch vụ công trực tuyến');
    await item(HAC_THANH, 'cancelled', '06:35:00', 'Bản tin bị hủy');
    await item(HAC_THANH, 'pending', '20:00:00', 'Bản tin buổi tối');
    await app.app
      .get(DataSource)
      .manager.update(
        ScheduleItem,
        { id: items.cancelled.id },
        { status: 'cancelled', cancelReason: 'Khung giờ Sáng bị xóa' },
      );

    // Noon: every item but the evening one is over, the clusters' grace too.
    clock.set(local('12:00:00').toISOString());
    await batch(HAC_THANH, [
      aired('onTime', 1_200),
      aired('late', 12_500),
      aired('early', -5_000),
      { ...aired('short', 0, 40_000), outcome: 'partial', reason: 'Mất điện giữa chừng' },
      {
        scheduleItemId: items.failed.id,
        outcome: 'failed',
        startedAt: iso('06:20:00', 300),
        endedAt: iso('06:20:00', 300),
        reason: 'Lỗi phát: không mở được thiết bị âm thanh',
      },
      { scheduleItemId: items.corrected.id, outcome: 'missed', reason: 'Ghi nhầm' },
      {
        outcome: 'aired',
        title: 'Thông báo khẩn của xã (phát ngoài lịch)',
        topics: [],
        startedAt: iso('07:00:00'),
        endedAt: iso('07:00:00', 30_000),
      },
    ]);
    const log = (
      await get(`/communes/${HAC_THANH}/playout-log?from=${DAY}&to=${DAY}`, operator).expect(200)
    ).body as { seq: number; scheduleItemId: string | null; outcome: string }[];
    const wrong = log.find((record) => record.scheduleItemId === items.corrected.id);
    await batch(HAC_THANH, [
      { ...aired('corrected', 800), correctsSeq: wrong?.seq, reason: 'Đính chính' },
    ]);
    // The service's missed-item check (the scheduler's tick) records the item nobody played.
    await app.app.get(OverdueItems).settle();

    // Hàm Rồng: its records come from the receipts of its two clusters.
    for (const [device, offset] of [
      [one, 900],
      [two, 1_100],
    ] as const) {
      await device
        .upload([device.played(airedPlay(items.devicesAired.id, iso('06:00:00', offset), ITEM_MS))])
        .expect((response) => {
          if (response.status !== 200) throw new Error(JSON.stringify(response.body));
        });
    }
    await app.app.get(ReceiptGrace).settle();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  function localTimeOf(planned: ScheduleItem): string {
    return new Date(planned.startsAt.getTime() + 7 * 3600_000).toISOString().slice(11, 19);
  }

  function lineOf(report: Report, name: string): Line | undefined {
    return report.lines.find((line) => line.scheduleItemId === items[name].id);
  }

  it('gives each item its discrepancy code, with the seconds, the cause and the totals', async () => {
    const report = (await get(url(HAC_THANH, '&pageSize=500'), operator).expect(200))
      .body as Report;
    expect(report.toleranceSeconds).toBe(2);
    expect(lineOf(report, 'onTime')).toMatchObject({ code: 'on-time', offsetSeconds: 1.2 });
    expect(lineOf(report, 'late')).toMatchObject({ code: 'late', lateBySeconds: 12.5 });
    expect(lineOf(report, 'early')).toMatchObject({ code: 'early', offsetSeconds: -5 });
    expect(lineOf(report, 'short')).toMatchObject({
      code: 'short',
      shortBySeconds: 20,
      airedSeconds: 40,
      cause: 'Mất điện giữa chừng',
    });
    expect(lineOf(report, 'failed')).toMatchObject({
      code: 'missed',
      causeCode: 'play-error',
      cause: 'Lỗi phát: không mở được thiết bị âm thanh',
    });
    expect(lineOf(report, 'notPlayed')).toMatchObject({
      code: 'missed',
      causeCode: 'not-played',
    });
    expect(lineOf(report, 'notPlayed')?.cause).toBeTruthy();
    expect(lineOf(report, 'cancelled')).toMatchObject({
      code: 'cancelled',
      cause: 'Khung giờ Sáng bị xóa',
    });
    expect(lineOf(report, 'pending')).toMatchObject({ code: 'pending', recordSeq: null });
    // The correction stands in the comparison, not the record it corrects.
    const corrected = lineOf(report, 'corrected');
    expect(corrected).toMatchObject({ code: 'on-time', offsetSeconds: 0.8 });
    expect(corrected?.replacesSeq).toEqual(expect.any(Number));
    expect(corrected?.recordSeq).toBeGreaterThan(corrected?.replacesSeq ?? Infinity);
    const unscheduled = report.lines.filter((line) => line.code === 'unscheduled');
    expect(unscheduled).toEqual([
      expect.objectContaining({
        scheduleItemId: null,
        title: 'Thông báo khẩn của xã (phát ngoài lịch)',
        airedSeconds: 30,
      }),
    ]);

    const counts = Object.fromEntries(report.totals.map((total) => [total.code, total.count]));
    expect(counts).toEqual({
      'on-time': 2,
      late: 1,
      early: 1,
      short: 1,
      missed: 2,
      cancelled: 1,
      unscheduled: 1,
      pending: 1,
    });
    expect(report.lineCount).toBe(10);
    expect(report.totals.find((total) => total.code === 'short')).toMatchObject({
      plannedSeconds: 60,
      airedSeconds: 40,
    });
  });

  it("counts the clusters' record as the commune's, and a silent cluster's item as missed", async () => {
    const report = (await get(url(HAM_RONG), otherOperator).expect(200)).body as Report;
    expect(lineOf(report, 'devicesAired')).toMatchObject({
      code: 'on-time',
      offsetSeconds: 0.9,
      devicesTargeted: 2,
      devicesAired: 2,
    });
    expect(lineOf(report, 'devicesSilent')).toMatchObject({
      code: 'missed',
      causeCode: 'devices-offline',
      devicesTargeted: 2,
      devicesAired: 0,
    });
  });

  it("reads an item a cluster aired as pending, not missed, until the scheduler's tick writes its record", async () => {
    // The scheduler's tick is this test's to run: stopped, so that it comes when the test says.
    const ticks = app.app.get(PlayoutTicks);
    ticks.onModuleDestroy();
    try {
      const bulletin = await insertBulletin(app, {
        communeCode: null,
        provinceCode: THANH_HOA,
        title: 'Khẩn cấp: cảnh báo lũ quét',
        topics: [],
        priority: 'emergency',
      });
      const emergency = await insertScheduleItem(app, {
        communeCode: HAM_RONG,
        bulletinId: bulletin.id,
        startsAt: local('11:45:00'),
        durationMs: ITEM_MS,
        source: 'emergency',
        status: 'dispatched',
      });
      items.emergency = emergency;
      // Within the receipts' grace (to 11:56): one cluster aired it whole, the other is silent.
      clock.set(local('11:50:00').toISOString());
      await one
        .upload([one.played(airedPlay(emergency.id, iso('11:45:00', 700), ITEM_MS))])
        .expect(200);
      // The grace is over; the scheduler's next tick has not come yet.
      clock.set(local('12:00:00').toISOString());
      const lineNow = async () =>
        (await get(url(HAM_RONG), otherOperator).expect(200)).body as Report;
      expect(lineOf(await lineNow(), 'emergency')).toMatchObject({
        code: 'pending',
        causeCode: null,
        recordSeq: null,
      });
      const csvRow = async () =>
        (await get(url(HAM_RONG, '&format=csv'), monitor).expect(200)).text
          .split('\r\n')
          .find((row) => row.includes('Khẩn cấp: cảnh báo lũ quét'));
      expect(await csvRow()).toMatch(/^pending,Chờ kết quả,/);
      const bxf = async () => (await get(url(HAM_RONG, '&format=bxf'), monitor).expect(200)).text;
      // An as-run event only for what is due: no "Not Aired" for what aired.
      expect(await bxf()).not.toContain(`urn:uuid:${emergency.id}`);

      // The tick writes its record from the receipts: the line is the cluster's play.
      expect(await app.app.get(ReceiptGrace).settle()).toBe(1);
      expect(lineOf(await lineNow(), 'emergency')).toMatchObject({
        code: 'on-time',
        devicesTargeted: 2,
        devicesAired: 1,
      });
      expect(await csvRow()).toMatch(/^on-time,/);
      const event = (await bxf()).split('</AsRun>').find((part) => part.includes(emergency.id));
      expect(event).toContain('<Status>Aired Without Discrepancy</Status>');
    } finally {
      ticks.onApplicationBootstrap();
    }
  });

  it('pages the lines and filters them by code; the totals stay those of the range', async () => {
    const first = (await get(url(HAC_THANH, '&pageSize=4'), monitor).expect(200)).body as Report;
    const third = (await get(url(HAC_THANH, '&pageSize=4&page=3'), monitor).expect(200))
      .body as Report;
    expect(first.lines).toHaveLength(4);
    expect(third.lines).toHaveLength(2);
    expect(third.totals).toEqual(first.totals);
    const missed = (await get(url(HAC_THANH, '&code=missed'), monitor).expect(200)).body as Report;
    expect(missed.lineCount).toBe(2);
    expect(missed.lines.every((line) => line.code === 'missed')).toBe(true);
  });

  it('exports CSV and XLSX with Vietnamese headers and the codes as text', async () => {
    const csv = await get(url(HAC_THANH, '&format=csv'), operator).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain(`doi-soat_${HAC_THANH}_${DAY}_${DAY}.csv`);
    const rows = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(rows[0].startsWith('Mã sai lệch,Sai lệch,Giờ phát theo lịch')).toBe(true);
    expect(rows).toHaveLength(11);
    expect(rows.filter((row) => row.startsWith('late,Phát muộn,'))).toHaveLength(1);
    // A record's outcome and source: the code, then the words the as-run log page uses.
    expect(rows[0]).toContain(',Mã kết quả,Kết quả nhật ký,Mã nguồn bản ghi,Nguồn bản ghi,');
    expect(rows.find((row) => row.startsWith('late,'))).toMatch(
      /,aired,Đã phát,(automation,Tự động|operator,Xác nhận thủ công|import,Nhập từ tệp),/,
    );

    // As a person reads it in a spreadsheet in Vietnamese: local times, seconds with a comma
    // (Python's csv module reads the cells; a header names each).
    const cells = JSON.parse(
      await runPython(
        `
import csv, io, json, sys
rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode("utf-8-sig"), newline="")))
print(json.dumps([dict(zip(rows[0], row)) for row in rows[1:]], ensure_ascii=False))
`,
        csv.text,
      ),
    ) as Record<string, string>[];
    expect(cells.find((row) => row['Mã sai lệch'] === 'late')).toMatchObject({
      'Giờ phát theo lịch': `${DAY} 06:05:00`,
      'Thời lượng theo lịch (giây)': '60,0',
      'Giờ phát thực tế': `${DAY} 06:05:12`,
      'Thời lượng đã phát (giây)': '60,0',
      'Muộn (giây)': '12,5',
      'Lệch giờ bắt đầu (giây)': '12,5',
    });
    expect(cells.find((row) => row['Mã sai lệch'] === 'early')).toMatchObject({
      'Lệch giờ bắt đầu (giây)': '-5,0',
      'Muộn (giây)': '',
    });
    expect(cells.find((row) => row['Mã sai lệch'] === 'unscheduled')).toMatchObject({
      'Giờ phát theo lịch': '',
      'Giờ phát thực tế': `${DAY} 07:00:00`,
      'Thời lượng đã phát (giây)': '30,0',
    });
    expect(csv.text).not.toMatch(/\d\.\d|T\d\d:\d\d|\+07:00/);

    const xlsx = await get(url(HAC_THANH, '&format=xlsx'), monitor)
      .buffer(true)
      .parse(binary)
      .expect(200);
    // openpyxl: times are dates, seconds numbers, as the CSV writes them.
    const late = JSON.parse(
      await runPython(
        `
import base64, io, json, sys, openpyxl
sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sys.stdin.read())))["Đối soát"]
rows = list(sheet.iter_rows())
header = [cell.value for cell in rows[0]]
row = next(row for row in rows[1:] if row[0].value == "late")
print(json.dumps({name: [cell.value, cell.data_type, cell.is_date, cell.number_format]
                  for name, cell in zip(header, row)}, default=str, ensure_ascii=False))
`,
        (xlsx.body as Buffer).toString('base64'),
      ),
    ) as Record<string, [unknown, string, boolean, string]>;
    expect(late['Giờ phát theo lịch']).toEqual([
      `${DAY} 06:05:00`,
      'd',
      true,
      'yyyy-mm-dd hh:mm:ss',
    ]);
    expect(late['Muộn (giây)']).toEqual([12.5, 'n', false, '0.0##']);
    expect(late['Thời lượng theo lịch (giây)']).toEqual([60, 'n', false, '0.0##']);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['Đối soát', 'Tổng hợp']);
    const lines = book.getWorksheet('Đối soát') as ExcelJS.Worksheet;
    expect(lines.getCell('A1').value).toBe('Mã sai lệch');
    expect(lines.rowCount).toBe(11);
    const totals = book.getWorksheet('Tổng hợp') as ExcelJS.Worksheet;
    const missedRow = totals.getRows(2, 8)?.find((row) => row.getCell(1).value === 'missed');
    expect(missedRow?.getCell(2).value).toBe('Không phát');
    expect(missedRow?.getCell(3).value).toBe(2);
  });

  it('exports an SMPTE BXF as-run message: one event per due item, its schedule id echoed back', async () => {
    const response = await get(url(HAC_THANH, '&format=bxf'), monitor).expect(200);
    expect(response.headers['content-type']).toContain('application/xml');
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      isArray: (name) => name === 'AsRun',
    }).parse(response.text) as {
      BxfMessage: {
        '@_messageType': string;
        BxfData: {
          Schedule: {
            Channel: { '@_shortName': string };
            AsRun: {
              BasicAsRun: {
                AsRunEventId: { EventId: string };
                Content: { Name: string };
                AsRunDetail: {
                  Status: string;
                  StartDateTime: {
                    SmpteDateTime: { '@_broadcastDate': string; SmpteTimeCode: string };
                  };
                  Duration: { SmpteDuration: { SmpteTimeCode: string } };
                };
                'lx:Discrepancy': { '@_code': string };
              };
            }[];
          };
        };
      };
    };
    const schedule = parsed.BxfMessage.BxfData.Schedule;
    expect(schedule.Channel['@_shortName']).toBe(HAC_THANH);
    const events = new Map(
      schedule.AsRun.map((event) => [event.BasicAsRun.AsRunEventId.EventId, event.BasicAsRun]),
    );
    // Every line but the pending item: 8 items and the unscheduled play.
    expect(schedule.AsRun).toHaveLength(9);
    for (const name of [
      'onTime',
      'late',
      'early',
      'short',
      'failed',
      'corrected',
      'notPlayed',
      'cancelled',
    ]) {
      expect(events.has(`urn:uuid:${items[name].id}`)).toBe(true);
    }
    expect(events.has(`urn:uuid:${items.pending.id}`)).toBe(false);
    const onTime = events.get(`urn:uuid:${items.onTime.id}`);
    expect(onTime?.AsRunDetail.Status).toBe('Aired Without Discrepancy');
    expect(onTime?.AsRunDetail.StartDateTime.SmpteDateTime).toMatchObject({
      '@_broadcastDate': DAY,
      SmpteTimeCode: '06:00:01:05',
    });
    expect(onTime?.AsRunDetail.Duration.SmpteDuration.SmpteTimeCode).toBe('00:01:00:00');
    expect(onTime?.Content.Name).toBe('Bản tin Chính quyền số');
    const late = events.get(`urn:uuid:${items.late.id}`);
    expect(late?.AsRunDetail.Status).toBe('Aired With Discrepancy');
    expect(late?.['lx:Discrepancy']['@_code']).toBe('late');
    expect(events.get(`urn:uuid:${items.failed.id}`)?.AsRunDetail.Status).toBe('Not Aired');
  });

  it('lets in the commune, its province and admins only, and refuses bad queries', async () => {
    await get(url(HAC_THANH), otherOperator).expect(403);
    await get(url(HAC_THANH), foreignMonitor).expect(403);
    await get(url(HAC_THANH), admin).expect(200);
    for (const query of [
      `/reports/communes/${HAC_THANH}/reconciliation?from=${DAY}`,
      `/reports/communes/${HAC_THANH}/reconciliation?from=2025-10-07&to=${DAY}`,
      url(HAC_THANH, '&code=lost'),
      url(HAC_THANH, '&pageSize=501'),
      url(HAC_THANH, '&format=pdf'),
    ]) {
      const response = await get(query, operator).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
  it('shows the page: totals, the paged table filtered by code, and the exports (Chromium)', async () => {
    buildWebApp();
    const baseUrl = await listen(app);
    const browser: Browser = await launchBrowser();
    try {
      const page = await browser.newTab('monitor');
      await signIn(page, baseUrl, 'giam-sat-thanh-hoa', 'giam-sat-thanh-hoa-password');
      await page.goto(`${baseUrl}/#/doi-soat?commune=${HAC_THANH}&from=${DAY}&to=${DAY}`);
      await page.getByRole('heading', { name: 'Đối soát kế hoạch – thực tế' }).waitFor();
      await page.getByTestId('reconciliation-line').first().waitFor();
      expect(await page.getByTestId('reconciliation-line').count()).toBe(10);
      const missedTotal = page.locator('[data-testid="reconciliation-total"][data-code="missed"]');
      expect(await missedTotal.locator('td').nth(1).textContent()).toBe('2');
      for (const label of ['Tải CSV', 'Tải Excel', 'Tải nhật ký phát thanh BXF (XML)']) {
        expect(await page.getByRole('button', { name: label }).isVisible()).toBe(true);
      }
      await screenshot(page, 'reconciliation', true);

      await missedTotal.getByRole('link').click();
      await page.getByText('Đang lọc: Không phát (2 mục).').waitFor();
      const lines = page.getByTestId('reconciliation-line');
      const codes: (string | null)[] = [];
      for (let index = 0; index < (await lines.count()); index += 1) {
        codes.push(await lines.nth(index).getAttribute('data-code'));
      }
      expect(codes).toEqual(['missed', 'missed']);
      expect(await page.getByText('Lỗi khi phát').count()).toBe(1);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Tải nhật ký phát thanh BXF (XML)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`as-run-bxf_${HAC_THANH}_${DAY}_${DAY}.xml`);

      // The commune's operator, on a phone: their own commune, no sideways scrolling. The
      // sample-data status answers late, as on a slow link, and the page is opened as soon as
      // the menu shows: it renders once, not again when the app's start-up catches up.
      const phone = await browser.newTab('phone');
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.route('**/api/v1/demo', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue();
      });
      const demoAnswered = phone.waitForResponse((response) =>
        response.url().endsWith('/api/v1/demo'),
      );
      const reportReads: string[] = [];
      phone.on('request', (sent) => {
        if (sent.url().includes('/reconciliation?')) reportReads.push(sent.url());
      });
      await signIn(phone, baseUrl, 'van-hanh-hac-thanh', 'van-hanh-hac-thanh-password');
      await phone.goto(`${baseUrl}/#/doi-soat?from=${DAY}&to=${DAY}`);
      await demoAnswered;
      await phone.getByTestId('reconciliation-line').first().waitFor();
      expect(await phone.getByTestId('reconciliation-line').count()).toBe(10);
      expect(reportReads).toHaveLength(1);
      expect(await elementsPastRightEdge(phone)).toEqual([]);
      expect(await horizontalOverflow(phone)).toBe(0);
      await screenshot(phone, 'reconciliation-phone');
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
