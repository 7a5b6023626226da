import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { eventually } from './support/eventually';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, ReceiptDevice } from './support/receipt-device';
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

jest.setTimeout(180_000);

const COMMUNE = '14797';
const OPERATOR = { username: 'vanhanh.nhatky', password: 'vanhanh-password' };

/**
 * Confirming by hand what the automation did not record. The service runs without the scheduler
 * (nothing plays by itself) on a clock the test moves, and the browser's clock shows the same time.
 */
describe('as-run log confirmation in a browser (e2e, Chromium)', () => {
  const clock = new ManualClock('2025-10-06T05:00:00+07:00');
  let storage: TestStorage;
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let operator: string;
  const items: { id: string; title: string }[] = [];

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api,worker' }, { clock });
    baseUrl = await listen(app);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'approver',
      communeCode: COMMUNE,
    });
    await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/windows`)
      .set(bearer(operator))
      .send({
        name: 'Sáng',
        daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
        startTime: '05:30',
        durationMinutes: 60,
      })
      .expect(201);
    for (const [index, text] of [
      'Tuyên truyền, hưởng ứng Ngày hội toàn dân học tập số vào ngày 10/10.',
      'Đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân kỹ năng số.',
    ].entries()) {
      const audio = await app
        .http()
        .post(`/api/v1/communes/${COMMUNE}/audio/tts`)
        .set(bearer(operator))
        .send({ text })
        .expect(202);
      const audioId = (audio.body as { id: string }).id;
      await eventually(
        async () =>
          (
            (await app.http().get(`/api/v1/audio/${audioId}`).set(bearer(operator))).body as {
              status: string;
            }
          ).status,
        (status) => status === 'ready',
        { timeoutMs: 60_000 },
      );
      const title = index === 0 ? 'Ngày hội toàn dân học tập số' : 'Đi từng ngõ, gõ từng nhà';
      const bulletin = await app
        .http()
        .post(`/api/v1/communes/${COMMUNE}/bulletins`)
        .set(bearer(operator))
        .send({ title, topics: ['xa-hoi-so'], audioId })
        .expect(201);
      const bulletinId = (bulletin.body as { id: string }).id;
      await app
        .http()
        .post(`/api/v1/bulletins/${bulletinId}/approve`)
        .set(bearer(operator))
        .expect(200);
      const item = await app
        .http()
        .post(`/api/v1/communes/${COMMUNE}/schedule`)
        .set(bearer(operator))
        .send({ bulletinId, startsAt: `2025-10-06T05:3${index}:00+07:00` })
        .expect(201);
      items.push({ id: (item.body as { id: string }).id, title });
    }
    // Two hours later: both items are past and nothing recorded them.
    clock.set('2025-10-06T07:30:00+07:00');
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  it('lists past items nobody recorded and writes what the operator confirms into the chain', async () => {
    const page = await browser.newTab('operator');
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Nhật ký phát thanh', exact: true })
      .click();
    const pending = page.getByTestId('pending-item');
    await eventually(
      () => pending.count(),
      (count) => count === 2,
    );
    await screenshot(page, '19-xac-nhan-phat-thu-cong');

    // The first one was aired by hand a minute late.
    await pending
      .filter({ hasText: items[0].title })
      .getByRole('button', { name: 'Xác nhận' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Giờ bắt đầu thực tế').fill('05:31:00');
    // No cluster in the commune: nothing will replace what the operator confirms.
    expect(await dialog.getByTestId('receipts-replace').count()).toBe(0);
    // Played in part, but 0 minutes: the API's record check says why, in Vietnamese.
    await dialog.getByLabel('Kết quả').selectOption('partial');
    await dialog.getByLabel('Thời lượng đã phát (giây)').fill('0');
    await dialog.getByRole('button', { name: 'Ghi vào nhật ký' }).click();
    await dialog
      .getByText(
        'Bản ghi có kết quả “Phát một phần” phải có thời lượng đã phát (playedMs) lớn hơn 0',
        { exact: true },
      )
      .waitFor();
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 422'));
    expect(refused).toHaveLength(1);
    browser.problems.splice(browser.problems.indexOf(refused[0]), 1);
    // 3 s played: entered to the second (a tenth of a minute would be 6 s).
    await dialog.getByLabel('Thời lượng đã phát (giây)').fill('3');
    await dialog.getByRole('button', { name: 'Ghi vào nhật ký' }).click();
    await page.getByText('Đã ghi vào nhật ký phát thanh.').waitFor();
    await eventually(
      () => page.getByTestId('playout-record').count(),
      (count) => count === 1,
    );

    // The second was not aired: a reason is required, in Vietnamese.
    await pending
      .filter({ hasText: items[1].title })
      .getByRole('button', { name: 'Xác nhận' })
      .click();
    await dialog.getByLabel('Kết quả').selectOption('missed');
    await dialog.getByRole('button', { name: 'Ghi vào nhật ký' }).click();
    await dialog.getByText('Hãy ghi lý do khi bản tin không phát được.').waitFor();
    await dialog.getByLabel('Lý do / ghi chú').fill('Mất điện khu phố 3');
    await dialog.getByRole('button', { name: 'Ghi vào nhật ký' }).click();
    await eventually(
      () => page.getByTestId('playout-record').count(),
      (count) => count === 2,
    );
    await eventually(
      () => pending.count(),
      (count) => count === 0,
    );
    await page.getByTestId('chain').getByText('Nhật ký toàn vẹn.').waitFor();

    const log = await app
      .http()
      .get(`/api/v1/communes/${COMMUNE}/playout-log?from=2025-10-06&to=2025-10-06`)
      .set(bearer(operator))
      .expect(200);
    expect(log.body).toEqual([
      expect.objectContaining({
        seq: 1,
        scheduleItemId: items[0].id,
        outcome: 'partial',
        playedMs: 3000,
        source: 'operator',
        startedAt: '2025-10-05T22:31:00.000Z',
        endedAt: '2025-10-05T22:31:03.000Z',
      }),
      expect.objectContaining({
        seq: 2,
        scheduleItemId: items[1].id,
        outcome: 'missed',
        playedMs: 0,
        reason: 'Mất điện khu phố 3',
      }),
    ]);
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('tells the operator when the log no longer matches a signed checkpoint', async () => {
    const admin = await app.login(ADMIN.username, ADMIN.password);
    await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/playout-log/checkpoints`)
      .set(bearer(admin))
      .expect(201);
    // Someone with the database replaces the checkpoint's signature.
    await app.app
      .get(DataSource)
      .query(
        `UPDATE playout_checkpoint SET signature = '${Buffer.alloc(64, 1).toString('base64')}' WHERE commune_code = '${COMMUNE}'`,
      );
    const page = await browser.newTab('operator');
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Nhật ký phát thanh', exact: true })
      .click();
    await page
      .getByTestId('chain')
      .getByText(
        'Nhật ký không còn khớp với mốc kiểm chứng ký lúc 06/10/2025 07:30 (bản ghi số 2)',
        { exact: false },
      )
      .waitFor();
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it("says the clusters' receipts will replace a confirmation, and shows them replacing it", async () => {
    const operatorToken = await app.login(OPERATOR.username, OPERATOR.password);
    const cluster = await ReceiptDevice.enrol(app, operatorToken, COMMUNE, 'Cụm loa thôn 1');
    const bulletin = await insertBulletin(app, {
      communeCode: COMMUNE,
      provinceCode: THANH_HOA,
      title: 'Mô hình chính quyền hai cấp',
      topics: ['mo-hinh-2-cap'],
    });
    const item = await insertScheduleItem(app, {
      communeCode: COMMUNE,
      bulletinId: bulletin.id,
      startsAt: new Date('2025-10-06T07:40:00+07:00'),
      durationMs: 60_000,
    });
    // Two minutes after its end, within the receipts' grace: nothing from the cluster yet.
    clock.set('2025-10-06T07:43:00+07:00');
    const page = await browser.newTab('operator');
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Nhật ký phát thanh', exact: true })
      .click();
    await page
      .getByTestId('pending-item')
      .filter({ hasText: 'Mô hình chính quyền hai cấp' })
      .getByRole('button', { name: 'Xác nhận' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByText(
        'Xã có cụm loa: khi biên nhận phát của các cụm loa nhận mục này về (cụm loa gửi khi có ' +
          'mạng, có thể sau vài phút hoặc lâu hơn), nhật ký sẽ ghi theo biên nhận, thay cho xác ' +
          'nhận bằng tay này.',
        { exact: true },
      )
      .waitFor();
    await screenshot(page, '19b-xac-nhan-xa-co-cum-loa');
    await dialog.getByRole('button', { name: 'Ghi vào nhật ký' }).click();
    await page.getByText('Đã ghi vào nhật ký phát thanh.').waitFor();
    const rows = page.getByTestId('playout-record');
    await eventually(
      () => rows.count(),
      (count) => count === 3,
    );

    // The cluster's signed receipt arrives: its record corrects the confirmation.
    await cluster
      .upload([cluster.played(airedPlay(item.id, '2025-10-06T00:40:00.004Z', 60_000))])
      .expect(200);
    await page.reload();
    await eventually(
      () => rows.count(),
      (count) => count === 4,
    );
    const replacing = rows.nth(3);
    await replacing.getByText('Đính chính bản ghi số 3', { exact: true }).waitFor();
    await replacing
      .getByText(/^Lý do: Biên nhận của cụm loa thay cho xác nhận bằng tay\. Theo biên nhận/)
      .waitFor();
    expect(browser.problems).toEqual([]);
    await page.close();
  });
});
