import { ManualClock } from '../src/common/manual-clock';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { Actors, createActors, createApproved, HAC_THANH } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(180_000);

interface Item {
  id: string;
  status: string;
  cancelReason: string | null;
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;
/** createActors' operator of Hạc Thành, with this test's prefix; its password is `<name>-password`. */
const PREFIX = 'dialogs-';
const OPERATOR = `${PREFIX}van-hanh-hac-thanh`;

/**
 * The operator's confirmations that take airings off the log: a cancelled item asks why (and the
 * API keeps it), an archive says first how many airings it cancels.
 */
describe('cancel and archive confirmations (e2e, Chromium)', () => {
  const clock = new ManualClock('2025-10-06T05:00:00+07:00');
  let storage: TestStorage;
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let who: Actors;
  let twice: string;
  let unplanned: string;
  const items: string[] = [];

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    baseUrl = await listen(app);
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password), PREFIX);
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/windows`)
      .set(bearer(who.operator))
      .send({
        name: 'Sáng',
        daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
        startTime: '05:30',
        durationMinutes: 30,
      })
      .expect(201);
    const once = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Ngày hội toàn dân học tập số',
      topics: ['xa-hoi-so'],
      durationMs: 40000,
    });
    twice = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Đi từng ngõ, gõ từng nhà',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
    unplanned = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Tổ công nghệ số cộng đồng',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
    for (const [bulletinId, startsAt] of [
      [once, at('2025-10-07', '05:35:00')],
      [twice, at('2025-10-07', '05:45:00')],
      [twice, at('2025-10-08', '05:30:00')],
    ]) {
      const response = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/schedule`)
        .set(bearer(who.operator))
        .send({ bulletinId, startsAt })
        .expect(201);
      items.push((response.body as Item).id);
    }
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  const item = async (id: string): Promise<Item> =>
    (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule/items/${id}`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as Item;

  const bulletinStatus = async (id: string): Promise<string> =>
    (
      (await app.http().get(`/api/v1/bulletins/${id}`).set(bearer(who.operator)).expect(200))
        .body as { status: string }
    ).status;

  const open = async (path: string) => {
    const page = await browser.newTab('operator');
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, OPERATOR, `${OPERATOR}-password`);
    await page.goto(`${baseUrl}/#${path}`);
    return page;
  };

  it('asks for an optional reason when an item is cancelled, and the API keeps it', async () => {
    const page = await open('/lich?view=day&date=2025-10-07&layout=list');
    await page.getByRole('button', { name: 'Huỷ Ngày hội toàn dân học tập số lúc 05:35' }).click();
    const dialog = page.getByRole('dialog');
    const reason = dialog.getByLabel('Lý do huỷ (không bắt buộc)');
    await expect(reason.getAttribute('maxlength')).resolves.toBe('200');
    await reason.fill('  Trùng lịch họp tổ dân phố  ');
    await screenshot(page, 'dialogs-01-huy-co-ly-do');
    await dialog.getByRole('button', { name: 'Huỷ mục này' }).click();
    await page.getByText('Đã huỷ mục trong lịch.').waitFor();
    // The page reloads without the cancelled item (its notice may outlive the next cancel's).
    await page
      .getByRole('button', { name: 'Huỷ Ngày hội toàn dân học tập số lúc 05:35' })
      .waitFor({ state: 'detached' });
    expect(await item(items[0])).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Trùng lịch họp tổ dân phố',
    });
    // Left empty, the API's own reason is kept; backing out cancels nothing.
    await page.getByRole('button', { name: 'Huỷ Đi từng ngõ, gõ từng nhà lúc 05:45' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Giữ lại' }).click();
    expect((await item(items[1])).status).toBe('planned');
    const second = page.getByRole('button', { name: 'Huỷ Đi từng ngõ, gõ từng nhà lúc 05:45' });
    await second.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Huỷ mục này' }).click();
    await second.waitFor({ state: 'detached' });
    expect(await item(items[1])).toMatchObject({
      status: 'cancelled',
      cancelReason: `Huỷ bởi ${OPERATOR}`,
    });
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('says how many scheduled airings an archive cancels before it is written', async () => {
    const page = await open('/ban-tin');
    await page.getByTestId('bulletin-row').first().waitFor();
    const archiveButton = (title: string) =>
      page
        .getByTestId('bulletin-row')
        .filter({ hasText: title })
        .getByRole('button', { name: 'Lưu trữ', exact: true });

    await archiveButton('Đi từng ngõ, gõ từng nhà').click();
    const warning = page.getByTestId('archive-warning');
    await warning
      .getByText('Lưu trữ bản tin “Đi từng ngõ, gõ từng nhà”? 1 lượt phát đã xếp sẽ bị huỷ.')
      .waitFor();
    await screenshot(page, 'dialogs-02-luu-tru');
    // The count came from a rehearsal: nothing is written before the operator agrees.
    expect(await bulletinStatus(twice)).toBe('approved');
    expect((await item(items[2])).status).toBe('planned');
    await page.getByRole('dialog').getByRole('button', { name: 'Lưu trữ', exact: true }).click();
    await page.getByText('Đã lưu trữ “Đi từng ngõ, gõ từng nhà”.').waitFor();
    expect(await bulletinStatus(twice)).toBe('archived');
    expect(await item(items[2])).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Bản tin đã được lưu trữ',
    });

    await archiveButton('Tổ công nghệ số cộng đồng').click();
    await page
      .getByTestId('archive-warning')
      .getByText(
        'Lưu trữ bản tin “Tổ công nghệ số cộng đồng”? Không có lượt phát nào đã xếp bị huỷ.',
      )
      .waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Giữ lại' }).click();
    expect(await bulletinStatus(unplanned)).toBe('approved');
    expect(browser.problems).toEqual([]);
    await page.close();
  });
});
