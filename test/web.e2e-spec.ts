import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, localDateOf } from '../src/common/local-time';
import {
  Browser,
  buildWebApp,
  elementsPastRightEdge,
  horizontalOverflow,
  launchBrowser,
  listen,
  screenshot,
  signIn,
} from './support/browser';
import { formatDate, formatDayMonth, mondayOf } from '../web/src/format';
import { eventually } from './support/eventually';
import { pdfText } from './support/pdf-tools';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const COMMUNE = '14797'; // Phường Hạc Thành, Thanh Hóa
const OPERATOR = { username: 'vanhanh.hacthanh', password: 'vanhanh-password' };
const APPROVER = { username: 'lanhdao.hacthanh', password: 'lanhdao-password' };
const MONITOR = { username: 'giamsat.thanhhoa', password: 'giamsat-password' };
const LOCKED = {
  username: 'nghiviec.hacthanh',
  password: 'nghiviec-password',
  role: 'operator',
  communeCode: COMMUNE,
} as const;
const CAMPAIGN = 'e2e-tuan-cds';

/** Sentences of the provincial letter (cong-van-so-khcn-thanh-hoa-2025.txt). */
const LETTER_SENTENCE =
  'Chỉ đạo Trung tâm cung ứng dịch vụ công tăng cường thời lượng nội dung tin bài tuyên truyền về ngày chuyển đổi số quốc gia trên đài truyền thanh cơ sở của địa phương.';
const RECORDED_SENTENCE =
  'Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn. Đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân kỹ năng số.';

// A browser, audio processing and real time: steps take seconds, not milliseconds.
jest.setTimeout(180_000);

describe('web app in a browser (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let admin: string;
  let recording: string;
  const today = localDateOf(new Date());

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage);
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    for (const [spec, role] of [
      [OPERATOR, 'operator'],
      [APPROVER, 'approver'],
    ] as const) {
      await createUserAndLogin(app, admin, { ...spec, role, communeCode: COMMUNE });
    }
    await createUserAndLogin(app, admin, { ...MONITOR, role: 'monitor', provinceCode: '38' });
    // A campaign running now, so that a week can be planned (cds-2025 is over).
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: CAMPAIGN,
        name: 'Tuyên truyền chuyển đổi số (tuần thử)',
        startsOn: addDays(today, -7),
        endsOn: addDays(today, 20),
        rules: [
          { topic: 'chinh-quyen-so', minSecondsPerWeek: 600, minPlaysPerWeek: 7 },
          { topic: 'kinh-te-so', minSecondsPerWeek: 600, minPlaysPerWeek: 7 },
          { topic: 'xa-hoi-so', minSecondsPerWeek: 600, minPlaysPerWeek: 7 },
          { topic: 'mo-hinh-2-cap', minSecondsPerWeek: 600, minPlaysPerWeek: 7 },
        ],
        minDailySeconds: 300,
      })
      .expect(201);
    // A real recording to upload: Vietnamese speech made by espeak-ng.
    recording = join(storage.dir, 'ban-tin-ghi-am.wav');
    execFileSync('espeak-ng', ['-v', 'vi', '-w', recording, RECORDED_SENTENCE]);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  async function heading(page: Page, text: string): Promise<void> {
    await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
  }

  async function go(page: Page, navLabel: string, title: string): Promise<void> {
    // On a phone the pages are behind the "Danh mục" button (its name may carry a count).
    const menu = page.getByRole('button', { name: /^Danh mục trang/ });
    if (await menu.isVisible()) await menu.click();
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: navLabel, exact: true })
      .click();
    await heading(page, title);
  }

  async function audioReady(page: Page): Promise<void> {
    await page.getByText('Âm thanh đã sẵn sàng.').waitFor({ timeout: 60_000 });
  }

  it('shows Vietnamese errors on a wrong password and keeps the token out of the page URL', async () => {
    const page = await browser.newTab('login');
    await page.goto(`${baseUrl}/`);
    await heading(page, 'Loa xã');
    await screenshot(page, '01-dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(OPERATOR.username);
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('Sai tên đăng nhập hoặc mật khẩu').waitFor();
    expect(page.url()).not.toContain('password');

    // A locked account's holder, with the right password, is told to ask an admin.
    await createUserAndLogin(app, admin, LOCKED);
    const users = await app
      .http()
      .get('/api/v1/users?commune=14797')
      .set(bearer(admin))
      .expect(200);
    const locked = (users.body as { id: string; username: string }[]).find(
      (user) => user.username === LOCKED.username,
    )!;
    await app
      .http()
      .patch(`/api/v1/users/${locked.id}`)
      .set(bearer(admin))
      .send({ disabled: true })
      .expect(200);
    await page.getByLabel('Tên đăng nhập').fill(LOCKED.username);
    await page.getByLabel('Mật khẩu').fill(LOCKED.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page
      .getByText('Tài khoản này đã bị khoá, vui lòng liên hệ quản trị viên để mở khoá')
      .waitFor();
    await page.close();
  });

  it('lets an operator set windows, upload a recording and synthesize a text', async () => {
    const page = await browser.newTab('operator');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await heading(page, 'Tiến độ tuần này');
    await expect(page.getByTestId('place').textContent()).resolves.toContain('Phường Hạc Thành');

    await go(page, 'Khung giờ phát', 'Khung giờ phát');
    for (const [name, start] of [
      ['Sáng', '05:30'],
      ['Trưa', '11:00'],
      ['Chiều', '17:00'],
      ['Tối', '20:00'],
    ]) {
      await page.getByLabel('Tên khung giờ').fill(name);
      await page.getByLabel('Giờ bắt đầu').fill(start);
      await page.getByLabel('Thời lượng (phút)').fill('30');
      await page.getByRole('button', { name: 'Thêm khung giờ' }).click();
      await page.getByRole('cell', { name, exact: true }).waitFor();
    }
    await screenshot(page, '02-khung-gio-phat');

    // Upload a recording, with progress, then listen and save it.
    await go(page, 'Tạo bản tin', 'Tạo bản tin');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Chọn tệp: Tệp ghi âm' }).click(),
    ]);
    await chooser.setFiles(recording);
    // Choosing the file uploads it.
    await page.getByText('ban-tin-ghi-am.wav').waitFor();
    await audioReady(page);
    // Its loudness as Vietnamese write it: a real minus and a decimal comma (−16,1 LUFS).
    await expect(page.locator('.ready-box').textContent()).resolves.toMatch(
      /độ lớn −\d+(,\d)? LUFS/,
    );
    // The upload's progress went when the server took the file; the ready audio stands alone.
    await expect(page.getByLabel('Tiến độ tải lên').count()).resolves.toBe(0);
    await expect(page.getByText('Đã gửi tệp, đang kiểm tra…').count()).resolves.toBe(0);
    await page.getByLabel('Tiêu đề').fill('Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn');
    await page.getByLabel('Chính quyền số').check();
    await page.getByLabel('Kinh tế số', { exact: true }).check();
    await page.getByRole('button', { name: 'Lưu bản tin' }).click();
    await heading(page, 'Bản tin');
    await page
      .getByTestId('bulletin-row')
      .getByText('Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn')
      .waitFor();

    // Synthesize a sentence of the provincial letter with the southern voice.
    await page.getByRole('link', { name: '+ Tạo bản tin' }).click();
    await heading(page, 'Tạo bản tin');
    await page.getByRole('tab', { name: 'Tạo bản tin từ văn bản' }).click();
    await page.getByLabel('Nội dung bản tin').fill(LETTER_SENTENCE);
    await page.getByLabel('Giọng Nam').check();
    await page.getByRole('button', { name: 'Tạo giọng đọc' }).click();
    await audioReady(page);
    await page.getByRole('button', { name: 'Nghe thử bản ghi âm' }).click();
    const player = page.locator('audio');
    await player.waitFor();
    expect(await player.getAttribute('src')).toMatch(/^blob:/);
    await page.getByLabel('Tiêu đề').fill('Tăng cường tuyên truyền trên đài truyền thanh cơ sở');
    await page.getByLabel('Xã hội số').check();
    await page.getByLabel('Mô hình chính quyền địa phương 2 cấp').check();
    await screenshot(page, '03-tao-ban-tin-tu-van-ban');
    await page.getByRole('button', { name: 'Lưu bản tin' }).click();
    await heading(page, 'Bản tin');
    await expect(page.getByTestId('bulletin-row').count()).resolves.toBe(2);
    await expect(
      page.getByText('Chờ duyệt', { exact: true }).count(),
    ).resolves.toBeGreaterThanOrEqual(2);
    await screenshot(page, '04-ban-tin');

    const voices = await app
      .http()
      .get(`/api/v1/communes/${COMMUNE}/bulletins`)
      .set(bearer(admin))
      .expect(200);
    expect(voices.body).toHaveLength(2);
    await page.close();
  });

  it('lets the approver listen to and approve both bulletins', async () => {
    const page = await browser.newTab('approver');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await go(page, 'Duyệt', 'Duyệt bản tin');
    await expect(page.getByTestId('approval-card').count()).resolves.toBe(2);
    await screenshot(page, '05-duyet');
    for (let remaining = 2; remaining > 0; remaining -= 1) {
      await page
        .getByTestId('approval-card')
        .first()
        .getByRole('button', { name: /^Duyệt “/ })
        .click();
      await page.getByRole('dialog').getByRole('button', { name: 'Duyệt', exact: true }).click();
      await page
        .getByText(/^Đã duyệt “/)
        .first()
        .waitFor();
      await eventually(
        () => page.getByTestId('approval-card').count(),
        (count) => count === remaining - 1,
      );
    }
    await page.getByText('Không có bản tin nào chờ duyệt.').waitFor();
    await page.close();
  });
  it('lets the operator plan the week from a dry run and see it in the program log', async () => {
    const page = await browser.newTab('operator-plan');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await go(page, 'Kế hoạch chiến dịch', 'Lập kế hoạch chiến dịch');
    const to = addDays(today, 6);
    await page.getByLabel('Chiến dịch', { exact: true }).selectOption(CAMPAIGN);
    await page.getByLabel('Từ ngày').fill(today);
    await page.getByLabel('Đến ngày').fill(to);
    await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
    await page.getByRole('heading', { name: 'Xem trước kế hoạch (chưa lưu)' }).waitFor();
    const planned = await page.getByTestId('plan-item').count();
    expect(planned).toBeGreaterThan(0);
    const scheduled = async (): Promise<{ status: string; startsAt: string }[]> =>
      (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/schedule?from=${today}&to=${to}`)
          .set(bearer(admin))
          .expect(200)
      ).body as { status: string; startsAt: string }[];
    // Two short bulletins cannot fill 10 minutes a topic a week: the shortfalls say so, in Vietnamese.
    const shortfalls = page.getByTestId('shortfall');
    expect(await shortfalls.count()).toBeGreaterThan(0);
    expect(await shortfalls.first().textContent()).toMatch(/^Còn thiếu .+ Lý do: /);
    // The dry run wrote nothing.
    expect(await scheduled()).toHaveLength(0);
    await screenshot(page, '06-ke-hoach-xem-truoc');

    await page.getByRole('button', { name: `Áp dụng kế hoạch (${planned} lượt phát)` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Áp dụng', exact: true }).click();
    await page.getByRole('heading', { name: 'Kế hoạch đã áp dụng' }).waitFor();
    const items = await scheduled();
    expect(items.filter((item) => item.status !== 'cancelled')).toHaveLength(planned);

    // The program log shows what the API holds, window by window.
    await page.getByRole('link', { name: 'Xem lịch phát sóng' }).click();
    await heading(page, 'Lịch phát sóng');
    const week = (
      await app
        .http()
        .get(
          `/api/v1/communes/${COMMUNE}/schedule?from=${mondayOf(today)}&to=${addDays(mondayOf(today), 6)}`,
        )
        .set(bearer(admin))
        .expect(200)
    ).body as { status: string }[];
    // The week opens as a calendar: one block per item.
    await eventually(
      () => page.getByTestId('week-block').count(),
      (count) => count === week.filter((item) => item.status !== 'cancelled').length,
    );
    await screenshot(page, '07-lich-phat-song-tuan');
    await page.getByRole('link', { name: 'Hôm nay', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: /Hôm nay/ }).waitFor();
    await screenshot(page, '08-lich-phat-song-hom-nay');

    // By hand: one more item tomorrow evening, then one planned item taken off the log.
    const tomorrow = addDays(today, 1);
    const onTomorrow = async (): Promise<number> =>
      (
        (
          await app
            .http()
            .get(`/api/v1/communes/${COMMUNE}/schedule?from=${tomorrow}&to=${tomorrow}`)
            .set(bearer(admin))
            .expect(200)
        ).body as { status: string }[]
      ).filter((item) => item.status !== 'cancelled').length;
    const before = await onTomorrow();
    await page.getByRole('link', { name: 'Hôm sau →' }).click();
    await page
      .getByRole('heading', { level: 2, name: new RegExp(tomorrow.split('-').reverse().join('/')) })
      .waitFor();
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Ngày phát').fill(tomorrow);
    await dialog.getByLabel('Giờ bắt đầu').fill('20:25');
    await dialog.getByRole('button', { name: 'Thêm vào lịch' }).click();
    await page.getByText('Đã thêm bản tin vào lịch phát sóng.').waitFor();
    expect(await onTomorrow()).toBe(before + 1);
    await eventually(
      () => page.getByTestId('schedule-item').count(),
      (count) => count === before + 1,
    );
    await page.getByTestId('schedule-item').first().getByRole('button', { name: /^Huỷ / }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Huỷ mục này' }).click();
    await page.getByText('Đã huỷ mục trong lịch.').waitFor();
    expect(await onTomorrow()).toBe(before);

    // The week as a calendar file.
    const [calendar] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải lịch (.ics)' }).click(),
    ]);
    expect(readFileSync(await calendar.path(), 'utf8')).toMatch(/^BEGIN:VCALENDAR/);
    await page.close();
  });

  it('lets the operator import an as-run log from CSV and shows the chain intact', async () => {
    const page = await browser.newTab('operator-log');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await go(page, 'Nhật ký phát thanh', 'Nhật ký phát thanh');
    await page.getByTestId('chain').waitFor();
    const yesterday = addDays(today, -1);
    const tomorrow = addDays(today, 1);
    // A file with mistakes first: nothing is imported, each wrong row is named in Vietnamese.
    const wrong = join(storage.dir, 'nhat-ky-sai.csv');
    writeFileSync(
      wrong,
      [
        'startedAt,endedAt,outcome,title,topics',
        `${yesterday} 06:00:00,${yesterday} 06:01:00,aired,Bản tin đúng,chinh-quyen-so`,
        `${yesterday} 07:00:00,${yesterday} 06:01:00,aired,Giờ kết thúc trước giờ bắt đầu,kinh-te-so`,
        `${yesterday} 08:00:00,${yesterday} 08:01:00,aired`,
        `31/02/2026 05:30,${yesterday} 09:01:00,aired,Ngày không có thật,kinh-te-so`,
        `${yesterday} 10:00:00,${yesterday} 10:01:00,failed,Phát lỗi không ghi lý do,kinh-te-so`,
        `${yesterday} 06:00:00,${yesterday} 06:01:00,aired,Bản tin đúng,chinh-quyen-so`,
        `${tomorrow} 06:00:00,${tomorrow} 06:01:00,aired,Bản tin ngày mai,kinh-te-so`,
        `${yesterday} 11:00:00,${yesterday} 11:01:00,aired,Chủ đề không có,chu-de-la`,
        `${yesterday} 06:00:30,${yesterday} 06:02:00,aired,Chồng lên bản tin đúng,chinh-quyen-so`,
        `${yesterday} 12:00:00,${yesterday} 13:30:00,aired,Phát quá dài,kinh-te-so`,
      ].join('\n'),
    );
    await page.getByLabel('Tệp CSV (UTF-8)', { exact: true }).setInputFiles(wrong);
    await page.getByRole('button', { name: 'Nhập tệp' }).click();
    await page
      .getByText(
        'Tệp có 9 dòng không hợp lệ nên chưa nhập bản ghi nào: sửa các dòng được liệt kê rồi nhập lại',
      )
      .waitFor();
    await expect(page.locator('.import-errors li').allTextContents()).resolves.toEqual([
      'Dòng 3: Giờ kết thúc (endedAt) sớm hơn giờ bắt đầu (startedAt)',
      'Dòng 4: Dòng có 3 ô, dòng tên cột có 5 cột',
      'Dòng 5: Cột startedAt “31/02/2026 05:30” không phải ngày giờ có thật (ghi như 06/10/2025 05:30 hoặc 2025-10-06 05:30:00)',
      'Dòng 6: Bản ghi có kết quả “Phát lỗi” cần ghi lý do (reason)',
      'Dòng 7: Trùng hoàn toàn với dòng 2 của tệp',
      // The latest time the log takes is the server's clock (and 5 seconds) when it refused.
      expect.stringMatching(
        new RegExp(
          `^Dòng 8: Giờ bắt đầu \\(startedAt\\) ${formatDate(tomorrow)} 06:00 là thời điểm trong ` +
            'tương lai: nhật ký chỉ ghi những lần phát đã diễn ra, muộn nhất đến ' +
            `${formatDate(today)} \\d\\d:\\d\\d$`,
        ),
      ),
      'Dòng 9: Không có chủ đề nào mang mã “chu-de-la”',
      `Dòng 10: Trùng thời gian với dòng 2 của tệp (“Bản tin đúng”, ${formatDayMonth(yesterday)} 06:00–06:01)`,
      // The broadcast policy's own words (default longest session: 60 min).
      `Dòng 11: Mục phát 12:00–13:30 ngày ${formatDate(yesterday)} kết thúc sau 90 phút kể từ đầu buổi phát, quá giới hạn 60 phút một buổi`,
    ]);
    // The hint names every column the import reads.
    await expect(page.getByText(/^Dòng đầu là tên cột:/).textContent()).resolves.toContain(
      'reason, correctsSeq.',
    );
    await expect(page.getByTestId('playout-record').count()).resolves.toBe(0);
    // Chromium logs the refused request itself.
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 422'));
    expect(refused).toHaveLength(1);
    browser.problems.splice(browser.problems.indexOf(refused[0]), 1);

    const csv = join(storage.dir, 'nhat-ky.csv');
    writeFileSync(
      csv,
      [
        'startedAt,endedAt,outcome,title,topics',
        `${yesterday} 05:30:00,${yesterday} 05:32:00,aired,Bản tin chuyển đổi số phát bằng tay,chinh-quyen-so`,
        `${yesterday} 17:00:00,${yesterday} 17:01:30,aired,Tổ công nghệ số cộng đồng,xa-hoi-so`,
      ].join('\n'),
    );
    await page.getByLabel('Tệp CSV (UTF-8)', { exact: true }).setInputFiles(csv);
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/playout-log/import')),
      page.getByRole('button', { name: 'Nhập tệp' }).click(),
    ]);
    // The page shows only the counts, so it asks for no copy of the records written.
    expect(answer.headers()['preference-applied']).toBe('return=minimal');
    expect(await answer.json()).not.toHaveProperty('records');
    await page.getByText('Đã nhập 2 bản ghi').waitFor();
    await eventually(
      () => page.getByTestId('playout-record').count(),
      (count) => count === 2,
    );
    await expect(page.getByTestId('chain').textContent()).resolves.toContain('Nhật ký toàn vẹn');
    await screenshot(page, '09-nhat-ky-phat-thanh');
    await page.close();
  });

  it('lets a monitor see the province at a glance, drill down and export the report', async () => {
    const page = await browser.newTab('monitor');
    await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
    await heading(page, 'Báo cáo tuân thủ');
    const grid = page.getByTestId('compliance-grid');
    await grid.waitFor();
    await expect(grid.locator('tbody tr').count()).resolves.toBe(166);
    await page.getByTestId('airtime-chart').locator('svg').waitFor();
    await page.getByTestId('uplift').waitFor();
    await screenshot(page, '10-bao-cao-tuan-thu');

    const monitorToken = await app.login(MONITOR.username, MONITOR.password);
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải CSV' }).click(),
    ]);
    const csvBytes = readFileSync(await csvDownload.path());
    const fromApi = await app
      .http()
      .get(`/api/v1/reports/compliance?campaign=${CAMPAIGN}&province=38&format=csv`)
      .set(bearer(monitorToken))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(csvBytes.equals(fromApi.body as Buffer)).toBe(true);
    expect(csvBytes.toString('utf8')).toContain('Phường Hạc Thành');
    expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
    const [xlsxDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải Excel' }).click(),
    ]);
    expect(
      readFileSync(await xlsxDownload.path())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(xlsxDownload.suggestedFilename()).toMatch(/\.xlsx$/);

    await grid.getByRole('link', { name: 'Phường Hạc Thành' }).click();
    await heading(page, 'Phường Hạc Thành');
    await page.getByRole('heading', { name: 'Chỉ tiêu theo chủ đề' }).waitFor();
    await screenshot(page, '11-xa-chi-tiet');

    // National campaigns are the admins' to change: the monitor copies one for the province.
    await go(page, 'Chiến dịch', 'Chiến dịch tuyên truyền');
    const national = page
      .getByRole('article')
      .filter({ hasText: 'Tuyên truyền chuyển đổi số (tuần thử)' });
    await national.getByText('Toàn quốc', { exact: true }).waitFor();
    await expect(national.getByRole('button', { name: 'Sửa' }).count()).resolves.toBe(0);
    await national.getByRole('button', { name: 'Sao chép cho tỉnh' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Mã chiến dịch').fill('th-tuan-cds');
    await dialog.getByLabel('Tên chiến dịch').fill('Thanh Hóa: tuần chuyển đổi số');
    await dialog.getByRole('button', { name: 'Tạo chiến dịch' }).click();
    await page.getByText('Đã tạo chiến dịch.').waitFor();
    const own = page.getByRole('article').filter({ hasText: 'Thanh Hóa: tuần chuyển đổi số' });
    await own.getByRole('button', { name: 'Sửa' }).waitFor();
    const copied = await app
      .http()
      .get('/api/v1/campaigns/th-tuan-cds')
      .set(bearer(monitorToken))
      .expect(200);
    expect(copied.body).toMatchObject({ provinceCode: '38', minDailySeconds: 300 });

    // The official report: its words shown before anything is saved (the defaults), kept when
    // the range changes, and the PDF downloaded as shown.
    await go(page, 'Báo cáo chính thức', 'Báo cáo chính thức');
    await page.getByLabel('Chiến dịch').selectOption(CAMPAIGN);
    const draftState = page.getByTestId('official-draft-state');
    await draftState.getByText(/^Báo cáo này chưa có dự thảo/).waitFor();
    await expect(page.getByLabel('Cơ quan ban hành').inputValue()).resolves.toBe(
      'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
    );
    await expect(page.getByLabel('Trích yếu').inputValue()).resolves.toContain(
      'Kết quả phát thanh chiến dịch “Tuyên truyền chuyển đổi số (tuần thử)”',
    );
    await page.getByLabel('Họ tên người ký').fill('Nguyễn Văn Tước');
    // Another range is another report: the words typed for the first are saved into its draft,
    // the signer carried over, the subject the new range's.
    await page.getByLabel('Đến ngày').fill(formatDate(today));
    await page.getByLabel('Đến ngày').press('Tab');
    await page.getByText('Đã lưu lời đang soạn vào dự thảo của báo cáo trước').waitFor();
    await draftState.getByText(/^Báo cáo này chưa có dự thảo/).waitFor();
    await expect(page.getByLabel('Trích yếu').inputValue()).resolves.toContain(
      `đến ngày ${formatDate(today)}`,
    );
    await expect(page.getByLabel('Họ tên người ký').inputValue()).resolves.toBe('Nguyễn Văn Tước');
    await screenshot(page, '12-bao-cao-chinh-thuc');
    const [pdfDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải PDF', exact: true }).click(),
    ]);
    const pdf = readFileSync(await pdfDownload.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pdfWords = pdfText(pdf).replace(/\s+/g, ' ');
    expect(pdfWords).toContain('Nguyễn Văn Tước');
    expect(pdfWords).toContain(`đến ngày ${formatDate(today)}`);
    await draftState.getByText(/^Dự thảo đã lưu lúc/).waitFor();
    // Both reports have their draft now, with the signer's name.
    for (const range of ['', `&to=${today}`]) {
      const drafts = (
        await app
          .http()
          .get(`/api/v1/reports/official/drafts?campaign=${CAMPAIGN}&province=38${range}`)
          .set(bearer(admin))
          .expect(200)
      ).body as { text: { signerName: string } }[];
      expect(drafts.map((draft) => draft.text.signerName)).toEqual(['Nguyễn Văn Tước']);
    }
    expect(pdfDownload.suggestedFilename()).toMatch(/^bao-cao_.*\.pdf$/);
    await page.close();
  });

  it('plays an approved emergency bulletin at once after a confirmation', async () => {
    const approver = await app.login(APPROVER.username, APPROVER.password);
    const tts = await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/audio/tts`)
      .set(bearer(approver))
      .send({ text: 'Thông báo khẩn: mất điện toàn phường từ 14 giờ.', voice: 'bac' })
      .expect(202);
    const audioId = (tts.body as { id: string }).id;
    await eventually(
      async () =>
        (
          (await app.http().get(`/api/v1/audio/${audioId}`).set(bearer(approver))).body as {
            status: string;
          }
        ).status,
      (status) => status === 'ready' || status === 'failed',
      { timeoutMs: 60_000 },
    );
    const created = await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/bulletins`)
      .set(bearer(approver))
      .send({ title: 'Thông báo khẩn', topics: ['chinh-quyen-so'], audioId, priority: 'emergency' })
      .expect(201);
    await app
      .http()
      .post(`/api/v1/bulletins/${(created.body as { id: string }).id}/approve`)
      .set(bearer(approver))
      .expect(200);

    const page = await browser.newTab('emergency');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await page.getByRole('button', { name: 'Phát khẩn cấp' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Thông báo khẩn/).waitFor();
    await screenshot(page, '12-phat-khan-cap');
    await dialog.getByRole('button', { name: 'PHÁT NGAY' }).click();
    await dialog.getByText('Hãy đánh dấu ô xác nhận trước khi phát.').waitFor();
    await dialog.getByLabel('Tôi xác nhận cần phát khẩn cấp ngay bây giờ').check();
    await dialog.getByRole('button', { name: 'PHÁT NGAY' }).click();
    await page.getByText(/^Đã phát lệnh khẩn cấp lúc/).waitFor();
    const log = (
      await app
        .http()
        .get(`/api/v1/communes/${COMMUNE}/schedule?from=${today}&to=${today}`)
        .set(bearer(admin))
        .expect(200)
    ).body as { source: string }[];
    expect(log.filter((item) => item.source === 'emergency')).toHaveLength(1);
    await page.close();
  });

  it('gives the admin users, campaigns, topics and the system page', async () => {
    const page = await browser.newTab('admin');
    await signIn(page, baseUrl, ADMIN.username, ADMIN.password);
    await heading(page, 'Báo cáo tuân thủ');
    await go(page, 'Người dùng', 'Người dùng');
    await page.getByRole('cell', { name: OPERATOR.username, exact: true }).waitFor();
    await page.getByRole('button', { name: '+ Tạo người dùng' }).click();
    const dialog = page.getByRole('dialog');
    // A wrong username or a short password is named in Vietnamese before anything is sent.
    const creations: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/users')) creations.push('post');
    });
    await dialog.getByLabel('Tên đăng nhập').fill('lê');
    await dialog.getByLabel('Mật khẩu').fill('ngan');
    await dialog.getByRole('button', { name: 'Tạo người dùng' }).click();
    await dialog
      .getByText('Tên đăng nhập phải dài 3–64 ký tự: chữ thường, số, “.”, “-”, “_”', {
        exact: true,
      })
      .waitFor();
    await dialog.getByLabel('Tên đăng nhập').fill('vanhanh2.hacthanh');
    await dialog.getByRole('button', { name: 'Tạo người dùng' }).click();
    await dialog.getByText('Mật khẩu phải có ít nhất 8 ký tự', { exact: true }).waitFor();
    // Eight spaces are long enough, yet no password.
    await dialog.getByLabel('Mật khẩu').fill(' '.repeat(8));
    await dialog.getByRole('button', { name: 'Tạo người dùng' }).click();
    await dialog.getByText('Mật khẩu không được chỉ gồm khoảng trắng', { exact: true }).waitFor();
    expect(creations).toEqual([]);
    await dialog.getByLabel('Họ và tên').fill('Lê Thị Hoa');
    await dialog.getByLabel('Mật khẩu').fill('mat-khau-du-dai');
    await dialog.getByLabel('Vai trò').selectOption('operator');
    await dialog.getByLabel('Xã, phường, đặc khu').selectOption(COMMUNE);
    await dialog.getByRole('button', { name: 'Tạo người dùng' }).click();
    await page.getByRole('cell', { name: 'Lê Thị Hoa', exact: true }).waitFor();
    // The leader's deputy now approves: the role changes, the commune stays.
    await page.getByRole('button', { name: 'Sửa tài khoản vanhanh2.hacthanh' }).click();
    await dialog.getByLabel('Vai trò').selectOption('approver');
    await dialog.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByText('Đã lưu tài khoản vanhanh2.hacthanh.').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'vanhanh2.hacthanh' });
    await row.getByText('Lãnh đạo duyệt tin').waitFor();
    await row.getByText('Phường Hạc Thành').waitFor();
    await screenshot(page, '13-nguoi-dung');
    await go(page, 'Chiến dịch', 'Chiến dịch tuyên truyền');
    await screenshot(page, '14-chien-dich');
    // A monitor's or admin's change of a target goes through the campaign API.
    await page
      .getByRole('article')
      .filter({ hasText: 'Tuyên truyền chuyển đổi số (tuần thử)' })
      .getByRole('button', { name: 'Sửa' })
      .click();
    // A value below its field's minimum is named before sending; one between the arrows' half
    // minutes is the user's to give.
    const daily = dialog.getByLabel('Thời lượng tuyên truyền tối thiểu mỗi ngày (phút)');
    await daily.fill('-1');
    await dialog.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await dialog
      .getByText('Thời lượng tuyên truyền tối thiểu mỗi ngày (phút) phải từ 0 trở lên', {
        exact: true,
      })
      .waitFor();
    await daily.fill('6.25');
    await dialog.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByText('Đã lưu chiến dịch.').waitFor();
    const campaign = await app
      .http()
      .get(`/api/v1/campaigns/${CAMPAIGN}`)
      .set(bearer(admin))
      .expect(200);
    expect(campaign.body).toMatchObject({ minDailySeconds: 375 });
    await go(page, 'Chủ đề', 'Chủ đề tuyên truyền');
    await screenshot(page, '15-chu-de');
    // A relay added (by the API here): its audit row must read in Vietnamese too.
    await app
      .http()
      .post('/api/v1/provinces/38/sources')
      .set(bearer(admin))
      .send({ name: 'VOV1', urls: ['http://203.0.113.10:8000/vov1.mp3'] })
      .expect(201);
    await go(page, 'Hệ thống', 'Hệ thống');
    await expect(page.getByText('Hoạt động', { exact: true }).count()).resolves.toBe(3);
    await screenshot(page, '16-he-thong');
    // The audit trail: no action left as the API's code, and a filter by action and days.
    const auditRows = page.getByTestId('audit-row');
    await auditRows.first().waitFor();
    const actions = await auditRows.locator('td:nth-child(2)').allTextContents();
    expect(actions.filter((text) => /^[a-z_-]+(\.[a-z_-]+)+$/.test(text))).toEqual([]);
    // Where each happened is named, not given as its code.
    const targets = await auditRows.locator('td:nth-child(4)').allTextContents();
    expect(targets).toContain('Người dùng · Phường Hạc Thành');
    expect(targets).toContain('Nguồn tiếp âm · Tỉnh Thanh Hóa');
    expect(targets.filter((text) => /xã \d|tỉnh \d/.test(text))).toEqual([]);
    const auditFilter = page.getByRole('form', { name: 'Lọc nhật ký thao tác' });
    await auditFilter.getByLabel('Thao tác').selectOption({ label: 'Thêm nguồn tiếp âm' });
    await auditFilter.getByRole('button', { name: 'Lọc' }).click();
    // Exactly: the unfiltered trail's '31 thao tác, …' holds these words too.
    await page
      .getByTestId('audit-summary')
      .getByText('1 thao tác, mới nhất trước.', { exact: true })
      .waitFor();
    await expect(auditRows.allTextContents()).resolves.toEqual([
      expect.stringMatching(/Thêm nguồn tiếp âmadminNguồn tiếp âm/),
    ]);
    await auditFilter.getByLabel('Từ ngày').fill(formatDate(addDays(today, 1)));
    await auditFilter.getByRole('button', { name: 'Lọc' }).click();
    await page.getByText('Không có thao tác nào khớp bộ lọc.').waitFor();
    await expect(auditRows.count()).resolves.toBe(0);
    // The queue dashboard (bull-board, English, not part of the web app) opens in a new tab with
    // the admin's session: the API sets a cookie for the dashboard's path only.
    const [queues] = await Promise.all([
      browser.context.waitForEvent('page'),
      page.getByRole('button', { name: 'Mở bảng theo dõi hàng đợi' }).click(),
    ]);
    await queues.waitForLoadState('load');
    expect(queues.url()).toBe(`${baseUrl}/api/v1/admin/queues`);
    await queues.getByText('audio', { exact: false }).first().waitFor();
    await screenshot(queues, '16b-hang-doi');
    await queues.close();
    await page.close();
  });

  it('waits for a slow commune list before saving a user, and never picks a commune itself', async () => {
    const page = await browser.newTab('admin-slow-communes');
    await signIn(page, baseUrl, ADMIN.username, ADMIN.password);
    await heading(page, 'Báo cáo tuân thủ');
    await go(page, 'Người dùng', 'Người dùng');
    await page.getByRole('cell', { name: 'vanhanh2.hacthanh', exact: true }).waitFor();
    // From here on, a province's communes take 3 s to come.
    await page.route('**/api/v1/communes?province=*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await route.continue();
    });
    const sent: string[] = [];
    page.on('request', (request) => {
      if (/\/users(\/|$)/.test(request.url()) && request.method() !== 'GET') {
        sent.push(`${request.method()} ${request.postData() ?? ''}`);
      }
    });
    const dialog = page.getByRole('dialog');
    const communeSelect = dialog.getByLabel('Xã, phường, đặc khu');

    await page.getByRole('button', { name: '+ Tạo người dùng' }).click();
    await dialog.getByText('Đang tải danh sách xã, phường…', { exact: true }).waitFor();
    await dialog.getByLabel('Tên đăng nhập').fill('cham.hacthanh');
    await dialog.getByLabel('Mật khẩu').fill('mat-khau-du-dai');
    await dialog.getByLabel('Vai trò').selectOption('operator');
    await dialog.getByRole('button', { name: 'Tạo người dùng' }).click();
    await dialog.getByText('Danh sách xã, phường đang tải').waitFor();
    await dialog
      .getByText('Đang tải danh sách xã, phường…', { exact: true })
      .waitFor({ state: 'detached', timeout: 10_000 });
    // Loaded, nothing is chosen for the admin: the placeholder stays until a commune is picked.
    await expect(communeSelect.inputValue()).resolves.toBe('');
    await expect(communeSelect.locator('option').first().textContent()).resolves.toBe(
      '— Chọn xã, phường —',
    );
    await dialog.getByRole('button', { name: 'Tạo người dùng' }).click();
    await dialog.getByText('Chọn xã, phường cho tài khoản này.', { exact: true }).waitFor();
    expect(sent).toEqual([]);
    await dialog.getByText('Đóng', { exact: true }).click();

    await page.getByRole('button', { name: 'Sửa tài khoản vanhanh2.hacthanh' }).click();
    await dialog.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await dialog.getByText('Danh sách xã, phường đang tải').waitFor();
    expect(sent).toEqual([]);
    // Once loaded, the user's own commune is selected, and saving keeps it.
    await eventually(
      () => communeSelect.inputValue(),
      (value) => value === COMMUNE,
      { what: "the user's own commune selected" },
    );
    await dialog.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByText('Đã lưu tài khoản vanhanh2.hacthanh.').waitFor();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].slice('PATCH '.length))).toMatchObject({ communeCode: COMMUNE });
    // Waits for a list still held back (the page may ask again after the save): a handler let go
    // while it waits would continue a route already handled, an error thrown after this test.
    await page.unrouteAll({ behavior: 'wait' });
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await browser.newTab('phone');
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await heading(page, 'Tiến độ tuần này');
    expect(await elementsPastRightEdge(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBe(0);
    await go(page, 'Lịch phát sóng', 'Lịch phát sóng');
    expect(await elementsPastRightEdge(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, '17-dien-thoai-lich');
    await go(page, 'Bản tin', 'Bản tin');
    await screenshot(page, '18-dien-thoai-ban-tin');
    expect(await elementsPastRightEdge(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.close();
  });

  it('sends the user back to the login page when the session is revoked, and signs out', async () => {
    const page = await browser.newTab('expiry');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await heading(page, 'Lịch phát sóng');
    const users = (await app.http().get('/api/v1/users').set(bearer(admin)).expect(200)).body as {
      id: string;
      username: string;
    }[];
    const approver = users.find((user) => user.username === APPROVER.username);
    // A new password revokes the tokens already handed out.
    await app
      .http()
      .patch(`/api/v1/users/${approver?.id}`)
      .set(bearer(admin))
      .send({ password: 'lanhdao-password-2' })
      .expect(200);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Bản tin', exact: true })
      .click();
    // The login page says why: the API told the app the password changed.
    await page
      .getByText('Mật khẩu hoặc quyền của tài khoản vừa được thay đổi. Vui lòng đăng nhập lại.')
      .waitFor();
    await expect(page.evaluate<number>('sessionStorage.length')).resolves.toBe(0);

    await signIn(page, baseUrl, APPROVER.username, 'lanhdao-password-2');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByText('Bạn đã đăng xuất.').waitFor();
    await expect(page.evaluate<number>('sessionStorage.length')).resolves.toBe(0);
    await page.close();
  });

  it('keeps the session on an office PC whose clock is two days ahead', async () => {
    const page = await browser.newTab('skewed-clock');
    await page.clock.setFixedTime(new Date(Date.now() + 2 * 86_400_000));
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await heading(page, 'Tiến độ tuần này');
    await go(page, 'Bản tin', 'Bản tin');
    expect(await page.getByRole('button', { name: 'Đăng xuất' }).count()).toBe(1);
    await page.close();
  });

  it('wrote no script errors to the console', () => {
    // The only errors Chromium logs are those the tests provoke on purpose: the 401s of a wrong
    // password and an expired session, the 403 of a locked account's login.
    const unexpected = browser.problems.filter(
      (problem) =>
        !(
          problem.kind === 'console' &&
          ((['login', 'expiry'].includes(problem.tab) && problem.text.includes('status of 401')) ||
            (problem.tab === 'login' && problem.text.includes('status of 403')))
        ),
    );
    expect(unexpected).toEqual([]);
  });
});
