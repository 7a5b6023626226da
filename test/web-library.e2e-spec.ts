import type { Page } from 'playwright-core';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { HAC_THANH, THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(180_000);

const MONITOR = { username: 'giam-sat-thu-vien', password: 'mat-khau-giam-sat' };
const OPERATOR = { username: 'van-hanh-thu-vien', password: 'mat-khau-van-hanh' };
const TITLE = 'Sở KH&CN: xây dựng chính quyền số';
const TEXT =
  'Sở Khoa học và Công nghệ tỉnh Thanh Hóa đề nghị Ủy ban nhân dân các xã, phường tuyên truyền về xây dựng chính quyền số và dịch vụ công trực tuyến toàn trình.';

interface BulletinJson {
  id: string;
  title: string;
  status: string;
  library: boolean;
  provinceCode: string;
}

describe("web app: the province library, a monitor's bulletins for every commune (e2e, Chromium)", () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage);
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    await createUserAndLogin(app, admin, { ...MONITOR, role: 'monitor', provinceCode: THANH_HOA });
    await createUserAndLogin(app, admin, { ...OPERATOR, role: 'operator', communeCode: HAC_THANH });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Chức năng' });

  it('lets the monitor read a text into a library bulletin, approve it, and make it a relay fallback', async () => {
    const page = await browser.newTab('library-monitor');
    await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
    await nav(page).getByRole('link', { name: 'Thư viện bản tin', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Thư viện bản tin của tỉnh' }).waitFor();
    await page.getByText('Chưa có bản tin nào.').waitFor();

    // Made as a commune's bulletin is: the synthetic voice reads the text.
    await page.getByRole('link', { name: '+ Tạo bản tin' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tạo bản tin cho thư viện tỉnh' }).waitFor();
    await page.getByRole('tab', { name: 'Tạo bản tin từ văn bản' }).click();
    await page.getByLabel('Nội dung bản tin').fill(TEXT);
    await page.getByRole('button', { name: 'Tạo giọng đọc' }).click();
    await page.getByText('Âm thanh đã sẵn sàng.').waitFor({ timeout: 90_000 });
    await page.getByLabel('Tiêu đề').fill(TITLE);
    await page.getByLabel('Chính quyền số', { exact: true }).check();
    await page.getByRole('button', { name: 'Lưu bản tin', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Thư viện bản tin của tỉnh' }).waitFor();
    const row = page.getByTestId('bulletin-row').filter({ hasText: TITLE });
    await row.getByText('Chờ duyệt').waitFor();

    const library = async (): Promise<BulletinJson[]> =>
      (
        await app
          .http()
          .get(`/api/v1/provinces/${THANH_HOA}/bulletins`)
          .set(bearer(admin))
          .expect(200)
      ).body as BulletinJson[];
    const [made] = await library();
    expect(made).toMatchObject({ title: TITLE, status: 'draft', library: true });

    // The province's monitor approves the library's bulletins: the tab counts those waiting.
    const waiting = nav(page).getByTestId('approvals-badge');
    await waiting.getByText('1', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Duyệt' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Duyệt' }).click();
    await page.getByText(`Đã duyệt “${TITLE}”.`).waitFor();
    await page
      .getByTestId('bulletin-row')
      .filter({ hasText: TITLE })
      .getByText('Đã duyệt')
      .waitFor();
    await expect(library()).resolves.toEqual([expect.objectContaining({ status: 'approved' })]);
    await waiting.waitFor({ state: 'hidden' });
    await screenshot(page, '45-thu-vien-ban-tin', true);

    // A relay's fallback is chosen by its title, among the library's approved bulletins.
    await nav(page).getByRole('link', { name: 'Nguồn tiếp âm', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Nguồn tiếp âm' }).waitFor();
    await page.getByLabel('Tên nguồn').fill('VOV1');
    await page.getByLabel('Địa chỉ luồng chính').fill('http://203.0.113.10:8000/vov1.mp3');
    const fallback = page.getByLabel('Bản tin thay thế');
    await expect(fallback.locator('option').allTextContents()).resolves.toEqual([
      'Không có: phát im lặng',
      expect.stringMatching(new RegExp(`^${TITLE} \\(\\d+ giây\\)$`)),
    ]);
    await fallback.selectOption({
      label: (await fallback.locator('option').nth(1).textContent()) ?? '',
    });
    await page.getByRole('button', { name: 'Thêm nguồn' }).click();
    await page.getByText('Đã thêm nguồn tiếp âm.').waitFor();
    await page.getByRole('cell', { name: `Phát bản tin “${TITLE}”` }).waitFor();
    const sources = (
      await app.http().get(`/api/v1/provinces/${THANH_HOA}/sources`).set(bearer(admin)).expect(200)
    ).body as { name: string; fallbackBulletinId: string | null }[];
    expect(sources).toEqual([
      expect.objectContaining({ name: 'VOV1', fallbackBulletinId: made.id }),
    ]);
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it("shows the commune's operator the library's bulletin among its own, to schedule, not to change", async () => {
    const page = await browser.newTab('library-operator');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await expect(
      nav(page).getByRole('link', { name: 'Thư viện bản tin', exact: true }).count(),
    ).resolves.toBe(0);
    await nav(page).getByRole('link', { name: 'Bản tin', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Bản tin' }).waitFor();
    await page.getByLabel('Gồm cả thư viện bản tin của tỉnh').check();
    const row = page.getByTestId('bulletin-row').filter({ hasText: TITLE });
    await row.getByText('Thư viện tỉnh').waitFor();
    await expect(row.getByRole('button').allTextContents()).resolves.toEqual(['▶ Nghe']);
    // The library's own page is the monitor's.
    await page.goto(`${baseUrl}/#/thu-vien`);
    await page.getByRole('heading', { level: 1, name: 'Không có quyền truy cập' }).waitFor();
    expect(browser.problems).toEqual([]);
    await page.close();
  });
});
