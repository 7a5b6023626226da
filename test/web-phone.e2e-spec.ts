import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, localDateOf, localDateTime } from '../src/common/local-time';
import { formatDateLong, formatDayMonth, isoDayOfWeek, weekdayName } from '../web/src/format';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { eventually } from './support/eventually';
import { insertScheduleItem } from './support/playout-fixtures';
import { createApproved, createDraft, createWindow, HAC_THANH } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const OPERATOR = { username: 'vanhanh.dienthoai', password: 'vanhanh-password' };
const APPROVER = { username: 'lanhdao.dienthoai', password: 'lanhdao-password' };
const PHONE = { width: 360, height: 740 };

jest.setTimeout(180_000);

/** The parts of a page element the checks read (the tests compile without the DOM library). */
interface PageElement {
  getBoundingClientRect(): { width: number; height: number };
}
const size = (element: unknown): number[] => {
  const box = (element as PageElement).getBoundingClientRect();
  return [box.width, box.height];
};

/**
 * The tester's report of 2026-12-07 (#6, #10–#13): a commune operator on a 360 px phone, and the
 * words and numbers the web app shows. Tomorrow's Chiều window holds a 3 min 8 s item at 17:00
 * (so the first free time is 17:03:10, after the 2 s gap) and an 11-second item at 17:10.
 */
describe('the web app on an operator’s phone, in Vietnamese words and numbers (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let operator: string;
  let approver: string;
  let draftId: string;
  const today = localDateOf(new Date());
  const tomorrow = addDays(today, 1);
  const short = 'Tin ngắn mười một giây';
  const long = 'Chuyển đổi số gắn với mô hình chính quyền 02 cấp';

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage);
    baseUrl = await listen(app);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'operator',
      communeCode: HAC_THANH,
    });
    approver = await createUserAndLogin(app, admin, {
      ...APPROVER,
      role: 'approver',
      communeCode: HAC_THANH,
    });
    await createWindow(app, operator, HAC_THANH, {
      name: 'Chiều',
      startTime: '17:00',
      durationMinutes: 30,
    });
    const longId = await createApproved(app, operator, approver, HAC_THANH, {
      title: long,
      topics: ['mo-hinh-2-cap'],
      durationMs: 188_000,
    });
    const shortId = await createApproved(app, operator, approver, HAC_THANH, {
      title: short,
      topics: ['kinh-te-so'],
      durationMs: 11_000,
    });
    draftId = (
      await createDraft(app, operator, HAC_THANH, {
        title: 'Bản tin chưa duyệt',
        topics: ['kinh-te-so'],
        durationMs: 20_000,
      })
    ).id;
    await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: longId,
      startsAt: localDateTime(tomorrow, 17 * 60),
      durationMs: 188_000,
    });
    await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: shortId,
      startsAt: localDateTime(tomorrow, 17 * 60 + 10),
      durationMs: 11_000,
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  async function phoneTab(name: string): Promise<Page> {
    const page = await browser.newTab(name);
    await page.setViewportSize(PHONE);
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    return page;
  }

  /** The message of the open dialog's form (its role=alert box). */
  const dialogMessage = (page: Page) => page.locator('dialog[open] .message').first();

  // First: the layout a person picks is remembered in the browser, and the phone's tab shares it.
  it('keeps the week calendar on a desktop and gives an 11-second item its seconds', async () => {
    const page = await browser.newTab('desktop-week');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/lich?date=${tomorrow}`);
    await page.getByTestId('week-calendar').waitFor();
    await page.getByRole('button', { name: new RegExp(`^17:10 ${short}`) }).click();
    const detail = page.getByTestId('item-detail');
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toContain('17:10:00–17:10:11 (11 giây)');
    await page.close();
  });

  it('opens the program log on a phone as today’s list, with titled items one can tap', async () => {
    const page = await phoneTab('phone-schedule');
    await page.goto(`${baseUrl}/#/lich`);
    await page.getByRole('heading', { level: 1, name: 'Lịch phát sóng' }).waitFor();
    await expect(
      page.getByRole('link', { name: 'Hôm nay' }).getAttribute('aria-current'),
    ).resolves.toBe('true');
    await expect(page.getByTestId('week-calendar').count()).resolves.toBe(0);
    await expect(page.locator('.range-label').textContent()).resolves.toBe(formatDateLong(today));

    await page.getByRole('link', { name: 'Hôm sau →' }).click();
    const items = page.getByTestId('schedule-item');
    await items.first().waitFor();
    await expect(items.count()).resolves.toBe(2);
    await expect(items.nth(1).textContent()).resolves.toContain(short);
    // "Dời giờ" and "Huỷ" are there to tap, at least 24 × 24 px (WCAG 2.5.8).
    const [width, height] = await page
      .getByRole('button', { name: new RegExp(`^Dời giờ ${short}`) })
      .evaluate(size);
    expect(width).toBeGreaterThanOrEqual(24);
    expect(height).toBeGreaterThanOrEqual(24);

    // "Cả tuần" on a phone is the list of days, not the seven columns.
    await page.getByRole('link', { name: 'Cả tuần' }).click();
    await page.getByRole('link', { name: 'Danh sách' }).waitFor();
    await expect(
      page.getByRole('link', { name: 'Danh sách' }).getAttribute('aria-current'),
    ).resolves.toBe('true');
    await expect(page.getByTestId('week-calendar').count()).resolves.toBe(0);
    await screenshot(page, 'phone-lich-tuan');

    // The move dialog's times all read to the second when one does (17:03:10 beside 17:00:00).
    await page.goto(`${baseUrl}/#/lich?view=day&date=${tomorrow}`);
    await page.getByRole('button', { name: new RegExp(`^Dời giờ ${short}`) }).click();
    const occurrences = page.getByRole('dialog').getByLabel('Khung giờ').locator('option');
    await occurrences.first().waitFor({ state: 'attached' });
    const texts = await occurrences.allTextContents();
    expect(texts).toContain(
      `${weekdayName(isoDayOfWeek(tomorrow))} ${formatDayMonth(tomorrow)} · khung Chiều (đang xếp) · trống từ 17:03:10`,
    );
    expect(texts.some((text) => text.endsWith(' · trống từ 17:00:00'))).toBe(true);
    for (const text of texts)
      expect(text).toMatch(/ · khung Chiều.* · trống từ \d{2}:\d{2}:\d{2}$/);
    await page.close();
  });

  it('proposes the first free time and replaces an overlap refusal with what is wrong with a new time', async () => {
    const page = await phoneTab('phone-add');
    await page.goto(`${baseUrl}/#/lich?view=day&date=${tomorrow}`);
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const day = page.getByLabel('Ngày phát');
    const time = page.getByLabel('Giờ bắt đầu');
    await time.waitFor();
    await expect(day.getAttribute('placeholder')).resolves.toBe('nn/tt/nnnn');
    // Whichever bulletin is chosen, 17:00 is taken and 17:03:10 is the first free time.
    await eventually(
      () => time.inputValue(),
      (value) => value === '17:03:10',
      { what: 'the first free time proposed' },
    );
    await expect(day.inputValue()).resolves.toBe(tomorrow.split('-').reverse().join('/'));

    await time.fill('17:00');
    await page.getByRole('button', { name: 'Thêm vào lịch' }).click();
    await eventually(
      () => dialogMessage(page).textContent(),
      (text) => /Trùng giờ/.test(text ?? ''),
    );
    for (const typed of ['25:99', '7h']) {
      await time.fill(typed);
      await page.getByRole('button', { name: 'Thêm vào lịch' }).click();
      await expect(dialogMessage(page).textContent()).resolves.toBe(
        'Nhập giờ theo dạng 24 giờ, ví dụ 17:30:00.',
      );
    }
    // A new time typed is a new question: the old refusal goes as soon as it is typed.
    await time.fill('17:00');
    await page.getByRole('button', { name: 'Thêm vào lịch' }).click();
    await eventually(
      () => dialogMessage(page).textContent(),
      (text) => /Trùng giờ/.test(text ?? ''),
    );
    await time.fill('17:0');
    await expect(dialogMessage(page).isHidden()).resolves.toBe(true);
    await screenshot(page, 'phone-them-vao-lich');

    // The API behind the proposal: a new item's free times; a draft is refused, bad input too.
    const slots = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule/slots?days=3`)
      .query({ bulletinId: (await bulletinIdByTitle(short)) ?? '' })
      .set(bearer(operator))
      .expect(200);
    expect(slots.body.durationMs).toBe(11_000);
    const tomorrows = (
      slots.body.slots as { date: string; startsAt: string; sameOccurrence: boolean }[]
    ).find((slot) => slot.date === tomorrow);
    expect(Date.parse(tomorrows?.startsAt ?? '')).toBe(Date.parse(`${tomorrow}T17:03:10+07:00`));
    expect(tomorrows?.sameOccurrence).toBe(false);
    await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule/slots?bulletinId=${draftId}`)
      .set(bearer(operator))
      .expect(422);
    for (const query of ['', '?bulletinId=abc', `?bulletinId=${draftId}&days=0`]) {
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule/slots${query}`)
        .set(bearer(operator))
        .expect(400);
    }
    await page.close();
  });

  it('moves an item to any free start of a window, to the second, and says why a time is refused', async () => {
    const page = await phoneTab('phone-move');
    await page.goto(`${baseUrl}/#/lich?view=day&date=${tomorrow}`);
    await page.getByRole('button', { name: new RegExp(`^Dời giờ ${short}`) }).click();
    const dialog = page.getByRole('dialog');
    const occurrence = dialog.getByLabel('Khung giờ');
    const time = dialog.getByLabel('Giờ bắt đầu');
    await time.waitFor();
    // It opens on where the item is: tomorrow's Chiều, at 17:10:00; the field says which starts
    // are free there (the item itself aside: from after the 3 min 8 s item and the gap to the
    // last start an 11-second item ends by 17:30).
    const own = occurrence.locator('option:checked');
    await expect(own.textContent()).resolves.toBe(
      `${weekdayName(isoDayOfWeek(tomorrow))} ${formatDayMonth(tomorrow)} · khung Chiều (đang xếp) · trống từ 17:03:10`,
    );
    await expect(time.inputValue()).resolves.toBe('17:10:00');
    await expect(time.getAttribute('aria-describedby')).resolves.toBeTruthy();
    await dialog.getByText('Giờ bắt đầu còn trống: 17:03:10–17:29:49.').waitFor();
    const shortId = (await bulletinIdByTitle(short)) ?? '';
    const itemOf = async () => {
      const response = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule?from=${tomorrow}&to=${tomorrow}`)
        .set(bearer(operator))
        .expect(200);
      return (response.body as { id: string; bulletinId: string; startsAt: string }[]).find(
        (item) => item.bulletinId === shortId,
      );
    };
    const before = await itemOf();

    // 17:01 overlaps the long item: the server's refusal, in Vietnamese, and its nearest free time.
    await time.fill('17:01');
    await dialog.getByRole('button', { name: 'Dời giờ', exact: true }).click();
    const day = tomorrow.split('-').reverse().slice(0, 2).join('/');
    await eventually(
      () => dialogMessage(page).textContent(),
      (text) =>
        text ===
        `Trùng giờ với “${long}” lúc ${day} 17:00. Giờ trống gần nhất trong khung Chiều: ${day} 17:03:10`,
      { what: 'the overlap refusal in the move dialog' },
    );
    await expect(dialog.getByTestId('take-free-time').textContent()).resolves.toBe(
      'Dời vào lúc 17:03:10',
    );
    await expect(itemOf()).resolves.toMatchObject({ startsAt: before?.startsAt });
    await screenshot(page, 'phone-doi-gio-trung');

    // 17:20:30, not the earliest free time: the item moves there.
    await time.fill('17:20:30');
    await expect(dialogMessage(page).isHidden()).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Dời giờ', exact: true }).click();
    await page.getByText(`Đã dời “${short}” sang ${day} 17:20:30.`).waitFor();
    await dialog.waitFor({ state: 'detached' });
    const after = await itemOf();
    expect(after?.id).toBe(before?.id);
    expect(Date.parse(after?.startsAt ?? '')).toBe(Date.parse(`${tomorrow}T17:20:30+07:00`));
    await page
      .getByTestId('schedule-item')
      .filter({ hasText: short })
      .getByText('17:20:30')
      .first()
      .waitFor();
    await page.close();
  });

  async function bulletinIdByTitle(title: string): Promise<string | undefined> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/bulletins`)
      .set(bearer(operator))
      .expect(200);
    return (response.body as { id: string; title: string }[]).find(
      (bulletin) => bulletin.title === title,
    )?.id;
  }

  it('says in Vietnamese why a window may not cross midnight', async () => {
    const page = await phoneTab('phone-windows');
    await page.goto(`${baseUrl}/#/khung-gio`);
    await page.getByLabel('Tên khung giờ').fill('Đêm');
    await page.getByLabel('Giờ bắt đầu').fill('23:30');
    await page.getByLabel('Thời lượng (phút)').fill('60');
    await page.getByRole('button', { name: 'Thêm khung giờ' }).click();
    const message = page.getByRole('alert').filter({ hasText: 'kết thúc trong ngày' });
    await message.waitFor();
    await expect(message.textContent()).resolves.toBe(
      'Khung giờ phát phải kết thúc trong ngày: 23:30 cộng 60 phút là 00:30 ngày hôm sau. Hãy bắt đầu sớm hơn hoặc rút ngắn thời lượng',
    );
    await page.close();
  });

  it('takes "enter the text" away once the text-to-speech form has text', async () => {
    const page = await phoneTab('phone-tts');
    await page.goto(`${baseUrl}/#/ban-tin/moi`);
    await page.getByRole('tab', { name: 'Tạo bản tin từ văn bản' }).click();
    await page.getByRole('button', { name: 'Tạo giọng đọc' }).click();
    const noText = page.getByText('Nhập nội dung cần đọc.');
    await noText.waitFor();
    await page.getByRole('button', { name: 'Làm sạch và xem cách đọc' }).click();
    await expect(noText.count()).resolves.toBe(2);
    await page.getByLabel('Nội dung bản tin').fill('Xin chào bà con.');
    await expect(noText.count()).resolves.toBe(0);
    await page.close();
  });

  it('counts the as-run records with a thousands dot (1.200 bản ghi)', async () => {
    const page = await phoneTab('phone-log');
    await page.goto(`${baseUrl}/#/nhat-ky`);
    await page.getByTestId('chain').waitFor();
    const yesterday = addDays(today, -1);
    const clock = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(11, 19);
    const rows = Array.from({ length: 1200 }, (_, index) => {
      const start = 6 * 3600 + index * 10;
      return `${yesterday} ${clock(start)},${yesterday} ${clock(start + 5)},aired,Tin số ${index + 1},kinh-te-so`;
    });
    const file = join(storage.dir, 'nhat-ky-1200.csv');
    writeFileSync(file, ['startedAt,endedAt,outcome,title,topics', ...rows].join('\n'));
    await page.getByLabel('Tệp CSV (UTF-8)', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Nhập tệp' }).click();
    await page.getByText('Đã nhập 1.200 bản ghi').first().waitFor({ timeout: 60_000 });
    await page.goto(`${baseUrl}/#/nhat-ky?from=${yesterday}&to=${yesterday}`);
    await page.getByText(/^1\.200 bản ghi từ/).waitFor();
    await page.getByText(/chuỗi băm của 1\.200 bản ghi/).waitFor();
    await page.close();
  });

  it('opens the pages from "Danh mục" on a phone and keeps the tabs on a desktop', async () => {
    const page = await browser.newTab('phone-menu');
    await page.setViewportSize(PHONE);
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await page.goto(`${baseUrl}/#/tien-do`);
    // The button's visible word is short and Vietnamese; its name says what it opens, and holds
    // the visible word (WCAG 2.5.3: "Danh mục" said aloud finds it).
    const menu = page.getByRole('button', { name: /^Danh mục trang/ });
    // The closed menu's list is out of the accessibility tree; the locators find it all the same.
    const nav = page.getByRole('navigation', { name: 'Chức năng', includeHidden: true });
    const link = (name: string) => nav.getByRole('link', { name, includeHidden: true });
    await expect(page.getByTestId('nav-current').textContent()).resolves.toBe('Tiến độ tuần');
    await expect(menu.textContent()).resolves.toMatch(/^☰ Danh mục/);
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(nav.isHidden()).resolves.toBe(true);
    const navId = await nav.getAttribute('id');
    await expect(menu.getAttribute('aria-controls')).resolves.toBe(navId);

    // The draft waiting for this approver shows on the closed menu's button, and is in its name.
    const badge = page.getByTestId('menu-badge');
    await eventually(
      () => menu.getAttribute('aria-label'),
      (name) => name === 'Danh mục trang, 1 bản tin chờ duyệt',
      { what: 'the waiting draft in the menu button’s name' },
    );
    await expect(badge.isVisible()).resolves.toBe(true);
    await expect(badge.textContent()).resolves.toBe('1');

    // From the keyboard: the button opens the whole list, the current page marked; Escape closes.
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(nav.isVisible()).resolves.toBe(true);
    const approvals = link('Duyệt');
    const live = link('Phát trực tiếp');
    for (const tab of [approvals, live]) await expect(tab.isVisible()).resolves.toBe(true);
    await expect(link('Tiến độ tuần').getAttribute('aria-current')).resolves.toBe('page');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(nav.isHidden()).resolves.toBe(true);
    // Escape from inside the list hands the focus back to the button.
    await expect(page.locator('button[aria-controls]:focus').textContent()).resolves.toContain(
      'Danh mục',
    );

    // A tap outside the open menu closes it: on the page's heading, which does nothing else.
    await menu.click();
    await expect(nav.isVisible()).resolves.toBe(true);
    await page.getByRole('heading', { level: 1 }).click();
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(nav.isHidden()).resolves.toBe(true);
    // A tap outside it on a button closes it and still presses the button.
    await menu.click();
    await page.getByTestId('notices-button').click();
    const notices = page.getByRole('dialog', { name: 'Thông báo' });
    await notices.waitFor();
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(nav.isHidden()).resolves.toBe(true);
    await notices.getByRole('button', { name: 'Đóng' }).click();
    await notices.waitFor({ state: 'detached' });

    // A tap opens it, choosing "Duyệt" lands there with the menu closed and the name in the bar.
    await menu.click();
    await screenshot(page, 'phone-menu');
    await approvals.click();
    await page.getByRole('heading', { level: 1, name: 'Duyệt bản tin' }).waitFor();
    expect(page.url()).toMatch(/#\/duyet$/);
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(nav.isHidden()).resolves.toBe(true);
    await expect(page.getByTestId('nav-current').textContent()).resolves.toBe('Duyệt');
    await expect(approvals.getAttribute('aria-current')).resolves.toBe('page');
    // Choosing the page already shown closes the menu too.
    await menu.click();
    await approvals.click();
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');

    // Nothing waits once the draft is approved: the count leaves the button and its name.
    await app
      .http()
      .post(`/api/v1/bulletins/${draftId}/approve`)
      .set(bearer(approver))
      .send({})
      .expect(200);
    await menu.click();
    await link('Tiến độ tuần').click();
    await eventually(
      () => menu.getAttribute('aria-label'),
      (name) => name === 'Danh mục trang',
      { what: 'the menu button’s name without a count' },
    );
    await expect(badge.isHidden()).resolves.toBe(true);

    // A desktop shows the same links as tabs, and no menu button.
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect(menu.isHidden()).resolves.toBe(true);
    await expect(nav.isVisible()).resolves.toBe(true);
    for (const tab of [approvals, live]) await expect(tab.isVisible()).resolves.toBe(true);
    const [width, height] = await link('Tiến độ tuần').evaluate(size);
    expect(height).toBeLessThan(60);
    expect(width).toBeLessThan(200);
    await page.close();
  });

  it('wrote no script errors to the console', () => {
    // The refusals the tests asked for (overlaps, a window across midnight) are the only ones.
    expect(browser.problems).toEqual([
      expect.objectContaining({ tab: 'phone-add', text: expect.stringContaining('status of 409') }),
      expect.objectContaining({ tab: 'phone-add', text: expect.stringContaining('status of 409') }),
      expect.objectContaining({
        tab: 'phone-move',
        text: expect.stringContaining('status of 409'),
      }),
      expect.objectContaining({
        tab: 'phone-windows',
        text: expect.stringContaining('status of 400'),
      }),
    ]);
  });
});
