import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, localDateOf } from '../src/common/local-time';
import { ManualClock } from '../src/common/manual-clock';
import { formatDate, mondayOf } from '../web/src/format';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
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

const COMMUNE = '14797'; // Phường Hạc Thành, Thanh Hóa
const OPERATOR = { username: 'vanhanh.planner', password: 'vanhanh-password' };
const MONITOR = { username: 'giamsat.planner', password: 'giamsat-password' };

jest.setTimeout(120_000);

/**
 * Issue 16, item 1 and item 12: a fresh install on any date (only the seeded cds-2025, long over)
 * must not dead-end the planner, and a refused upload says the file is not audio.
 */
describe('planner on any date, campaign status, refused uploads (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let admin: string;
  // The service's clock: the time of day, except where a test sets another.
  const clock = new ManualClock(new Date());
  const today = localDateOf(clock.now());

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    await createUserAndLogin(app, admin, { ...OPERATOR, role: 'operator', communeCode: COMMUNE });
    await createUserAndLogin(app, admin, { ...MONITOR, role: 'monitor', provinceCode: '38' });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  async function openPlanner(page: Page): Promise<void> {
    await page.goto(`${baseUrl}/#/ke-hoach`);
    await page.getByRole('heading', { level: 1, name: 'Lập kế hoạch chiến dịch' }).waitFor();
  }

  it('says plainly that no campaign runs, and why a preview is refused, instead of “không hợp lệ”', async () => {
    const campaigns = await app.http().get('/api/v1/campaigns').set(bearer(admin)).expect(200);
    expect(campaigns.body).toEqual([
      expect.objectContaining({ code: 'cds-2025', endsOn: '2025-10-31', status: 'ended' }),
    ]);

    const page = await browser.newTab('operator');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.getByRole('heading', { level: 1, name: 'Tiến độ tuần này' }).waitFor();
    await openPlanner(page);
    const notice = page.getByTestId('no-campaign');
    await expect(notice.textContent()).resolves.toContain(
      'Hôm nay không có chiến dịch nào đang diễn ra nên chưa lập kế hoạch được. Chiến dịch gần nhất, “',
    );
    await expect(notice.textContent()).resolves.toContain('đã kết thúc ngày 31/10/2025');
    await expect(notice.textContent()).resolves.toContain(
      'giám sát viên của tỉnh tạo chiến dịch mới',
    );
    await expect(
      page.getByLabel('Chiến dịch', { exact: true }).locator('option').first().textContent(),
    ).resolves.toContain('· Đã kết thúc');

    await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
    await page.getByText(/đã kết thúc ngày 31\/10\/2025, nên không lập kế hoạch/).waitFor();
    await expect(page.getByText('Khoảng ngày lập kế hoạch không hợp lệ').count()).resolves.toBe(0);
    await screenshot(page, 'ke-hoach-khong-co-chien-dich');
    await page.close();
  });

  it('marks campaigns running, upcoming or ended, and preselects the running one', async () => {
    for (const [code, startsOn, endsOn] of [
      ['e2e-dang-chay', addDays(today, -3), addDays(today, 25)],
      ['e2e-sap-toi', addDays(today, 40), addDays(today, 60)],
    ]) {
      await app
        .http()
        .post('/api/v1/campaigns')
        .set(bearer(admin))
        .send({
          code,
          name: `Chiến dịch ${code}`,
          startsOn,
          endsOn,
          rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 600 }],
        })
        .expect(201);
    }
    const one = await app
      .http()
      .get('/api/v1/campaigns/e2e-sap-toi')
      .set(bearer(admin))
      .expect(200);
    expect(one.body).toMatchObject({ status: 'upcoming' });

    const monitor = await browser.newTab('monitor');
    await signIn(monitor, baseUrl, MONITOR.username, MONITOR.password);
    await monitor.getByRole('heading', { level: 1 }).first().waitFor();
    await monitor.goto(`${baseUrl}/#/chien-dich`);
    await monitor.getByRole('heading', { level: 1, name: 'Chiến dịch tuyên truyền' }).waitFor();
    await expect(monitor.getByTestId('campaign-status').allTextContents()).resolves.toEqual([
      'Đang diễn ra',
      'Sắp diễn ra',
      'Đã kết thúc',
    ]);
    await screenshot(monitor, 'chien-dich-trang-thai');
    await monitor.close();

    const page = await browser.newTab('operator-2');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.getByRole('heading', { level: 1, name: 'Tiến độ tuần này' }).waitFor();
    await openPlanner(page);
    await expect(page.getByLabel('Chiến dịch', { exact: true }).inputValue()).resolves.toBe(
      'e2e-dang-chay',
    );
    await expect(page.getByTestId('no-campaign').count()).resolves.toBe(0);

    // Days after the running campaign's end: it ends then, it has not "ended", and the
    // operator is told which days to choose.
    const endsOn = addDays(today, 25);
    await page.goto(
      `${baseUrl}/#/ke-hoach?campaign=e2e-dang-chay&from=${addDays(today, 30)}&to=${addDays(today, 36)}`,
    );
    await page.getByRole('heading', { level: 1, name: 'Lập kế hoạch chiến dịch' }).waitFor();
    await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
    await page
      .getByText(
        `Chiến dịch “Chiến dịch e2e-dang-chay” kết thúc ngày ${formatDate(endsOn)}; hãy chọn khoảng ngày đến hết ngày đó.`,
      )
      .waitFor();
    await expect(page.getByText(/đã kết thúc/).count()).resolves.toBe(0);
    await screenshot(page, 'ke-hoach-sau-ngay-ket-thuc');
    await page.close();
  });

  it('refuses a file that is not audio without first saying it was uploaded', async () => {
    const fake = join(storage.dir, 'ban-tin-gia.mp3');
    writeFileSync(fake, 'Đây không phải âm thanh, chỉ là chữ.\n'.repeat(200));
    const page = await browser.newTab('upload');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.getByRole('heading', { level: 1, name: 'Tiến độ tuần này' }).waitFor();
    await page.goto(`${baseUrl}/#/ban-tin/moi`);
    await page.getByRole('heading', { level: 1, name: 'Tạo bản tin' }).waitFor();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Chọn tệp: Tệp ghi âm' }).click(),
    ]);
    // Choosing the file uploads it.
    await chooser.setFiles(fake);
    await page
      .getByText('Tệp “ban-tin-gia.mp3” không phải tệp âm thanh, nên chưa được tải lên.')
      .waitFor();
    await expect(page.getByText('Đã tải lên.').count()).resolves.toBe(0);
    await expect(page.getByText('Định dạng tệp không được hỗ trợ').count()).resolves.toBe(0);
    await screenshot(page, 'tai-len-khong-phai-am-thanh');
    await page.close();
  });

  it('marks the topics the running campaign counts and warns when a bulletin would count for nothing', async () => {
    const page = await browser.newTab('topics');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.getByRole('heading', { level: 1, name: 'Tiến độ tuần này' }).waitFor();
    await page.goto(`${baseUrl}/#/ban-tin/moi`);
    await page.getByRole('heading', { level: 1, name: 'Tạo bản tin' }).waitFor();
    // e2e-dang-chay (running) counts only Kinh tế số; e2e-sap-toi has not begun.
    await expect(page.getByTestId('counted-topics').textContent()).resolves.toBe(
      '★ Chủ đề được tính vào chỉ tiêu của chiến dịch đang diễn ra (Chiến dịch e2e-dang-chay): Kinh tế số.',
    );
    const warning = page.getByTestId('uncounted-warning');
    await expect(warning.isHidden()).resolves.toBe(true);
    await page.getByLabel('Xã hội số', { exact: true }).check();
    await warning.waitFor({ state: 'visible' });
    await expect(warning.textContent()).resolves.toContain(
      'bản tin này sẽ không được tính vào chỉ tiêu',
    );
    await screenshot(page, 'chu-de-khong-duoc-tinh');
    await page.getByLabel('Kinh tế số', { exact: true }).check();
    await warning.waitFor({ state: 'hidden' });
    await page.close();
  });

  it('plans every commune of the province from the monitor’s page, a preview first', async () => {
    await createWindow(app, admin, COMMUNE, {
      name: 'Tối',
      startTime: '19:00',
      durationMinutes: 30,
    });
    await createApproved(app, admin, admin, COMMUNE, {
      title: 'Đưa nông sản Thanh Hóa lên sàn thương mại điện tử',
      topics: ['kinh-te-so'],
      durationMs: 90_000,
    });
    const from = addDays(today, 1);
    const to = addDays(today, 7);
    const page = await browser.newTab('province-plan');
    await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByRole('link', { name: 'Kế hoạch cho các xã' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lập kế hoạch cho các xã' }).waitFor();
    await expect(page.getByLabel('Chiến dịch', { exact: true }).inputValue()).resolves.toBe(
      'e2e-dang-chay',
    );
    await page.getByLabel('Từ ngày').fill(from);
    await page.getByLabel('Đến ngày').fill(to);
    await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
    const summary = page.getByTestId('province-plan-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toMatch(
      /lượt phát mới cho 1\/166 xã; \d+\/166 xã/,
    );
    // Why the others fall short, counted once for the province rather than said 165 times; a
    // missing topic is the library's to fill for every commune.
    const causes = page.getByTestId('province-plan-causes');
    await causes.waitFor();
    await expect(causes.textContent()).resolves.toMatch(
      /^Vì sao các xã chưa đạt165 xã thiếu bản tin đã duyệt, âm thanh sẵn sàng, cho một chủ đề/,
    );
    await causes
      .getByRole('link', { name: 'thêm bản tin vào thư viện tỉnh để mọi xã được xếp' })
      .waitFor();
    await expect(page.getByTestId('province-plan-row').count()).resolves.toBe(166);
    const hacThanh = page.locator(`[data-testid="province-plan-row"][data-commune="${COMMUNE}"]`);
    const planned = Number(await hacThanh.locator('td').nth(1).textContent());
    expect(planned).toBeGreaterThan(0);
    // A commune with neither windows nor bulletins: nothing planned, and why.
    const muongLat = page.locator('[data-testid="province-plan-row"][data-commune="14845"]');
    await expect(muongLat.textContent()).resolves.toContain('Chưa đạt');
    // One line a commune: its shortfalls open on a click.
    const reasons = muongLat.getByText(/Lý do: chưa có bản tin nào đã duyệt/).first();
    await expect(reasons.isVisible()).resolves.toBe(false);
    await muongLat.getByText(/^\d+ mục còn thiếu$/).click();
    await reasons.waitFor();
    const schedule = () =>
      app
        .http()
        .get(`/api/v1/communes/${COMMUNE}/schedule?from=${from}&to=${to}`)
        .set(bearer(admin))
        .expect(200);
    expect((await schedule()).body).toEqual([]);
    await screenshot(page, 'ke-hoach-cho-cac-xa');

    await page
      .getByRole('button', { name: `Áp dụng kế hoạch (${planned} lượt phát cho 1 xã)` })
      .click();
    await page.getByRole('button', { name: 'Áp dụng', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Kế hoạch đã áp dụng' }).waitFor();
    const items = (await schedule()).body as { status: string }[];
    expect(items).toHaveLength(planned);
    expect(items.every((item) => item.status === 'planned')).toBe(true);
    await page.close();
  });

  it('opens the plan on a Sunday evening at the coming week, and says the evening is over', async () => {
    // A Sunday at 20:00 in Việt Nam: the first after the plan applied above (to seven days from
    // today), so nothing is planned on it, and at most two weeks on, so that it and the week after
    // are inside e2e-dang-chay (to today + 25) whatever today's weekday. Its windows (Tối, 19:00)
    // are over.
    const sunday = addDays(mondayOf(addDays(today, 8)), 6);
    clock.set(`${sunday}T20:00:00+07:00`);
    const evening = await launchBrowser({ fixedTime: clock.now() });
    try {
      const page = await evening.newTab('operator-sunday');
      await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
      await page.getByRole('heading', { level: 1, name: 'Tiến độ tuần này' }).waitFor();
      await openPlanner(page);
      await expect(page.getByLabel('Từ ngày').inputValue()).resolves.toBe(formatDate(sunday));
      await expect(page.getByLabel('Đến ngày').inputValue()).resolves.toBe(
        formatDate(addDays(sunday, 7)),
      );
      await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
      await page.getByRole('heading', { name: 'Xem trước kế hoạch (chưa lưu)' }).waitFor();
      await page
        .getByText(`Từ ${formatDate(sunday)} đến ${formatDate(addDays(sunday, 7))}:`)
        .waitFor();
      // The week's kinh-te-so minutes could only go on that Sunday, whose windows are over: the
      // reason says so, and no window is offered more minutes (it was “đã kín”, “Mở thêm … Tối”).
      const shortfall = page.getByText(
        'Lý do: các khung giờ phát của những ngày này đã qua, không xếp lịch được nữa.',
      );
      await expect(shortfall.textContent()).resolves.toContain('Kinh tế số');
      await expect(page.getByRole('link', { name: /^Mở thêm/ }).count()).resolves.toBe(0);
      await screenshot(page, 'ke-hoach-toi-chu-nhat');
      expect(evening.problems).toEqual([]);
    } finally {
      await evening.close();
      clock.set(new Date());
    }
  });

  it('wrote no script errors to the console', () => {
    expect(browser.problems.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
  });
});
