import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import type { Page } from 'playwright-core';
import { QueueName } from '../src/queue/queue.constants';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { eventually } from './support/eventually';
import { HttpReceiver } from './support/http-receiver';
import { THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(120_000);

const SECRET = 'khoa-bi-mat-cua-trung-uong-2026';

describe('web app: the daily push of the statistics feed (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  const receiver = new HttpReceiver();
  let receiverUrl: string;
  let admin: string;

  beforeAll(async () => {
    buildWebApp();
    receiverUrl = await receiver.start('/so-lieu');
    storage = await createTestStorage();
    app = await startTestApp(storage);
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    await createUserAndLogin(app, admin, {
      username: 'web-giam-sat',
      role: 'monitor',
      provinceCode: THANH_HOA,
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
    await receiver.stop();
  });

  async function openReports(page: Page): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Báo cáo chính thức', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Gửi số liệu thống kê hằng ngày' }).waitFor();
  }

  it('lets the admin set the target, and the monitor see the deliveries', async () => {
    const page = await browser.newTab('stats-push-admin');
    await signIn(page, baseUrl, ADMIN.username, ADMIN.password);
    await openReports(page);
    await page.getByText('Chưa cấu hình: số liệu của tỉnh chưa được gửi đi.').waitFor();
    await page.getByLabel('Địa chỉ nhận (URL)').fill(receiverUrl);
    await page.getByLabel('Khoá bí mật').fill('ngan');
    await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
    await page.getByText('Dữ liệu nhập chưa hợp lệ', { exact: false }).waitFor();
    await page.getByLabel('Khoá bí mật').fill(SECRET);
    await page.getByRole('button', { name: 'Lưu cấu hình' }).click();
    await page.getByText('Đã lưu cấu hình gửi số liệu').waitFor();
    await page.getByText(`Đang gửi tới ${receiverUrl}`, { exact: false }).waitFor();
    expect(await page.getByLabel('Khoá bí mật').inputValue()).toBe('');
    expect(await page.content()).not.toContain(SECRET);
    await screenshot(page, '40-gui-so-lieu-cau-hinh', true);
    await page.close();

    // The sweep the scheduler runs: yesterday, the last finished day, goes out.
    const queue = app.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    await queue.add('maintenance.stats-push', {}, { jobId: 'web-sweep' });
    await eventually(() => Promise.resolve(receiver.accepted().length > 0 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the push',
    });
    await eventually(
      async () => {
        const state = await app
          .http()
          .get(`/api/v1/provinces/${THANH_HOA}/stats-push`)
          .set(bearer(admin));
        return (state.body as { deliveries: { status: string }[] }).deliveries[0]?.status ===
          'delivered'
          ? true
          : undefined;
      },
      { timeoutMs: 20_000, what: 'the delivery noted' },
    );

    const monitorPage = await browser.newTab('stats-push-monitor');
    await signIn(monitorPage, baseUrl, 'web-giam-sat', 'web-giam-sat-password');
    await openReports(monitorPage);
    const table = monitorPage.getByRole('table', { name: 'Các lần gửi số liệu' });
    await table.getByText('Đã nhận').waitFor();
    await expect(monitorPage.getByRole('button', { name: 'Lưu cấu hình' }).count()).resolves.toBe(
      0,
    );
    await screenshot(monitorPage, '41-gui-so-lieu-trang-thai', true);
    // The only error Chromium logs is the 400 of the short secret, provoked on purpose.
    expect(
      browser.problems.filter(
        (problem) =>
          !(problem.tab === 'stats-push-admin' && problem.text.includes('status of 400')),
      ),
    ).toEqual([]);
    await monitorPage.close();
  });
});
