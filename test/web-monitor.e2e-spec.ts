import type { Page } from 'playwright-core';
import { mondayOf } from '../web/src/format';
import { SlotBook } from './support/as-run-data';
import {
  buildWebApp,
  elementsPastRightEdge,
  launchBrowser,
  listen,
  screenshot,
  signIn,
} from './support/browser';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(300_000);

const PROVINCE = '38';
const GOOD = '14797';
const CAMPAIGN = 'cds-dang-chay';
const MONITOR = { username: 'giamsat.web', password: 'giamsat-password' };
const OPERATOR = { username: 'vanhanh.web', password: 'vanhanh-password' };
const PHONE = { width: 390, height: 844 };
/** On how many lines each piece of the grid's cells (compliance-cell cellParts) is laid out. */
const CELL_PART_LINES = `[...document.querySelectorAll('[data-testid=compliance-grid] .cell-part')]
  .map((part) => part.getClientRects().length)`;

/** Every piece of every cell on one line: a line break falls between pieces, never inside one. */
async function expectCellPartsWhole(page: Page): Promise<void> {
  const lines = await page.evaluate<number[]>(CELL_PART_LINES);
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.filter((count) => count !== 1)).toEqual([]);
}

function localToday(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const dmy = (iso: string): string => iso.split('-').reverse().join('/');

/**
 * A monitor checks a province during a running campaign, and an operator types a time, in an
 * English Chromium (dates must still read dd/mm/yyyy, times 24 h); then both go through their
 * main pages on a phone, where no page may be wider than the screen. The campaign started two
 * days before today, whatever today is: the service and the browser run on the real clock.
 */
describe('monitor views, dates and phones in a browser (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let admin: string;
  let operatorToken: string;
  let communeCount: number;
  const today = localToday();
  const startsOn = addDays(today, -2);

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api' });
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    await createUserAndLogin(app, admin, { ...MONITOR, role: 'monitor', provinceCode: PROVINCE });
    operatorToken = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'operator',
      communeCode: GOOD,
    });
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: CAMPAIGN,
        name: 'Chiến dịch đang chạy',
        startsOn,
        endsOn: addDays(today, 27),
        rules: [
          { topic: 'kinh-te-so', minSecondsPerWeek: 700, minPlaysPerWeek: 7 },
          { topic: 'xa-hoi-so', minSecondsPerWeek: 700 },
        ],
        minDailySeconds: 300,
      })
      .expect(201);
    // 60 records on the campaign's first day (600 s: at the minimum), none on the second.
    const slots = new SlotBook();
    const records = Array.from({ length: 60 }, (_, index) => {
      const start = slots.take(GOOD, startsOn) as string;
      return index % 10 === 9
        ? {
            outcome: 'missed',
            title: `Bản tin ${index}`,
            topics: ['kinh-te-so'],
            startedAt: start,
            reason: 'Mất điện',
          }
        : {
            outcome: 'aired',
            title: `Bản tin ${index}`,
            topics: [index % 2 ? 'kinh-te-so' : 'xa-hoi-so'],
            startedAt: start,
            endedAt: new Date(Date.parse(start) + 11_000).toISOString(),
            source: 'import',
          };
    });
    await app
      .http()
      .post(`/api/v1/communes/${GOOD}/playout-log/batch`)
      .set(bearer(admin))
      .send({ records })
      .expect(201);
    const communes = await app
      .http()
      .get(`/api/v1/communes?province=${PROVINCE}`)
      .set(bearer(admin))
      .expect(200);
    communeCount = (communes.body as unknown[]).length;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it('shows the province to date, worst first, with an overview, in an English browser', async () => {
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const page = await browser.newTab('monitor');
      expect(await page.evaluate('navigator.language')).toBe('en-US');
      await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
      await page.goto(`${baseUrl}/#/bao-cao?campaign=${CAMPAIGN}`);
      await page.getByTestId('progress-note').waitFor();
      expect(await page.getByTestId('progress-note').innerText()).toContain(
        `đã qua 2/30 ngày (đến hết ${dmy(addDays(today, -1))})`,
      );
      // The dates read dd/mm/yyyy in an English browser.
      expect(await page.getByLabel('Từ ngày').inputValue()).toBe(dmy(startsOn));
      expect(await page.getByLabel('Đến ngày').inputValue()).toBe(dmy(addDays(today, 27)));
      const tiles = page.getByTestId('province-overview').locator('a');
      expect(await tiles.count()).toBe(communeCount);
      // Worst first: a commune that aired nothing heads the grid, the one that aired is last.
      const names = await page.locator('[data-testid=compliance-grid] tbody th').allInnerTexts();
      expect(names).toHaveLength(communeCount);
      expect(names[names.length - 1]).toBe('Phường Hạc Thành');
      // Each cell reads airtime as the progress page does (not `4,4/3,4 phút`): what aired, short
      // of the target to date rounded down, against that target rounded up, then the whole range's.
      const cells = (row: 'first' | 'last') =>
        page
          .locator('[data-testid=compliance-grid] tbody tr')
          [row]()
          .locator('td')
          .allTextContents();
      const toDate = '3 phút 20 giây đến hôm nay (cả đợt 50 phút)';
      await expect(cells('last')).resolves.toEqual([
        `✓Đạt: 4 phút 24 giây / ${toDate} · 24/2 lượt`,
        `✓Đạt: 5 phút 30 giây / ${toDate}`,
      ]);
      await expect(cells('first')).resolves.toEqual([
        `✗Chưa đạt: 0 giây / ${toDate} · 0/2 lượt`,
        `✗Chưa đạt: 0 giây / ${toDate}`,
      ]);
      // A narrow column breaks a cell between its pieces, never inside one (`3 phút` / `20 giây`).
      await expectCellPartsWhole(page);
      // A cell's mark says what its colour says: the target to date met or not.
      const marks = await page.evaluate<[boolean, string][]>(
        `[...document.querySelectorAll('[data-testid=compliance-grid] td.cell')].map((cell) =>
          [cell.classList.contains('cell-met'), cell.querySelector('.cell-mark').textContent])`,
      );
      expect(marks.length).toBeGreaterThan(0);
      expect(marks.filter(([met, mark]) => mark !== (met ? '✓' : '✗'))).toEqual([]);
      // The uplift counts the days that have ended, not the 28 still to come as silence.
      await expect(page.getByTestId('uplift').innerText()).resolves.toContain(
        `từ ${dmy(startsOn)} đến ${dmy(addDays(today, -1))}`,
      );
      await screenshot(page, 'monitor-province-en', true);

      // A date typed dd/mm/yyyy reaches the report as the ISO date.
      await page.getByLabel('Từ ngày').fill(dmy(addDays(today, -1)));
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      await page.waitForURL(new RegExp(`from=${addDays(today, -1)}`));

      // The commune's tile leads to its drill-down: two passed days, records a page at a time.
      await page.goto(`${baseUrl}/#/bao-cao?campaign=${CAMPAIGN}`);
      await page.getByRole('link', { name: /^Phường Hạc Thành: / }).click();
      await page.getByRole('heading', { name: 'Phường Hạc Thành', level: 1 }).waitFor();
      expect(await page.locator('main').innerText()).toContain(': 1/2 ngày đã qua.');
      expect(await page.getByTestId('records-range').first().innerText()).toBe('Bản ghi 1–50 / 60');
      expect(await page.getByTestId('playout-record').count()).toBe(50);
      // The records' pager (the program log above has a week pager of its own).
      const records = page.locator('.commune-records');
      await records.getByRole('link', { name: 'Sau →' }).first().click();
      await page.getByText('Bản ghi 51–60 / 60').first().waitFor();
      expect(await page.getByTestId('playout-record').count()).toBe(10);
      await records.getByLabel('Kết quả').selectOption('missed');
      await records.getByRole('button', { name: 'Lọc' }).click();
      await page.getByText('Bản ghi 1–6 / 6').first().waitFor();
      await screenshot(page, 'monitor-commune-en', true);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('says in Vietnamese beside the dates what is wrong with a range, keeps the form, sends nothing', async () => {
    const later = addDays(today, 5);
    const backwards = `Ngày bắt đầu (${dmy(later)}) phải trước hoặc bằng ngày kết thúc (${dmy(today)})`;
    const tooLong = 'Khoảng ngày dài tối đa 366 ngày (đang chọn 401 ngày)';
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const page = await browser.newTab('monitor');
      await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
      const problem = page.getByTestId('date-range-problem');

      // Báo cáo chính thức: words typed for one report, then a range from after to.
      await page.goto(`${baseUrl}/#/bao-cao-chinh-thuc`);
      await page.getByTestId('official-draft-state').getByText(/./).waitFor();
      const drafts = (to: string) =>
        page.waitForResponse(
          (response) =>
            response.url().includes('/reports/official/drafts?') &&
            response.url().includes(`campaign=${CAMPAIGN}`) &&
            response.url().includes(`to=${to}`),
        );
      const chosen = drafts(today);
      await page.getByLabel('Chiến dịch').selectOption(CAMPAIGN);
      await page.getByLabel('Đến ngày').fill(dmy(today));
      await page.getByLabel('Đến ngày').press('Tab');
      await chosen;
      await page.waitForLoadState('networkidle');
      await page.getByLabel('Trích yếu').fill('Lời soạn cho báo cáo đến hôm nay');
      const sent: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/reports/official')) {
          sent.push(`${request.method()} ${request.url()}`);
        }
      });
      const downloads: string[] = [];
      page.on('download', (download) => downloads.push(download.suggestedFilename()));
      await page.getByLabel('Từ ngày').fill(dmy(later));
      await page.getByLabel('Từ ngày').press('Tab');
      await expect(problem.innerText()).resolves.toBe(backwards);
      await page.getByRole('button', { name: 'Tải PDF', exact: true }).click();
      await page.getByRole('button', { name: 'Tải PDF có chữ ký số' }).click();
      await page.getByRole('button', { name: 'Lưu dự thảo' }).click();
      await expect(problem.innerText()).resolves.toBe(backwards);
      // The message sits right after the dates; the form and the words typed are still there.
      await expect(
        page.evaluate<string>(
          "document.querySelector('[data-testid=date-range-problem]').previousElementSibling.querySelector('label').textContent",
        ),
      ).resolves.toBe('Đến ngày');
      await expect(page.getByLabel('Trích yếu').inputValue()).resolves.toBe(
        'Lời soạn cho báo cáo đến hôm nay',
      );
      await page.waitForTimeout(1000);
      expect(downloads).toEqual([]);
      expect(sent).toEqual([]);
      // More days than a report covers.
      await page.getByLabel('Từ ngày').fill(dmy(addDays(today, -400)));
      await page.getByLabel('Từ ngày').press('Tab');
      await expect(problem.innerText()).resolves.toBe(tooLong);
      await page.getByRole('button', { name: 'Tải PDF', exact: true }).click();
      await page.waitForTimeout(500);
      expect(downloads).toEqual([]);
      expect(sent).toEqual([]);
      await screenshot(page, 'monitor-official-bad-range');

      // Báo cáo tuân thủ: the filters stay, nothing is asked of the API.
      await page.goto(`${baseUrl}/#/bao-cao?campaign=${CAMPAIGN}`);
      await page.getByTestId('progress-note').waitFor();
      const url = page.url();
      await page.getByLabel('Từ ngày').fill(dmy(later));
      await page.getByLabel('Đến ngày').fill(dmy(today));
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      await expect(problem.innerText()).resolves.toBe(backwards);
      expect(page.url()).toBe(url);
      await page.getByLabel('Từ ngày').fill(dmy(addDays(today, -400)));
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      await expect(problem.innerText()).resolves.toBe(tooLong);
      expect(page.url()).toBe(url);
      await page.getByRole('heading', { name: 'Báo cáo tuân thủ', level: 1 }).waitFor();
      await screenshot(page, 'monitor-compliance-bad-range');

      // A link with such a range: each page shows what it can, and says why in Vietnamese.
      const links = [
        `bao-cao?campaign=${CAMPAIGN}&from=${later}&to=${today}`,
        `bao-cao/xa/${GOOD}?campaign=${CAMPAIGN}&from=${later}&to=${today}`,
        `doi-soat?commune=${GOOD}&from=${later}&to=${today}`,
      ];
      for (const link of links) {
        await page.goto(`${baseUrl}/#/${link}`);
        await problem.first().waitFor();
        await expect(problem.first().innerText()).resolves.toContain(backwards);
        const text = await page.locator('main').innerText();
        expect(text).not.toContain('Không tải được trang');
        expect(text).not.toContain('must not be after');
      }
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('judges no commune on the first day of a campaign, when no day has ended', async () => {
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'cds-hom-nay',
        name: 'Chiến dịch bắt đầu hôm nay',
        startsOn: today,
        endsOn: addDays(today, 13),
        rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 700 }],
        minDailySeconds: 300,
      })
      .expect(201);
    const browser = await launchBrowser();
    try {
      const page = await browser.newTab('monitor');
      await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
      await page.goto(`${baseUrl}/#/bao-cao?campaign=cds-hom-nay`);
      await page
        .getByText('Đợt này mới bắt đầu: chưa có ngày nào kết thúc, chưa tính chỉ tiêu.')
        .waitFor();
      // Not '166/166 xã đạt tiến độ' and every cell green: nothing is judged yet.
      const met = page.getByTestId('tile-met');
      await expect(met.locator('.tile-value').innerText()).resolves.toBe('—');
      await page
        .getByRole('heading', { name: 'Toàn tỉnh: chưa tính tiến độ (đợt mới bắt đầu)' })
        .waitFor();
      const grid = page.getByTestId('compliance-grid');
      await expect(grid.locator('td.cell-met, td.cell-near, td.cell-short').count()).resolves.toBe(
        0,
      );
      await expect(grid.locator('td.cell-pending').count()).resolves.toBe(communeCount);
      await expect(grid.locator('td.cell-pending .sr-only').first().innerText()).resolves.toBe(
        'Chưa tính:',
      );
      await page
        .getByTestId('uplift')
        .getByText('Chưa tính: chưa có ngày nào của đợt này kết thúc.')
        .waitFor();
      await expect(page.locator('.overview-tile.overview-pending').count()).resolves.toBe(
        communeCount,
      );
      await screenshot(page, 'monitor-province-first-day');
      // The commune's page says the same.
      await page.goto(`${baseUrl}/#/bao-cao/xa/${GOOD}?campaign=cds-hom-nay`);
      await page
        .getByText('Chưa tính tiến độ: chưa có ngày nào kết thúc.', { exact: false })
        .waitFor();
      await expect(page.locator('.topic-status li').innerText()).resolves.toContain('Chưa tính ·');
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('takes a 24 h time typed in an English browser', async () => {
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const page = await browser.newTab('operator');
      await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
      await page.goto(`${baseUrl}/#/khung-gio`);
      const start = page.getByLabel('Giờ bắt đầu');
      expect(await start.inputValue()).toBe('05:30');
      await page.getByLabel('Tên khung giờ').fill('Chiều');
      await start.fill('17:45');
      await page.getByRole('button', { name: 'Thêm khung giờ' }).click();
      await page.getByText('Đã thêm khung giờ phát.').waitFor();
      const windows = await app
        .http()
        .get(`/api/v1/communes/${GOOD}/windows`)
        .set(bearer(operatorToken))
        .expect(200);
      expect((windows.body as { startTime: string }[]).map((window) => window.startTime)).toEqual([
        '17:45',
      ]);
      // A time that is not a 24 h time is refused by the form, not sent.
      await page.getByLabel('Tên khung giờ').fill('Tối');
      await start.fill('25:10');
      await page.getByRole('button', { name: 'Thêm khung giờ' }).click();
      await page.getByText('Nhập giờ theo dạng 24 giờ, ví dụ 17:30.').waitFor();
      const after = await app
        .http()
        .get(`/api/v1/communes/${GOOD}/windows`)
        .set(bearer(operatorToken))
        .expect(200);
      expect(after.body).toHaveLength(1);
      await screenshot(page, 'operator-windows-en');
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("opens an ended campaign's commune on the campaign's last week and keeps the campaign while paging", async () => {
    // A campaign that ended weeks ago: its commune's program log is of its weeks, not this one.
    const endsOn = addDays(today, -30);
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'cds-da-xong',
        name: 'Chiến dịch đã kết thúc',
        startsOn: addDays(endsOn, -20),
        endsOn,
        rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 700 }],
        minDailySeconds: 300,
      })
      .expect(201);
    const lastMonday = mondayOf(endsOn);
    const browser = await launchBrowser();
    try {
      const page = await browser.newTab('monitor');
      await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
      await page.goto(`${baseUrl}/#/bao-cao/xa/${GOOD}?campaign=cds-da-xong`);
      await page.getByText(/^Chiến dịch đã kết thúc · từ /).waitFor();
      const range = page.locator('.pager .range-label');
      await range.getByText(`${dmy(lastMonday)} – ${dmy(addDays(lastMonday, 6))}`).waitFor();
      // A week back is still that campaign's report, a week earlier.
      await page.getByRole('link', { name: '← Tuần trước' }).click();
      await range
        .getByText(`${dmy(addDays(lastMonday, -7))} – ${dmy(addDays(lastMonday, -1))}`)
        .waitFor();
      await page.getByText(/^Chiến dịch đã kết thúc · từ /).waitFor();
      expect(new URL(page.url()).hash).toContain('campaign=cds-da-xong');
      // The running campaign opens on this week.
      await page.goto(`${baseUrl}/#/bao-cao/xa/${GOOD}?campaign=${CAMPAIGN}`);
      await page.getByText(/^Chiến dịch đang chạy · từ /).waitFor();
      await range
        .getByText(`${dmy(mondayOf(today))} – ${dmy(addDays(mondayOf(today), 6))}`)
        .waitFor();
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  async function widthOf(
    page: Page,
    name: string,
  ): Promise<{ name: string; width: number; past: string[]; unscoped: number }> {
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate<number>('document.scrollingElement.scrollWidth');
    await screenshot(page, `phone-${name}`);
    // Every column head names its column for a screen reader (ui/table.ts tableHead).
    const unscoped = await page.locator('thead th:not([scope="col"])').count();
    return {
      name,
      width,
      past: width > PHONE.width ? await elementsPastRightEdge(page) : [],
      unscoped,
    };
  }

  it('fits every main page of an operator and a monitor on a 390 px phone', async () => {
    const browser = await launchBrowser({ locale: 'en-US', viewport: PHONE });
    try {
      const operator = await browser.newTab('operator');
      await signIn(operator, baseUrl, OPERATOR.username, OPERATOR.password);
      const results = [];
      for (const path of [
        'lich',
        'ban-tin',
        'ban-tin/moi',
        `ke-hoach?campaign=${CAMPAIGN}`,
        'nhat-ky',
        'khung-gio',
        'cum-loa',
        'quy-dinh',
        'bao-cao-chinh-thuc',
        'doi-soat',
      ]) {
        await operator.goto(`${baseUrl}/#/${path}`);
        results.push(await widthOf(operator, `operator-${path.split('?')[0].replace('/', '-')}`));
      }
      // The emergency button is compact; the pages open from "Danh mục" (c23a58f), as a list that
      // fits the phone's width, not a strip of tabs that scrolls sideways.
      const button = await operator.locator('.emergency-button').boundingBox();
      expect(button?.height).toBeLessThan(48);
      expect(button?.width).toBeLessThan(PHONE.width / 2);
      const nav = operator.getByRole('navigation', { name: 'Chức năng' });
      await expect(nav.isVisible()).resolves.toBe(false);
      await operator.getByRole('button', { name: /^Danh mục trang/ }).click();
      await nav.getByRole('link', { name: 'Phát trực tiếp', exact: true }).waitFor();
      const menu = await operator.evaluate<{ scrolls: boolean; right: number }>(`(() => {
        const nav = document.querySelector('nav.tabs');
        const right = Math.max(...[...nav.querySelectorAll('a')].map((a) => a.getBoundingClientRect().right));
        return { scrolls: nav.scrollWidth > nav.clientWidth, right };
      })()`);
      expect(menu.scrolls).toBe(false);
      expect(menu.right).toBeLessThanOrEqual(PHONE.width);
      await operator.keyboard.press('Escape');
      await expect(nav.isVisible()).resolves.toBe(false);

      const monitor = await browser.newTab('monitor');
      await signIn(monitor, baseUrl, MONITOR.username, MONITOR.password);
      for (const path of [
        `bao-cao?campaign=${CAMPAIGN}`,
        `bao-cao/xa/${GOOD}?campaign=${CAMPAIGN}`,
        'chien-dich',
        'thu-vien',
        'thu-vien/moi',
        'nguon-tiep-am',
        'cum-loa-toan-tinh',
        'quy-dinh',
      ]) {
        await monitor.goto(`${baseUrl}/#/${path}`);
        results.push(await widthOf(monitor, `monitor-${path.split('?')[0].replace(/\//g, '-')}`));
        if (path.startsWith('bao-cao?')) {
          // The grid scrolls in its own box; its cells break between their pieces only.
          const grid = monitor.getByTestId('compliance-grid');
          await grid.scrollIntoViewIfNeeded();
          await screenshot(monitor, 'phone-monitor-bao-cao-grid');
          await expectCellPartsWhole(monitor);
        }
      }
      expect(results.filter((result) => result.width > PHONE.width)).toEqual([]);
      expect(results.filter((result) => result.unscoped > 0)).toEqual([]);
      expect(browser.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
