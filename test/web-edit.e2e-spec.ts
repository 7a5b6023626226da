import { ManualClock } from '../src/common/manual-clock';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { eventually } from './support/eventually';
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
  startsAt: string;
  status: string;
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;
/** createActors' operator of Hạc Thành, with this test's prefix; its password is `<name>-password`. */
const PREFIX = 'edit-';
const OPERATOR = `${PREFIX}van-hanh-hac-thanh`;

/**
 * Editing by clicks: a window moved with its items, a bulletin's text changed after approval, an
 * item moved to a free time the server proposes. The browser's clock shows the service's.
 */
describe('editing in a browser (e2e, Chromium)', () => {
  const clock = new ManualClock('2025-10-06T05:00:00+07:00');
  let storage: TestStorage;
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let who: Actors;
  let news: string;
  let other: string;
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
    news = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Ngày hội toàn dân học tập số',
      topics: ['xa-hoi-so'],
      durationMs: 40000,
      body: 'Hưởng ứng Ngày hội toàn dân học tập số 10/10.',
    });
    other = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Đi từng ngõ, gõ từng nhà',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
    for (const [bulletinId, startsAt] of [
      [news, at('2025-10-07', '05:35:00')],
      [other, at('2025-10-07', '05:45:00')],
      [other, at('2025-10-08', '05:30:00')],
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

  const open = async (nav: string) => {
    const page = await browser.newTab('operator');
    await page.clock.setFixedTime(clock.now());
    await signIn(page, baseUrl, OPERATOR, `${OPERATOR}-password`);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: nav, exact: true })
      .click();
    return page;
  };

  it('moves a window to a new time and its items with it, in one question', async () => {
    const page = await open('Khung giờ phát');
    await page.getByRole('button', { name: 'Sửa khung giờ Sáng' }).click();
    await page
      .getByRole('form', { name: 'Sửa khung giờ phát' })
      .getByLabel('Giờ bắt đầu')
      .fill('06:00');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    const question = page.getByTestId('left-outside');
    await question.getByText('3 lượt phát', { exact: false }).waitFor();
    await question.getByText('07/10 05:35 → 07/10 06:05 — Ngày hội toàn dân học tập số').waitFor();
    await screenshot(page, 'edit-01-doi-khung-gio');
    await page.getByRole('button', { name: 'Dời 3 lượt vào giờ mới' }).click();
    await page.getByText('Đã lưu khung giờ phát. Đã dời 3 lượt phát.').waitFor();
    await page.getByRole('cell', { name: '06:00–06:30' }).waitFor();
    expect(await item(items[0])).toMatchObject({
      startsAt: at('2025-10-07', '06:05:00.000'),
      status: 'planned',
    });
    expect((await item(items[2])).startsAt).toBe(at('2025-10-08', '06:00:00.000'));
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('moves an item to the window and free start one chooses', async () => {
    const page = await open('Lịch phát sóng');
    // The week opens as a calendar: the item's block, then "Dời giờ" in its details.
    await page.getByTestId('week-block').filter({ hasText: 'Đi từng ngõ' }).first().click();
    await page.getByTestId('item-detail').getByRole('button', { name: 'Dời giờ' }).click();
    const dialog = page.getByRole('dialog');
    const occurrence = dialog.getByLabel('Khung giờ');
    const time = dialog.getByLabel('Giờ bắt đầu');
    await eventually(
      () => occurrence.locator('option').count(),
      (count) => count >= 3,
    );
    // Where it is placed now (moved with its window to 06:15), not said to be playing.
    await page
      .getByTestId('move-slots')
      .getByText('Đang xếp lúc 06:15 Thứ Ba, 07/10/2025, dài 30 giây.', { exact: false })
      .waitFor();
    await expect(time.inputValue()).resolves.toBe('06:15:00');
    await screenshot(page, 'edit-02-doi-gio-ban-tin');
    // Its own occurrence is free around the other item (06:05–06:05:40) and the 2 s gaps.
    await dialog
      .getByText('Giờ bắt đầu còn trống: 06:00:00–06:04:28, 06:05:42–06:29:30.')
      .waitFor();
    // Today's occurrence (06/10 06:00–06:30) is free: choosing it proposes its first start, and
    // any other one in it may be typed. (The 8th's first free start is 06:00:32: all read to
    // the second.)
    await occurrence.selectOption({
      label: 'Thứ Hai 06/10 · khung Sáng · trống từ 06:00:00',
    });
    await expect(time.inputValue()).resolves.toBe('06:00:00');
    await dialog.getByText('Giờ bắt đầu còn trống: 06:00:00–06:29:30.').waitFor();
    await time.fill('06:12');
    await dialog.getByRole('button', { name: 'Dời giờ', exact: true }).click();
    await page.getByText('Đã dời “Đi từng ngõ, gõ từng nhà” sang 06/10 06:12.').waitFor();
    expect((await item(items[1])).startsAt).toBe(at('2025-10-06', '06:12:00.000'));
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('adds a bulletin at the free time the server proposes after a refusal, to the second', async () => {
    const page = await open('Lịch phát sóng');
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByLabel('Bản tin đã duyệt')
      .selectOption({ label: 'Đi từng ngõ, gõ từng nhà (30 giây)' });
    await dialog.getByLabel('Ngày phát').fill('08/10/2025');
    // 06:00 on the 8th holds another play of it (moved there with its window).
    await dialog.getByLabel('Giờ bắt đầu').fill('06:00');
    await dialog.getByRole('button', { name: 'Thêm vào lịch' }).click();
    const take = dialog.getByTestId('take-free-time');
    await take.waitFor();
    // The proposal is just after that play and the gap: not on a whole minute, and the message
    // says it to the second.
    const label = (await take.textContent()) ?? '';
    expect(label).toMatch(/^Thêm vào lúc 06:00:\d\d$/);
    const time = label.slice(-8);
    await dialog
      .getByText(
        `Trùng giờ với “Đi từng ngõ, gõ từng nhà” lúc 08/10 06:00. Giờ trống gần nhất trong khung Sáng: 08/10 ${time}`,
      )
      .waitFor();
    await screenshot(page, 'edit-025-gio-trong-gan-nhat');
    // The proposal holds for what was refused: another time hides it until the next refusal.
    await dialog.getByLabel('Giờ bắt đầu').fill('06:10');
    await dialog.getByLabel('Giờ bắt đầu').press('Tab');
    await take.waitFor({ state: 'hidden' });
    await dialog.getByLabel('Giờ bắt đầu').fill('06:00');
    await dialog.getByRole('button', { name: 'Thêm vào lịch' }).click();
    await take.getByText(`Thêm vào lúc ${time}`).waitFor();
    await take.click();
    await page.getByText('Đã thêm bản tin vào lịch phát sóng.').waitFor();
    const log = (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule?from=2025-10-08&to=2025-10-08`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as Item[];
    const added = log.find((entry) => entry.startsAt === at('2025-10-08', `${time}.000`));
    expect(added).toMatchObject({ status: 'planned' });
    // The tests after this one count the window's plays without it.
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/items/${added!.id}/cancel`)
      .set(bearer(who.operator))
      .send({})
      .expect(200);
    // Chromium logs the refused request itself; nothing else may go wrong.
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 409'));
    expect(refused).toHaveLength(2);
    expect(browser.problems).toEqual(refused);
    browser.problems.length = 0;
    await page.close();
  });

  it('edits an approved bulletin, saying before saving that it goes back for approval', async () => {
    const page = await open('Bản tin');
    await page.getByRole('button', { name: 'Sửa bản tin Ngày hội toàn dân học tập số' }).click();
    await page
      .getByRole('textbox', { name: 'Văn bản', exact: true })
      .fill('Hưởng ứng Ngày hội toàn dân học tập số ngày 10/10/2025.');
    // The priority is edited as the new bulletin's form sets it.
    const priority = page.getByRole('dialog').getByLabel('Mức ưu tiên');
    await expect(priority.inputValue()).resolves.toBe('normal');
    await priority.selectOption({ label: 'Ưu tiên' });
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    const warning = page.getByTestId('reapproval-warning');
    await warning.getByText('1 lượt phát', { exact: false }).waitFor();
    await screenshot(page, 'edit-03-sua-ban-tin');
    // Nothing is written before the operator agrees.
    expect((await item(items[0])).status).toBe('planned');
    await page.getByRole('button', { name: 'Lưu và gửi duyệt lại' }).click();
    await page.getByText('Đã lưu bản tin, đang chờ duyệt lại; đã huỷ 1 lượt phát.').waitFor();
    const bulletin = await app
      .http()
      .get(`/api/v1/bulletins/${news}`)
      .set(bearer(who.operator))
      .expect(200);
    expect(bulletin.body).toMatchObject({
      status: 'draft',
      body: 'Hưởng ứng Ngày hội toàn dân học tập số ngày 10/10/2025.',
      priority: 'priority',
    });
    expect((await item(items[0])).status).toBe('cancelled');
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('says a bulletin raised to emergency goes back for approval, and writes nothing on "Quay lại"', async () => {
    const page = await open('Bản tin');
    await page.getByRole('button', { name: 'Sửa bản tin Đi từng ngõ, gõ từng nhà' }).click();
    await page.getByRole('dialog').getByLabel('Mức ưu tiên').selectOption({ label: 'Khẩn cấp' });
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    const warning = page.getByTestId('reapproval-warning');
    await warning.getByText('chuyển sang mức Khẩn cấp', { exact: false }).waitFor();
    await warning.getByText('2 lượt phát', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Quay lại' }).click();
    await warning.waitFor({ state: 'detached' });
    const bulletin = await app
      .http()
      .get(`/api/v1/bulletins/${other}`)
      .set(bearer(who.operator))
      .expect(200);
    expect(bulletin.body).toMatchObject({ status: 'approved', priority: 'normal' });
    expect((await item(items[1])).status).toBe('planned');
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('deletes a window with its plays in one confirmation that counts them', async () => {
    const page = await open('Khung giờ phát');
    await page.getByRole('button', { name: 'Xoá khung giờ Sáng' }).click();
    await page.getByTestId('delete-count').getByText('2 lượt phát').waitFor();
    await screenshot(page, 'edit-04-xoa-khung-gio');
    await page.getByRole('button', { name: 'Xoá và huỷ 2 lượt phát' }).click();
    await page.getByText('Đã xoá khung giờ phát và huỷ 2 lượt phát.').waitFor();
    await page.getByText('Chưa có khung giờ phát nào.').waitFor();
    expect((await item(items[1])).status).toBe('cancelled');
    expect((await item(items[2])).status).toBe('cancelled');
    expect(browser.problems).toEqual([]);
    await page.close();
  });
});
