import { addDays, localDateOf, localDateTime } from '../src/common/local-time';
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

const COMMUNE = '14797';
const OPERATOR = { username: 'vanhanh.quydinh', password: 'vanhanh-password' };
const APPROVER = { username: 'lanhdao.quydinh', password: 'lanhdao-password' };
const MONITOR = { username: 'giamsat.quydinh', password: 'giamsat-password' };

jest.setTimeout(120_000);

describe('web app: Quy định phát sóng (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let itemId: string;
  // The service's clock and the browser's are the machine's, and the item is tomorrow: ahead of
  // both on whatever day the test runs, so that the program log still lets it be moved or cancelled.
  const tomorrow = addDays(localDateOf(new Date()), 1);

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage({ POLICY_DEFAULT_QUIET_HOURS: '21:30-05:30' });
    app = await startTestApp(storage);
    baseUrl = await listen(app);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const operator = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'operator',
      communeCode: COMMUNE,
    });
    const approver = await createUserAndLogin(app, admin, {
      ...APPROVER,
      role: 'approver',
      communeCode: COMMUNE,
    });
    await createUserAndLogin(app, admin, { ...MONITOR, role: 'monitor', provinceCode: '38' });
    await createWindow(app, operator, COMMUNE, {
      name: 'Chiều',
      startTime: '17:00',
      durationMinutes: 30,
    });
    const bulletin = await createApproved(app, operator, approver, COMMUNE, {
      title: 'Thông báo tiêm chủng',
      topics: ['xa-hoi-so'],
      durationMs: 40000,
    });
    const item = await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/schedule`)
      .set(bearer(operator))
      .send({ bulletinId: bulletin, startsAt: localDateTime(tomorrow, 17 * 60 + 20) })
      .expect(201);
    itemId = (item.body as { id: string }).id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  it('lets an approver tighten the commune policy and shows what now breaks it', async () => {
    const page = await browser.newTab('quy-dinh-xa');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await page.getByRole('link', { name: 'Quy định phát sóng' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quy định phát sóng' }).waitFor();
    const quiet = page.locator('tr[data-field="quietHours"]');
    await quiet.getByText('21:30–05:30').first().waitFor();
    await page.getByText('Không có khung giờ hay mục phát nào vi phạm').waitFor();

    await page.getByLabel('Thời lượng tối đa một buổi (phút)').fill('15');
    await page.getByRole('button', { name: 'Lưu quy định' }).click();
    await page.getByText(/Đã lưu quy định; 2 khung giờ, mục phát đang vi phạm/).waitFor();
    await page.getByRole('heading', { name: 'Đang vi phạm quy định (2)' }).waitFor();
    const row = page.locator(`tr[data-breach="${itemId}"]`);
    await row.getByText('Buổi phát quá dài').waitFor();
    await row.getByText(/quá giới hạn 15 phút một buổi/).waitFor();
    await page
      .locator('tr[data-field="maxSessionMinutes"]')
      .getByText('Xã', { exact: true })
      .waitFor();
    await screenshot(page, 'quy-dinh-xa');

    // Looser than the province: refused, with the Vietnamese message.
    await page.getByLabel('Thời lượng tối đa một buổi (phút)').fill('90');
    await page.getByRole('button', { name: 'Lưu quy định' }).click();
    await page
      .getByText(/chỉ được chặt hơn quy định của tỉnh/)
      .first()
      .waitFor();
    // Chromium logs the refused request itself; nothing else may go wrong.
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 422'));
    expect(refused).toHaveLength(1);
    expect(browser.problems).toEqual(refused);
    browser.problems.length = 0;
  });

  it("shows a monitor the province's policy and the communes' violations", async () => {
    const page = await browser.newTab('quy-dinh-tinh');
    await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
    await page.getByRole('link', { name: 'Quy định phát sóng' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quy định phát sóng' }).waitFor();
    await page.locator('tr[data-field="quietHours"]').getByText('Mặc định').waitFor();
    await page.getByRole('heading', { name: 'Đang vi phạm quy định (2)' }).waitFor();
    await page
      .locator(`tr[data-breach="${itemId}"]`)
      .getByText(/Hạc Thành/)
      .waitFor();
    await screenshot(page, 'quy-dinh-tinh');
    expect(browser.problems).toEqual([]);
  });

  it('takes an item off the violations once the operator cancels it', async () => {
    const page = await browser.newTab('huy-muc-vi-pham');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/lich?view=day&date=${tomorrow}`);
    await page.getByRole('button', { name: 'Huỷ Thông báo tiêm chủng lúc 17:20' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Huỷ mục này' }).click();
    await page.getByText('Đã huỷ mục trong lịch.').waitFor();
    await page.getByRole('link', { name: 'Quy định phát sóng' }).click();
    await page.getByRole('heading', { name: 'Đang vi phạm quy định (1)' }).waitFor();
    await expect(page.locator(`tr[data-breach="${itemId}"]`).count()).resolves.toBe(0);
    expect(browser.problems).toEqual([]);
  });
});
