import type { Page } from 'playwright-core';
import { addDays, localDateOf, localDateTime } from '../src/common/local-time';
import { mondayOf } from '../web/src/format';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
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

const OPERATOR = { username: 'vanhanh.tuan', password: 'vanhanh-password' };
const APPROVER = { username: 'lanhdao.tuan', password: 'lanhdao-password' };
const TOPICS = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];

jest.setTimeout(180_000);

/** The page's getComputedStyle (the tests compile without the DOM library). */
type StyleReader = { getComputedStyle(element: unknown): { backgroundColor: string } };

/** The parts of a page element the checks read (the tests compile without the DOM library). */
interface PageElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  parentElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
}

/** The days' dates (one self-contained function: it runs in the page). */
const dates = (elements: unknown[]): (string | null)[] =>
  elements.map((element) => (element as PageElement).getAttribute('data-date'));

/** Its width and height, and its parent's or a part's, in px. */
const heights = (element: unknown): number[] => {
  const block = element as PageElement;
  return [
    block.getBoundingClientRect().height,
    block.parentElement!.getBoundingClientRect().height,
  ];
};
const widths = (element: unknown): number[] => {
  const row = element as PageElement;
  return [
    row.querySelector('.progress-planned')!.getBoundingClientRect().width,
    row.querySelector('.progress-bar')!.getBoundingClientRect().width,
  ];
};

/** An element's computed background colour (evaluated in the page). */
const BACKGROUND = (element: unknown): string =>
  (globalThis as unknown as StyleReader).getComputedStyle(element).backgroundColor;

/**
 * Issue 16, items 3 and 4: the program log as a week calendar (days × windows, topic colours,
 * free minutes, week navigation, the list as a second view), the operator's week against the
 * campaign's targets, and a plan preview with grouped, correctly caused shortfalls and Apply in view.
 * Every date is relative to today, so the test holds on any date and at any hour.
 */
describe('week calendar, week progress and plan preview (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  const today = localDateOf(new Date());
  const thisMonday = mondayOf(today);
  const nextMonday = addDays(thisMonday, 7);
  const lastMonday = addDays(thisMonday, -7);
  const bulletins = new Map<string, string>();

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage);
    baseUrl = await listen(app);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const operator = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'operator',
      communeCode: HAC_THANH,
    });
    const approver = await createUserAndLogin(app, admin, {
      ...APPROVER,
      role: 'approver',
      communeCode: HAC_THANH,
    });
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'e2e-tuan',
        name: 'Tuyên truyền chuyển đổi số (e2e)',
        startsOn: addDays(lastMonday, 0),
        endsOn: addDays(nextMonday, 20),
        rules: TOPICS.map((topic) => ({ topic, minSecondsPerWeek: 600, minPlaysPerWeek: 5 })),
        minDailySeconds: 600,
      })
      .expect(201);
    await createWindow(app, operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    await createWindow(app, operator, HAC_THANH, {
      name: 'Chiều',
      startTime: '17:00',
      durationMinutes: 30,
    });
    // Three approved bulletins; the fourth topic's waits for approval (the planner cannot use it).
    for (const topic of TOPICS) {
      const spec = { title: `Tin ${topic}`, topics: [topic], durationMs: 60_000 };
      bulletins.set(
        topic,
        topic === 'mo-hinh-2-cap'
          ? (await createDraft(app, operator, HAC_THANH, spec)).id
          : await createApproved(app, operator, approver, HAC_THANH, spec),
      );
    }
    // Next week: four items in Monday's morning window, one on Tuesday evening, an emergency at noon.
    for (const [index, topic] of TOPICS.entries()) {
      await insertScheduleItem(app, {
        communeCode: HAC_THANH,
        bulletinId: bulletins.get(topic)!,
        startsAt: localDateTime(nextMonday, 5 * 60 + 30 + index * 2),
        durationMs: 60_000,
      });
    }
    await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: bulletins.get('kinh-te-so')!,
      startsAt: localDateTime(addDays(nextMonday, 1), 17 * 60 + 10),
      durationMs: 60_000,
    });
    await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: bulletins.get('xa-hoi-so')!,
      startsAt: localDateTime(addDays(nextMonday, 2), 12 * 60),
      durationMs: 60_000,
      source: 'emergency',
    });
    // Last week (past on any date): 42 s of Kinh tế số aired, by the operator's record (the
    // bulletin was cut short).
    const aired = localDateTime(addDays(lastMonday, 2), 17 * 60);
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(operator))
      .set('Idempotency-Key', 'e2e-tuan-aired')
      .send({
        outcome: 'aired',
        bulletinId: bulletins.get('kinh-te-so'),
        startedAt: aired.toISOString(),
        endedAt: new Date(aired.getTime() + 42_000).toISOString(),
      })
      .expect(201);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  async function openWeek(page: Page, date: string, layout?: string): Promise<void> {
    await page.goto(`${baseUrl}/#/lich?view=week&date=${date}${layout ? `&layout=${layout}` : ''}`);
    await page.getByRole('heading', { level: 1, name: 'Lịch phát sóng' }).waitFor();
  }

  it('shows the week as days × windows with topic colours, free minutes and navigation', async () => {
    const page = await browser.newTab('week');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await openWeek(page, nextMonday, 'calendar');
    const calendar = page.getByTestId('week-calendar');
    await calendar.waitFor();
    await expect(page.getByTestId('week-day').evaluateAll(dates)).resolves.toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((offset) => addDays(nextMonday, offset)),
    );
    await expect(page.getByTestId('week-day').first().textContent()).resolves.toMatch(
      new RegExp(`^T2 ${nextMonday.slice(8, 10)}/${nextMonday.slice(5, 7)}`),
    );

    // Monday morning: four one-minute blocks, 26 minutes free; one colour per topic.
    const mondayMorning = page
      .locator(`[data-testid="week-cell"][data-date="${nextMonday}"]`)
      .first();
    await expect(mondayMorning.getByTestId('week-block').count()).resolves.toBe(4);
    await expect(mondayMorning.getByTestId('week-free').textContent()).resolves.toBe(
      'Trống 26 phút',
    );
    const colours = await mondayMorning
      .getByTestId('week-block')
      .evaluateAll((blocks) =>
        blocks.map(
          (block) => (globalThis as unknown as StyleReader).getComputedStyle(block).backgroundColor,
        ),
      );
    expect(new Set(colours).size).toBe(4);
    // The legend's chip of a topic has the block's colour (one helper for the whole app).
    const kinhTe = mondayMorning.locator('[data-topic="kinh-te-so"]');
    const legendKinhTe = page.locator('.week-legend [data-topic="kinh-te-so"]');
    await expect(kinhTe.evaluate(BACKGROUND)).resolves.toBe(
      await legendKinhTe.evaluate(BACKGROUND),
    );
    // A block's height is its share of the window (one minute of thirty), but never below 18 px
    // so that it can be seen and hit; the four, two minutes apart, share a slot side by side
    // under a badge that counts them.
    const [blockHeight, trackHeight] = await kinhTe.evaluate(heights);
    expect(blockHeight).toBeCloseTo(Math.max(18, trackHeight / 30), 0);
    await expect(mondayMorning.getByTestId('week-slot-count').allTextContents()).resolves.toEqual([
      '4',
    ]);
    // Empty windows show all their time free; the emergency outside windows is drawn apart.
    await expect(
      page
        .locator(`[data-testid="week-cell"][data-date="${addDays(nextMonday, 3)}"]`)
        .first()
        .getByTestId('week-free')
        .textContent(),
    ).resolves.toBe('Trống 30 phút');
    await expect(page.locator('.week-outside [data-kind="emergency"]').count()).resolves.toBe(1);
    await screenshot(page, 'lich-tuan');

    // A click on a block shows the item and offers to cancel it.
    await kinhTe.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('item-detail').waitFor();
    await expect(dialog.textContent()).resolves.toContain('Tin kinh-te-so');
    await expect(dialog.textContent()).resolves.toContain('Kinh tế số');
    await expect(dialog.textContent()).resolves.toContain('Đã lên lịch');
    await expect(dialog.getByRole('button', { name: 'Huỷ mục này' }).count()).resolves.toBe(1);
    await screenshot(page, 'lich-tuan-chi-tiet');
    await dialog.getByTestId('item-detail').getByRole('button', { name: 'Đóng' }).click();

    // Previous week: this week, today marked.
    await page.getByRole('link', { name: '← Tuần trước' }).click();
    await page.locator(`[data-testid="week-day"][data-date="${thisMonday}"]`).waitFor();
    await expect(page.locator('.week-day-head.week-today').getAttribute('data-date')).resolves.toBe(
      today,
    );
    // The week before: every window is over, and none says it has minutes free.
    await page.getByRole('link', { name: '← Tuần trước' }).click();
    await page.locator(`[data-testid="week-day"][data-date="${lastMonday}"]`).waitFor();
    const lastWeek = await page.getByTestId('week-free').allTextContents();
    expect(lastWeek.length).toBeGreaterThan(0);
    expect(new Set(lastWeek)).toEqual(new Set(['Đã qua']));
    await page.getByRole('link', { name: 'Tuần sau →' }).click();
    await page.locator(`[data-testid="week-day"][data-date="${thisMonday}"]`).waitFor();
    await page.getByRole('link', { name: 'Tuần sau →' }).click();
    await page.locator(`[data-testid="week-day"][data-date="${nextMonday}"]`).waitFor();
    await page.close();
  });

  it('keeps the list as a second view, and remembers the choice', async () => {
    const page = await browser.newTab('list');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await openWeek(page, nextMonday);
    await page.getByTestId('week-calendar').waitFor();
    await page.getByTestId('layout-list').click();
    await page.getByTestId('schedule-item').first().waitFor();
    await expect(page.getByTestId('schedule-item').count()).resolves.toBe(6);
    await expect(page.getByTestId('week-calendar').count()).resolves.toBe(0);
    // Opened again without saying how: the list, as chosen last.
    await openWeek(page, nextMonday);
    await page.getByTestId('schedule-item').first().waitFor();
    await expect(page.getByTestId('week-calendar').count()).resolves.toBe(0);
    await page.getByTestId('layout-calendar').click();
    await page.getByTestId('week-calendar').waitFor();
    await page.close();
  });

  it("shows the operator's week against each topic target: aired, planned, missing", async () => {
    const page = await browser.newTab('home');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/tien-do`);
    await page.getByRole('heading', { level: 1, name: 'Tiến độ tuần này' }).waitFor();
    await page.getByRole('link', { name: 'Tuần sau →' }).click();
    await page
      .getByRole('heading', {
        level: 1,
        name: `Tiến độ tuần ${nextMonday.slice(8, 10)}/${nextMonday.slice(5, 7)} – `,
      })
      .waitFor();
    const rows = page.getByTestId('topic-progress');
    await expect(rows.count()).resolves.toBe(4);
    const kinhTe = page.locator('[data-testid="topic-progress"][data-topic="kinh-te-so"]');
    await expect(kinhTe.getByTestId('aired').textContent()).resolves.toBe(
      'Đã phát 0 giây · 0 lượt',
    );
    await expect(kinhTe.getByTestId('planned').textContent()).resolves.toBe(
      'Đã lên lịch 2 phút · 2 lượt',
    );
    await expect(kinhTe.getByTestId('missing').textContent()).resolves.toBe(
      'Còn thiếu 8 phút · 3 lượt',
    );
    // The bars: the planned part is a fifth of the target's width.
    const [planned, whole] = await kinhTe.evaluate(widths);
    expect(Math.abs(planned / whole - 0.2)).toBeLessThan(0.02);
    // The daily minimum (10 min of campaign airtime a day), judged as the planner judges it:
    // Monday has its four minutes, Tuesday one, Wednesday the emergency's one, the rest none.
    const minimum = page.getByTestId('daily-minimum');
    await expect(minimum.getAttribute('data-met')).resolves.toBe('false');
    await expect(minimum.getByTestId('daily-minimum-summary').textContent()).resolves.toMatch(
      /^Chưa đủ mức tối thiểu 10 phút tuyên truyền chiến dịch mỗi ngày: 7 ngày còn thiếu \(/,
    );
    const dayRow = (date: string) =>
      minimum.locator(`[data-testid="day-minimum"][data-date="${date}"]`).textContent();
    await expect(dayRow(nextMonday)).resolves.toBe(
      `T2 ${nextMonday.slice(8, 10)}/${nextMonday.slice(5, 7)}: có 4 phút; còn thiếu 6 phút`,
    );
    const thursday = addDays(nextMonday, 3);
    await expect(dayRow(thursday)).resolves.toBe(
      `T5 ${thursday.slice(8, 10)}/${thursday.slice(5, 7)}: có 0 giây; còn thiếu 10 phút`,
    );
    const link = page.getByTestId('plan-missing');
    await expect(link.textContent()).resolves.toBe(
      'Lập kế hoạch cho phần còn thiếu (4 chủ đề, 7 ngày dưới mức tối thiểu)',
    );
    await screenshot(page, 'tien-do-tuan');

    // Last week: the 42 aired seconds, from the as-run log, as a person says them beside the
    // target of ten minutes (not `0,7 phút` aired, `9,3 phút` missing).
    await page.goto(`${baseUrl}/#/tien-do?date=${lastMonday}`);
    const numbers = page.locator(
      '[data-testid="topic-progress"][data-topic="kinh-te-so"] .progress-numbers',
    );
    await numbers.filter({ hasText: 'Đã phát 42 giây · 1 lượt' }).waitFor();
    await expect(numbers.textContent()).resolves.toBe(
      'Đã phát 42 giây · 1 lượt · Đã lên lịch 0 giây · 0 lượt · ' +
        'Còn thiếu 9 phút 18 giây · 4 lượt (chỉ tiêu 10 phút, 5 lượt)',
    );
    await screenshot(page, 'tien-do-tuan-truoc');
    await page.close();
  });

  it('says a topic met is met, names only what is missing, and rounds a day short by 0,4 s up', async () => {
    // The campaign's last week (after the plan preview's two): Xã hội số met by five 2-minute
    // items on Monday; Kinh tế số's ten minutes in one item on Wednesday, its plays not met;
    // Chính quyền số 0,4 s and four plays short on Tuesday, which is 0,4 s under the daily minimum.
    const week = addDays(nextMonday, 14);
    const item = (topic: string, day: number, minute: number, durationMs: number) =>
      insertScheduleItem(app, {
        communeCode: HAC_THANH,
        bulletinId: bulletins.get(topic)!,
        startsAt: localDateTime(addDays(week, day), 5 * 60 + 30 + minute),
        durationMs,
      });
    for (const minute of [0, 2, 4, 6, 8]) await item('xa-hoi-so', 0, minute, 120_000);
    await item('chinh-quyen-so', 1, 0, 599_600);
    await item('kinh-te-so', 2, 0, 600_000);
    const page = await browser.newTab('home-met');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/tien-do?date=${week}`);
    const row = (topic: string) =>
      page.locator(`[data-testid="topic-progress"][data-topic="${topic}"]`);
    await row('xa-hoi-so')
      .getByTestId('planned')
      .getByText('Đã lên lịch 10 phút · 5 lượt')
      .waitFor();
    // Met: it says so, as its head does, not "Còn thiếu 0 giây · 0 lượt".
    await expect(row('xa-hoi-so').locator('.progress-head').textContent()).resolves.toContain(
      '✓ Đủ chỉ tiêu',
    );
    await expect(row('xa-hoi-so').getByTestId('missing').textContent()).resolves.toBe(
      'Đủ chỉ tiêu',
    );
    // Only what is missing: no "0 giây" beside the plays.
    await expect(row('kinh-te-so').getByTestId('missing').textContent()).resolves.toBe(
      'Còn thiếu 4 lượt',
    );
    // 0,4 s short: the planned airtime rounds down, the shortfall up.
    await expect(row('chinh-quyen-so').locator('.progress-numbers').textContent()).resolves.toBe(
      'Đã phát 0 giây · 0 lượt · Đã lên lịch 9 phút 59 giây · 1 lượt · ' +
        'Còn thiếu 1 giây · 4 lượt (chỉ tiêu 10 phút, 5 lượt)',
    );
    const day = (offset: number) =>
      page
        .getByTestId('daily-minimum')
        .locator(`[data-testid="day-minimum"][data-date="${addDays(week, offset)}"]`)
        .textContent();
    const label = (offset: number) =>
      `${addDays(week, offset).slice(8, 10)}/${addDays(week, offset).slice(5, 7)}`;
    await expect(day(0)).resolves.toBe(`T2 ${label(0)}: có 10 phút ✓`);
    // It read "có 10 phút; còn thiếu 0 giây".
    await expect(day(1)).resolves.toBe(`T3 ${label(1)}: có 9 phút 59 giây; còn thiếu 1 giây`);
    await screenshot(page, 'tien-do-tuan-dat');
    await page.close();
  });

  it('groups the plan preview shortfalls by cause with the fix, and keeps Apply in view', async () => {
    const page = await browser.newTab('plan');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(
      `${baseUrl}/#/ke-hoach?campaign=e2e-tuan&from=${nextMonday}&to=${addDays(nextMonday, 13)}`,
    );
    await page.getByRole('heading', { level: 1, name: 'Lập kế hoạch chiến dịch' }).waitFor();
    await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
    const shortfalls = page.getByTestId('shortfall-group');
    await shortfalls.first().waitFor();
    const texts = await shortfalls.allTextContents();
    // Fourteen days short of the daily minimum for one cause: one line, not fourteen.
    const daily = texts.filter((text) => text.includes('tổng thời lượng tuyên truyền chiến dịch'));
    expect(daily).toHaveLength(1);
    expect(daily[0]).toContain('14 ngày liền');
    expect(daily[0]).toContain('mỗi bản tin chỉ được phát một lần trong mỗi khung giờ');
    // Each new one-minute bulletin plays in both windows of a day: two cover the 4 min missing.
    expect(daily[0]).toContain(
      'Thêm 2 bản tin mang một chủ đề của chiến dịch (mỗi bản tin dài khoảng 1 phút, phát được 2 lần trong các khung giờ còn lại)',
    );
    expect(daily[0]).not.toMatch(/Thêm \d+ bản tin (Kinh tế số|Chính quyền số|Xã hội số)/);
    // The topic without an approved bulletin: one line for both weeks, naming the topic to add.
    const missingTopic = texts.filter((text) =>
      text.includes('Mô hình chính quyền địa phương 2 cấp'),
    );
    expect(missingTopic).toHaveLength(1);
    expect(missingTopic[0]).toContain('2 tuần');
    // No bulletin of the topic to measure its airtime by: the count is a floor, and says so.
    expect(missingTopic[0]).toContain(
      'Thêm ít nhất 1 bản tin Mô hình chính quyền địa phương 2 cấp',
    );
    expect(texts.join('\n')).not.toContain('đã phát đủ số lần');
    expect(texts.length).toBeLessThanOrEqual(3);

    // A long preview: at its bottom, Apply is still on screen.
    const apply = page.getByRole('button', { name: /^Áp dụng kế hoạch/ });
    await page.getByTestId('plan-item').last().scrollIntoViewIfNeeded();
    const box = await apply.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(768);
    expect(await page.evaluate('document.documentElement.scrollHeight')).toBeGreaterThan(1500);
    await screenshot(page, 'ke-hoach-cuoi-trang');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'ke-hoach-thieu-chi-tieu');
    await page.close();
  });

  it('wrote no script errors to the console', () => {
    expect(browser.problems.filter((problem) => problem.kind === 'pageerror')).toEqual([]);
  });
});
