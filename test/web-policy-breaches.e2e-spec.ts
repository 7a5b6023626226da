import { ManualClock } from '../src/common/manual-clock';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { eventually } from './support/eventually';
import { createApproved, createWindow } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const COMMUNE = '14797';
const OPERATOR = { username: 'vanhanh.vipham', password: 'vanhanh-password' };
const MONITOR = { username: 'giamsat.vipham', password: 'giamsat-password' };
// Far ahead: the browser's own clock decides whether an item can still be moved.
const DAY = '2030-03-07';
const ITEM_BREACH = `Mục phát 05:30–05:30:40 ngày 07/03/2030 rơi vào giờ yên tĩnh 21:30–06:00`;
const WINDOW_BREACH = 'Khung giờ Sáng (05:30–06:00) rơi vào giờ yên tĩnh 21:30–06:00';

jest.setTimeout(120_000);

/** After the approver tightens the quiet hours, the operator sees what the player will refuse. */
describe('web app: items and windows that break the policy in force (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let monitor: string;
  const clock = new ManualClock('2030-03-06T08:00:00+07:00');

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    baseUrl = await listen(app);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const operator = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'operator',
      communeCode: COMMUNE,
    });
    monitor = await createUserAndLogin(app, admin, {
      ...MONITOR,
      role: 'monitor',
      provinceCode: '38',
    });
    const approver = await createUserAndLogin(app, admin, {
      username: 'lanhdao.vipham',
      role: 'approver',
      communeCode: COMMUNE,
    });
    for (const [name, startTime] of [
      ['Sáng', '05:30'],
      ['Chiều', '17:00'],
    ]) {
      await createWindow(app, operator, COMMUNE, { name, startTime, durationMinutes: 30 });
    }
    const bulletin = await createApproved(app, operator, approver, COMMUNE, {
      title: 'Thông báo tiêm chủng',
      topics: ['xa-hoi-so'],
      durationMs: 40000,
    });
    for (const time of ['05:30', '17:20']) {
      await app
        .http()
        .post(`/api/v1/communes/${COMMUNE}/schedule`)
        .set(bearer(operator))
        .send({ bulletinId: bulletin, startsAt: `${DAY}T${time}:00+07:00` })
        .expect(201);
    }
    await app
      .http()
      .put(`/api/v1/communes/${COMMUNE}/policy`)
      .set(bearer(approver))
      .send({ quietHours: { from: '21:30', to: '06:00' } })
      .expect(200);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  it('marks the item on the week calendar and says in its dialog why and what to do', async () => {
    const page = await browser.newTab('lich-vi-pham');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/lich?view=week&date=${DAY}&layout=calendar`);
    await page.getByTestId('week-calendar').waitFor();
    const flagged = page.locator('[data-testid="week-block"][data-policy-breach="true"]');
    await expect(flagged.count()).resolves.toBe(1);
    await expect(page.getByTestId('week-block').count()).resolves.toBe(2);
    await expect(flagged.getAttribute('aria-label')).resolves.toContain(
      'vi phạm quy định phát sóng',
    );
    await expect(flagged.textContent()).resolves.toContain('⚠');
    await screenshot(page, 'lich-vi-pham');

    await flagged.click();
    const dialog = page.getByRole('dialog');
    const note = dialog.getByTestId('policy-breach');
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain(ITEM_BREACH);
    await expect(note.textContent()).resolves.toContain('dời giờ');
    await expect(dialog.getByRole('button', { name: 'Dời giờ' }).count()).resolves.toBe(1);
    await expect(dialog.getByRole('button', { name: 'Huỷ mục này' }).count()).resolves.toBe(1);
    await screenshot(page, 'lich-vi-pham-chi-tiet');
    await dialog.getByTestId('item-detail').getByRole('button', { name: 'Đóng' }).click();
    expect(browser.problems).toEqual([]);
  });

  it('marks the item in the day list, and the window on Khung giờ phát', async () => {
    const page = await browser.newTab('lich-ngay-vi-pham');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/lich?view=day&date=${DAY}`);
    const rows = page.getByTestId('schedule-item');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(2);
    const flagged = page.locator('[data-testid="schedule-item"][data-policy-breach="true"]');
    await expect(flagged.count()).resolves.toBe(1);
    await expect(flagged.getByTestId('policy-breach').textContent()).resolves.toContain(
      ITEM_BREACH,
    );
    await expect(flagged.getByRole('button', { name: /^Dời giờ/ }).count()).resolves.toBe(1);
    await screenshot(page, 'lich-ngay-vi-pham');

    await page.goto(`${baseUrl}/#/khung-gio`);
    await page.getByTestId('windows-breach-summary').waitFor();
    const windows = page.locator('[data-testid="window-row"][data-policy-breach="true"]');
    await expect(windows.count()).resolves.toBe(1);
    await expect(windows.getByTestId('policy-breach').textContent()).resolves.toContain(
      WINDOW_BREACH,
    );
    await screenshot(page, 'khung-gio-vi-pham');
    expect(browser.problems).toEqual([]);
  });

  it("says the policy's own reason when it refuses a new item, with the next time it allows", async () => {
    const page = await browser.newTab('them-vi-pham');
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/lich?view=day&date=${DAY}`);
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const dialog = page.getByRole('dialog');
    const time = dialog.getByLabel('Giờ bắt đầu');
    // The dialog proposes the first time the policy allows: Sáng is quiet now, Chiều is not.
    await eventually(
      () => time.inputValue(),
      (value) => value === '17:00:00',
    );
    await dialog.getByLabel('Ngày phát').fill('2030-03-08');
    await time.fill('05:45:00');
    await dialog.getByRole('button', { name: 'Thêm vào lịch' }).click();
    await dialog
      .getByText(
        'Mục phát 05:45–05:45:40 ngày 08/03/2030 rơi vào giờ yên tĩnh 21:30–06:00. ' +
          'Giờ gần nhất được phép phát: 08/03 17:00.',
        { exact: true },
      )
      .waitFor();
    await screenshot(page, 'them-vi-pham-quy-dinh');
    await dialog.getByTestId('take-free-time').getByText('Thêm vào lúc 17:00').click();
    await page.getByText('Đã thêm bản tin vào lịch phát sóng.').waitFor();
    const log = (
      await app
        .http()
        .get(`/api/v1/communes/${COMMUNE}/schedule?from=2030-03-08&to=2030-03-08`)
        .set(bearer(monitor))
        .expect(200)
    ).body as { startsAt: string }[];
    expect(log.map((item) => item.startsAt)).toEqual(['2030-03-08T17:00:00.000+07:00']);
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 409'));
    expect(refused).toHaveLength(1);
    expect(browser.problems).toEqual(refused);
    browser.problems.length = 0;
    await page.close();
  });

  it("counts a commune's refused items on its line of the province's plan", async () => {
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(monitor))
      .send({
        code: 'vi-pham-2030',
        name: 'Tuyên truyền tháng 3/2030',
        startsOn: '2030-03-01',
        endsOn: '2030-03-31',
        rules: [{ topic: 'xa-hoi-so', minPlaysPerWeek: 1 }],
      })
      .expect(201);
    const page = await browser.newTab('ke-hoach-tinh-vi-pham');
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
    await page.goto(`${baseUrl}/#/ke-hoach-tinh`);
    await page.getByRole('heading', { level: 1, name: 'Lập kế hoạch cho các xã' }).waitFor();
    await page.getByLabel('Chiến dịch', { exact: true }).selectOption('vi-pham-2030');
    await page.getByLabel('Từ ngày').fill(DAY);
    await page.getByLabel('Đến ngày').fill(DAY);
    await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
    const summary = page.getByTestId('province-plan-refused');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toBe(
      '⚠ 1 mục phát của 1 xã vi phạm quy định phát sóng nên loa sẽ không phát và không được ' +
        'tính vào chỉ tiêu. Người vận hành của xã cần dời giờ hoặc huỷ các mục này: xem cột “Chỉ tiêu”.',
    );
    // Its line comes first, though it meets its targets: its items need moving.
    const row = page.getByTestId('province-plan-row').first();
    await expect(row.getAttribute('data-commune')).resolves.toBe(COMMUNE);
    await expect(row.textContent()).resolves.toContain('Đạt');
    const mark = row.getByTestId('province-plan-refused-items');
    await expect(mark.textContent()).resolves.toBe('⚠ 1 mục cần dời');
    await expect(page.getByTestId('province-plan-refused-items').count()).resolves.toBe(1);
    await screenshot(page, 'ke-hoach-tinh-vi-pham');
    // The mark opens the commune's program log, where the item is flagged.
    await mark.click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(page.url()).toContain(`/bao-cao/xa/${COMMUNE}`);
    expect(browser.problems).toEqual([]);
    await page.close();
  });
});
