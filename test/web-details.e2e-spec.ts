import { ManualClock } from '../src/common/manual-clock';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { eventually } from './support/eventually';
import {
  Actors,
  createActors,
  createApproved,
  createDraft,
  createWindow,
  HAC_THANH,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(180_000);

const PREFIX = 'details-';
const OPERATOR = `${PREFIX}van-hanh-hac-thanh`;
const APPROVER = `${PREFIX}lanh-dao-hac-thanh`;
const at = (time: string) => `2025-10-06T${time}+07:00`;

/**
 * An exploratory tester's smaller findings, at 1366×768: the tabs of a role all in sight, a start
 * proposed with time to spare (and a passed one said so, the free times read again from now),
 * bulletins of one title told apart.
 */
describe('details of the web app a tester found (e2e, Chromium)', () => {
  const clock = new ManualClock(at('06:05:00'));
  let storage: TestStorage;
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let who: Actors;
  let bulletinId: string;

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api,worker' }, { clock });
    baseUrl = await listen(app);
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password), PREFIX);
    await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '06:00',
      durationMinutes: 30,
    });
    bulletinId = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chuyển đổi số',
      topics: ['kinh-te-so'],
      durationMs: 30_000,
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  const open = async (username: string, nav: string) => {
    const page = await browser.newTab(username);
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, username, `${username}-password`);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: nav, exact: true })
      .click();
    return page;
  };

  it("shows every one of an approver's pages at 1366×768, none behind a sideways scroll", async () => {
    const page = await open(APPROVER, 'Lịch phát sóng');
    const nav = page.getByRole('navigation', { name: 'Chức năng' });
    const links = nav.getByRole('link');
    await expect(links.count()).resolves.toBe(13);
    await expect(
      nav.evaluate((element) => element.scrollWidth - element.clientWidth),
    ).resolves.toBeLessThanOrEqual(0);
    for (const link of await links.all()) {
      const box = await link.boundingBox();
      expect(box).not.toBeNull();
      expect([await link.textContent(), (box?.x ?? 0) + (box?.width ?? 0) <= 1366]).toEqual([
        await link.textContent(),
        true,
      ]);
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(768);
    }
    await screenshot(page, 'details-tabs-1366');
    await nav.getByRole('link', { name: 'Quy định phát sóng', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Quy định phát sóng/ }).waitFor();
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('proposes a start two minutes ahead, and says when it has passed with the next free start', async () => {
    const page = await open(OPERATOR, 'Lịch phát sóng');
    // The dialog shows the window's first start at once, then the bulletin's first free start as
    // the service finds it: that answer must come before the clock moves on to 06:08, or it is
    // 06:10 and the start does not pass.
    const proposal = page.waitForResponse((response) =>
      response.url().includes('/schedule/slots?bulletinId='),
    );
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const dialog = page.getByRole('dialog');
    const time = dialog.getByLabel('Giờ bắt đầu');
    await proposal;
    // 06:05:00 now: not 06:06 (a minute is soon gone over the dialog) but 06:07.
    await eventually(
      () => time.inputValue(),
      (value) => value === '06:07:00',
    );
    // The operator takes three minutes: the start has passed when the form is sent.
    clock.set(at('06:08:00'));
    await page.clock.setFixedTime(clock.now());
    await dialog.getByRole('button', { name: 'Thêm vào lịch' }).click();
    await dialog
      .getByText(
        'Giờ bắt đầu 06/10 06:07 đã qua (bây giờ là 06:08:00). Giờ trống gần nhất: 06/10 06:10.',
        { exact: true },
      )
      .waitFor();
    // The dialog's own proposal, read when it opened, is read again from now.
    await expect(time.inputValue()).resolves.toBe('06:10:00');
    await screenshot(page, 'details-gio-da-qua');
    await dialog.getByTestId('take-free-time').getByText('Thêm vào lúc 06:10').click();
    await page.getByText('Đã thêm bản tin vào lịch phát sóng.').waitFor();
    const log = (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule?from=2025-10-06&to=2025-10-06`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as { startsAt: string; status: string }[];
    expect(log).toEqual([
      expect.objectContaining({ startsAt: at('06:10:00.000'), status: 'planned' }),
    ]);
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 409'));
    expect(refused).toHaveLength(1);
    expect(browser.problems).toEqual(refused);
    browser.problems.length = 0;
    await page.close();
  });

  it('warns before saving a title another bulletin has, and tells the two apart when adding', async () => {
    const draft = await createDraft(app, who.operator, HAC_THANH, {
      title: 'Kinh tế số',
      topics: ['kinh-te-so'],
      durationMs: 11_000,
    });
    const page = await open(OPERATOR, 'Bản tin');
    await page.getByRole('button', { name: 'Sửa bản tin Kinh tế số' }).click();
    const edit = page.getByRole('dialog');
    // The same title as names are compared: other case, other spaces.
    await edit.getByLabel('Tiêu đề').fill('  chuyển đổi  SỐ ');
    await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
    const warning = page.getByTestId('duplicate-title');
    await warning.getByText('Đã có bản tin mang tiêu đề “  chuyển đổi  SỐ ”:').waitFor();
    await warning
      .getByText('“Chuyển đổi số”, dài 30 giây, tạo lúc 06/10/2025 06:05, đã duyệt')
      .waitFor();
    await screenshot(page, 'details-trung-tieu-de');
    // "Sửa tiêu đề" saves nothing; "Vẫn lưu" saves it.
    await page.getByRole('button', { name: 'Sửa tiêu đề' }).click();
    await warning.waitFor({ state: 'detached' });
    const unchanged = await app
      .http()
      .get(`/api/v1/bulletins/${draft.id}`)
      .set(bearer(who.operator))
      .expect(200);
    expect(unchanged.body.title).toBe('Kinh tế số');
    await edit.getByLabel('Tiêu đề').fill('Chuyển đổi số');
    await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByRole('button', { name: 'Vẫn lưu với tiêu đề này' }).click();
    await page.getByText('Đã lưu bản tin.').waitFor();
    await app
      .http()
      .post(`/api/v1/bulletins/${draft.id}/approve`)
      .set(bearer(who.approver))
      .expect(200);

    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Lịch phát sóng', exact: true })
      .click();
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const options = page.getByRole('dialog').getByLabel('Bản tin đã duyệt').locator('option');
    // The dialog opens before the approved bulletins it lists are read.
    await options.filter({ hasText: '11 giây' }).waitFor({ state: 'attached' });
    const labels = await options.allTextContents();
    expect(labels.sort()).toEqual([
      'Chuyển đổi số (11 giây, tạo 06/10/2025 06:08)',
      'Chuyển đổi số (30 giây, tạo 06/10/2025 06:05)',
    ]);
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('says when the start chosen to move an item to has passed, with the next free start', async () => {
    clock.set(at('06:09:00'));
    const item = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule`)
      .set(bearer(who.operator))
      .send({ bulletinId, startsAt: at('06:20:00') })
      .expect(201);
    const page = await open(OPERATOR, 'Lịch phát sóng');
    await page.goto(`${baseUrl}/#/lich?view=day&date=2025-10-06`);
    await page.getByRole('button', { name: 'Dời giờ Chuyển đổi số lúc 06:20' }).click();
    const dialog = page.getByRole('dialog');
    const time = dialog.getByLabel('Giờ bắt đầu');
    await eventually(
      () => time.inputValue(),
      (value) => value === '06:20:00',
    );
    // Free from two minutes ahead (06:11) to the window's last start that leaves room for 30 s.
    const hint = dialog.getByText(/^Giờ bắt đầu còn trống: /);
    const occurrence = dialog.getByLabel('Khung giờ').locator('option:checked');
    await expect(hint.textContent()).resolves.toBe('Giờ bắt đầu còn trống: 06:11:00–06:29:30.');
    await expect(occurrence.textContent()).resolves.toBe(
      'Thứ Hai 06/10 · khung Sáng (đang xếp) · trống từ 06:11',
    );
    await time.fill('06:12:00');
    // The operator takes four minutes: the start has passed when the form is sent.
    clock.set(at('06:13:00'));
    await page.clock.setFixedTime(clock.now());
    await dialog.getByRole('button', { name: 'Dời giờ', exact: true }).click();
    await dialog
      .getByText(
        'Giờ bắt đầu 06/10 06:12 đã qua (bây giờ là 06:13:00). Giờ trống gần nhất: 06/10 06:15.',
        { exact: true },
      )
      .waitFor();
    // The free starts are read again from now: none that has passed is still offered, and the
    // time the operator typed stays as typed.
    await expect(hint.textContent()).resolves.toBe('Giờ bắt đầu còn trống: 06:15:00–06:29:30.');
    await expect(occurrence.textContent()).resolves.toBe(
      'Thứ Hai 06/10 · khung Sáng (đang xếp) · trống từ 06:15',
    );
    await expect(time.inputValue()).resolves.toBe('06:12:00');
    await screenshot(page, 'details-doi-gio-da-qua');
    await dialog.getByTestId('take-free-time').getByText('Dời vào lúc 06:15').click();
    await page.getByText('Đã dời “Chuyển đổi số” sang 06/10 06:15.').waitFor();
    const moved = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule/items/${(item.body as { id: string }).id}`)
      .set(bearer(who.operator))
      .expect(200);
    expect(moved.body).toMatchObject({ startsAt: at('06:15:00.000'), status: 'planned' });
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 409'));
    expect(refused).toHaveLength(1);
    expect(browser.problems).toEqual(refused);
    browser.problems.length = 0;
    await page.close();
  });
});
