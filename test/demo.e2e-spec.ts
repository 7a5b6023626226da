import { DomainError } from '../src/common/domain-error';
import { addDays, localDateOf } from '../src/common/local-time';
import { DEMO_BULLETINS } from '../src/demo/demo-content';
import { DemoRemover } from '../src/demo/demo-remover';
import { DemoSeeder } from '../src/demo/demo-seeder';
import { ManualClock } from '../src/common/manual-clock';
import {
  Browser,
  buildWebApp,
  launchBrowser,
  listen,
  midweekMorning,
  screenshot,
  signIn,
} from './support/browser';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

// Synthesizing and processing nine bulletins takes tens of seconds.
jest.setTimeout(300_000);

const HAC_THANH = '14797';
const HAM_RONG = '14758';
const MUONG_LAT = '14845';

interface Row {
  communeCode: string;
  topic: string;
  met: boolean;
  airedSeconds: number;
  plays: number;
}

describe('npm run demo (e2e)', () => {
  const clock = new ManualClock(midweekMorning());
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let seeder: DemoSeeder;
  let remover: DemoRemover;

  beforeAll(async () => {
    storage = await createTestStorage();
    // Mid-week on a clock of the test's own: the program log's week holds the demo's coming
    // items at whatever hour the test runs (on a Sunday evening they are all in the next week).
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    seeder = app.app.get(DemoSeeder);
    remover = app.app.get(DemoRemover);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  async function compliance(): Promise<Row[]> {
    const response = await app
      .http()
      .get('/api/v1/reports/compliance?campaign=cds-2025&province=38')
      .set(bearer(admin))
      .expect(200);
    return (response.body as { rows: Row[] }).rows;
  }

  async function demoStatus(token = admin) {
    const response = await app.http().get('/api/v1/demo').set(bearer(token)).expect(200);
    return response.body as {
      present: boolean;
      communes: { code: string; name: string }[];
      bulletinIds: string[];
      counts: Record<string, number>;
    };
  }

  it('removes what it made when a step fails, leaving nothing behind', async () => {
    // A real window where the demo wants its midday window: the second window cannot be made.
    const window = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/windows`)
      .set(bearer(admin))
      .send({
        name: 'Trưa (thật)',
        daysOfWeek: [1, 2, 3, 4, 5],
        startTime: '11:10',
        durationMinutes: 20,
      })
      .expect(201);
    await expect(seeder.seed()).rejects.toMatchObject({ code: 'WINDOW_OVERLAP' });
    expect((await demoStatus()).present).toBe(false);
    const windows = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/windows`)
      .set(bearer(admin))
      .expect(200);
    expect(windows.body).toEqual([expect.objectContaining({ name: 'Trưa (thật)' })]);
    await app
      .http()
      .delete(`/api/v1/communes/${HAC_THANH}/windows/${(window.body as { id: string }).id}`)
      .set(bearer(admin))
      .expect(200);
  });

  it('fills Phường Hạc Thành: windows, approved bulletins from the letter, a planned week, the campaign history', async () => {
    const summary = await seeder.seed();
    expect(summary).toMatchObject({
      communes: [HAC_THANH, HAM_RONG, MUONG_LAT],
      windows: 3,
      bulletins: DEMO_BULLETINS.length,
    });
    expect(summary.scheduleItems).toBeGreaterThan(30);
    // The coming week stands for a planned one: its items say "Theo kế hoạch", not "Xếp tay".
    const today = localDateOf(clock.now());
    const week = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule?from=${today}&to=${addDays(today, 6)}`)
      .set(bearer(admin))
      .expect(200);
    const sources = (week.body as { source: string }[]).map((item) => item.source);
    expect(sources).toHaveLength(summary.scheduleItems);
    expect(new Set(sources)).toEqual(new Set(['planner']));
    expect(summary.playoutRecords).toBeGreaterThan(1000);

    const status = await demoStatus();
    expect(status).toMatchObject({ present: true, counts: { windows: 3, bulletins: 9 } });
    expect(status.communes.map((commune) => commune.name)).toEqual([
      'Phường Hàm Rồng',
      'Phường Hạc Thành',
      'Xã Mường Lát',
    ]);

    const bulletins = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/bulletins?status=approved`)
      .set(bearer(admin))
      .expect(200);
    const list = bulletins.body as {
      id: string;
      body: string;
      audioStatus: string;
      topics: string[];
    }[];
    expect(list).toHaveLength(9);
    expect(list.every((bulletin) => bulletin.audioStatus === 'ready')).toBe(true);
    expect(new Set(status.bulletinIds)).toEqual(new Set(list.map((bulletin) => bulletin.id)));
    // Every required topic has bulletins, read from the letter's own sentences.
    for (const topic of ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap']) {
      expect(
        list.filter((bulletin) => bulletin.topics.includes(topic)).length,
      ).toBeGreaterThanOrEqual(2);
    }
    expect(list.map((bulletin) => bulletin.body)).toContain(
      'Tuyên truyền các mô hình, bài học, cách làm hay, sáng tạo trong chuyển đổi số gắn với phân cấp, phân quyền và triển khai mô hình chính quyền 02 cấp.',
    );

    // The as-run history drives the province report: Hạc Thành short on one topic only,
    // Hàm Rồng ahead on all, Mường Lát behind on all.
    const rows = await compliance();
    const of = (commune: string) => rows.filter((row) => row.communeCode === commune);
    expect(
      of(HAC_THANH)
        .filter((row) => !row.met)
        .map((row) => row.topic),
    ).toEqual(['mo-hinh-2-cap']);
    expect(of(HAM_RONG).every((row) => row.met)).toBe(true);
    expect(of(MUONG_LAT).some((row) => row.met)).toBe(false);
    const uplift = await app
      .http()
      .get('/api/v1/reports/uplift?campaign=cds-2025&province=38')
      .set(bearer(admin))
      .expect(200);
    expect(
      (uplift.body as { totals: { changeSeconds: number } }).totals.changeSeconds,
    ).toBeGreaterThan(0);

    for (const commune of [HAC_THANH, HAM_RONG, MUONG_LAT]) {
      const verify = await app
        .http()
        .get(`/api/v1/communes/${commune}/playout-log/verify`)
        .set(bearer(admin))
        .expect(200);
      expect(verify.body).toMatchObject({ ok: true });
    }
    await expect(seeder.seed()).rejects.toBeInstanceOf(DomainError);
  });

  it('shows the sample data labelled in the web app', async () => {
    buildWebApp();
    const baseUrl = await listen(app);
    await createUserAndLogin(app, admin, {
      username: 'giamsat.demo',
      password: 'giamsat-password',
      role: 'monitor',
      provinceCode: '38',
    });
    await createUserAndLogin(app, admin, {
      username: 'vanhanh.demo',
      password: 'vanhanh-password',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    const browser: Browser = await launchBrowser({ fixedTime: clock.now() });
    try {
      const monitor = await browser.newTab('monitor');
      await signIn(monitor, baseUrl, 'giamsat.demo', 'giamsat-password');
      await monitor.getByTestId('demo-banner').waitFor();
      await monitor.getByTestId('compliance-grid').waitFor();
      await monitor.getByTestId('airtime-chart').locator('svg').waitFor();
      await monitor.getByTestId('uplift').waitFor();
      await screenshot(monitor, '20-mau-bao-cao-tuan-thu');
      await monitor.getByRole('heading', { name: /^Xã × chủ đề/ }).scrollIntoViewIfNeeded();
      await screenshot(monitor, '20b-mau-luoi-xa-chu-de');
      // Ticking the box shows only those at once.
      await monitor.getByLabel('Chỉ xã chưa đạt').check();
      // Only Phường Hàm Rồng meets every target.
      await monitor.getByText('Xã × chủ đề (165/166 xã)').waitFor();
      await screenshot(monitor, '21-mau-xa-chua-dat');
      await monitor
        .getByTestId('compliance-grid')
        .getByRole('link', { name: 'Phường Hạc Thành' })
        .click();
      await monitor.getByRole('heading', { level: 1, name: 'Phường Hạc Thành' }).waitFor();
      await screenshot(monitor, '22-mau-xa-chi-tiet');

      const operator = await browser.newTab('operator');
      await signIn(operator, baseUrl, 'vanhanh.demo', 'vanhanh-password');
      await operator.getByTestId('demo-banner').waitFor();
      expect(await operator.getByTestId('demo-banner').textContent()).toContain(
        'npm run demo:remove',
      );
      // The operator lands on the week's progress; the program log's week opens as a calendar,
      // where a sample item says so on its block and in its details.
      await operator.getByRole('heading', { level: 1, name: 'Tiến độ tuần này' }).waitFor();
      await operator
        .getByRole('navigation', { name: 'Chức năng' })
        .getByRole('link', { name: 'Lịch phát sóng', exact: true })
        .click();
      const block = operator.getByTestId('week-block').first();
      await block.waitFor();
      expect(await block.getAttribute('aria-label')).toContain('dữ liệu mẫu');
      await screenshot(operator, '23-mau-lich-phat-song');
      // Opened from the keyboard, as well as by a click.
      await block.press('Enter');
      await operator.getByTestId('item-detail').getByText('Mẫu').waitFor();
      await operator.getByTestId('item-detail').getByRole('button', { name: 'Đóng' }).click();
      await operator
        .getByRole('navigation', { name: 'Chức năng' })
        .getByRole('link', { name: 'Bản tin', exact: true })
        .click();
      await operator.getByTestId('bulletin-row').first().getByText('Mẫu').waitFor();
      await screenshot(operator, '24-mau-ban-tin');
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('is removed with one command, its files too; real records keep the demo ones they follow', async () => {
    const before = await demoStatus();
    const audioIds = (
      (
        await app
          .http()
          .get(`/api/v1/communes/${HAC_THANH}/bulletins`)
          .set(bearer(admin))
          .expect(200)
      ).body as { audioId: string }[]
    ).map((bulletin) => bulletin.audioId);
    // A real record in Hàm Rồng after the demo history: that chain cannot lose its start.
    const operator = await createUserAndLogin(app, admin, {
      username: 'vanhanh.hamrong',
      role: 'operator',
      communeCode: HAM_RONG,
    });
    await app
      .http()
      .post(`/api/v1/communes/${HAM_RONG}/playout-log`)
      .set(bearer(operator))
      .send({
        outcome: 'aired',
        title: 'Bản tin thật',
        topics: ['kinh-te-so'],
        startedAt: '2025-11-03T05:30:00+07:00',
        endedAt: '2025-11-03T05:31:00+07:00',
      })
      .expect(201);

    // A checkpoint signed over Hạc Thành's demo chain goes with that chain.
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/playout-log/checkpoints`)
      .set(bearer(admin))
      .expect(201);

    const summary = await remover.remove(await seeder.admin());
    expect(summary).toMatchObject({
      windows: 3,
      bulletins: 9,
      audio: 9,
      scheduleItems: before.counts.scheduleItems,
      keptLogs: [HAM_RONG],
    });
    const after = await demoStatus();
    expect(after.counts).toMatchObject({ windows: 0, bulletins: 0, scheduleItems: 0 });
    // Hàm Rồng's demo records stay under its real one, and are still labelled as demo.
    expect(after.communes).toEqual([{ code: HAM_RONG, name: 'Phường Hàm Rồng' }]);
    for (const id of audioIds) {
      await app.http().get(`/api/v1/audio/${id}`).set(bearer(admin)).expect(404);
    }
    const log = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(admin))
      .expect(200);
    expect(log.body).toEqual([]);
    await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log/checkpoints`)
      .set(bearer(admin))
      .expect(200, []);
    const rows = await compliance();
    expect(rows.filter((row) => row.communeCode === HAC_THANH && row.plays > 0)).toEqual([]);
    expect(rows.filter((row) => row.communeCode === MUONG_LAT && row.plays > 0)).toEqual([]);
    expect(rows.filter((row) => row.communeCode === HAM_RONG && row.plays > 0).length).toBe(4);
    for (const commune of [HAC_THANH, HAM_RONG]) {
      const verify = await app
        .http()
        .get(`/api/v1/communes/${commune}/playout-log/verify`)
        .set(bearer(admin))
        .expect(200);
      expect(verify.body).toMatchObject({ ok: true });
    }
    // A new chain in Hạc Thành starts at 1.
    const fresh = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(admin))
      .send({
        outcome: 'aired',
        title: 'Bản tin sau khi xoá mẫu',
        topics: ['xa-hoi-so'],
        startedAt: '2025-11-04T05:30:00+07:00',
        endedAt: '2025-11-04T05:31:00+07:00',
      })
      .expect(201);
    expect(fresh.body).toMatchObject({ seq: 1 });
  });
});
