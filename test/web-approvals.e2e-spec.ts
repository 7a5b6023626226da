import type { Page } from 'playwright-core';
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
import { eventually } from './support/eventually';
import { seedReadyAudio } from './support/audio-fixtures';
import { createDraft, HAC_THANH, THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const OPERATOR = {
  username: 'vanhanh.duyet',
  password: 'vanhanh-password',
  displayName: 'Trần Thị Soạn',
};
const MONITOR = { username: 'giamsat.duyet', password: 'giamsat-password' };
const APPROVER = {
  username: 'lanhdao.duyet',
  password: 'lanhdao-password',
  displayName: 'Lê Văn Duyệt',
};

jest.setTimeout(180_000);

/** Issue 16, item 5: the approver's badge and inbox, approving two at once, the operator's notice. */
describe('approvals inbox in the web app (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let operator: string;
  const ids: string[] = [];
  const titles = [
    'Thanh toán không dùng tiền mặt',
    'Nộp hồ sơ trực tuyến',
    'Học tập số cho người cao tuổi',
  ];

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage);
    baseUrl = await listen(app);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const operatorSpec = { ...OPERATOR, role: 'operator' as const, communeCode: HAC_THANH };
    const approverSpec = { ...APPROVER, role: 'approver' as const, communeCode: HAC_THANH };
    operator = await createUserAndLogin(app, admin, operatorSpec);
    await createUserAndLogin(app, admin, approverSpec);
    await createUserAndLogin(app, admin, { ...MONITOR, role: 'monitor', provinceCode: '38' });
    for (const title of titles) {
      const draft = await createDraft(app, operator, HAC_THANH, {
        title,
        topics: ['kinh-te-so'],
        durationMs: 20000,
      });
      ids.push(draft.id);
    }
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  it('tells the operator how many wait and for whom, instead of “no approved bulletin”', async () => {
    const page = await browser.newTab('operator-before');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Lịch phát sóng', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Lịch phát sóng' }).waitFor();
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const note = page.getByTestId('no-approved');
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain('3 bản tin đang chờ Lê Văn Duyệt duyệt.');
    await screenshot(page, 'duyet-nguoi-van-hanh-cho-duyet');
    await page.close();
  });

  it('shows the approver a badge, approves two at once, and the operator sees the notices', async () => {
    const page = await browser.newTab('approver');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    const badge = page.getByTestId('approvals-badge');
    await eventually(
      () => badge.textContent(),
      (text) => text === '3',
    );
    await screenshot(page, 'duyet-huy-hieu');

    await page.getByRole('link', { name: /Duyệt/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Duyệt bản tin' }).waitFor();
    const cards = page.getByTestId('approval-card');
    await expect(cards.count()).resolves.toBe(3);
    await expect(cards.first().textContent()).resolves.toContain('Trần Thị Soạn gửi lúc');
    await expect(
      cards
        .first()
        .getByRole('button', { name: /Nghe trước khi duyệt/ })
        .count(),
    ).resolves.toBe(1);

    await page.getByLabel(`Chọn “${titles[0]}”`).check();
    await page.getByLabel(`Chọn “${titles[1]}”`).check();
    await page.getByTestId('approve-selected').click();
    await page.getByText('Đã duyệt 2 bản tin.').waitFor();
    await eventually(
      () => cards.count(),
      (count) => count === 1,
    );
    await eventually(
      () => badge.textContent(),
      (text) => text === '1',
    );
    await screenshot(page, 'duyet-sau-khi-duyet-hai');

    // Send the last one back with a reason.
    await page.getByLabel(`Chọn “${titles[2]}”`).check();
    await page.getByTestId('send-back-selected').click();
    await page.getByLabel('Lý do trả lại').fill('Bổ sung địa điểm lớp học');
    await page.getByRole('button', { name: 'Trả lại', exact: true }).click();
    await page.getByText('Đã trả lại 1 bản tin.').waitFor();
    await eventually(
      () => badge.isHidden(),
      (hidden) => hidden,
    );
    await page.close();

    const operatorPage = await browser.newTab('operator-after');
    await signIn(operatorPage, baseUrl, OPERATOR.username, OPERATOR.password);
    const bell = operatorPage.getByTestId('notices-badge');
    await eventually(
      () => bell.textContent(),
      (text) => text === '3',
    );
    await operatorPage.getByTestId('notices-button').click();
    const notices = operatorPage.getByTestId('notice');
    await notices.first().waitFor();
    const texts = await notices.allTextContents();
    expect(texts.filter((text) => text.includes('Lê Văn Duyệt đã duyệt'))).toHaveLength(2);
    expect(texts.find((text) => text.includes('đã trả lại'))).toContain(
      'Lý do: Bổ sung địa điểm lớp học',
    );
    await screenshot(operatorPage, 'duyet-thong-bao-nguoi-van-hanh');
    await operatorPage.keyboard.press('Escape');
    await eventually(
      () => bell.isHidden(),
      (hidden) => hidden,
    );

    await operatorPage.goto(`${baseUrl}/#/ban-tin`);
    await operatorPage.getByTestId('sent-back').waitFor();
    await expect(operatorPage.getByTestId('sent-back').textContent()).resolves.toContain(
      'Bổ sung địa điểm lớp học',
    );
    // It waits for the operator now, not for the approver: its badge and its filter say so.
    const sentBackRow = operatorPage.getByTestId('bulletin-row').filter({ hasText: titles[2] });
    await sentBackRow.getByText('Bị trả lại', { exact: true }).waitFor();
    await expect(sentBackRow.getByText('Chờ duyệt', { exact: true }).count()).resolves.toBe(0);
    const filters = operatorPage.getByRole('group', { name: 'Lọc theo trạng thái' });
    await filters.getByRole('link', { name: 'Chờ duyệt' }).click();
    await operatorPage.getByText('Chưa có bản tin nào.').waitFor();
    await filters.getByRole('link', { name: 'Bị trả lại' }).click();
    await operatorPage.getByTestId('sent-back').waitFor();
    await expect(operatorPage.getByTestId('bulletin-row').allTextContents()).resolves.toEqual([
      expect.stringContaining(titles[2]),
    ]);
    await screenshot(operatorPage, 'duyet-ban-tin-bi-tra-lai');
    await operatorPage.close();
  });

  it('shows that a draft submitted again was sent back before (when, by whom, why): on the approver’s card and in the operator’s list', async () => {
    // The operator answers the send-back of the test before.
    await app
      .http()
      .patch(`/api/v1/bulletins/${ids[2]}`)
      .set(bearer(operator))
      .send({ body: 'Lớp học tại nhà văn hoá thôn Đông, 8 giờ sáng Chủ nhật.' })
      .expect(200);
    const page = await browser.newTab('approver-resubmitted');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await page.goto(`${baseUrl}/#/duyet`);
    const card = page.getByTestId('approval-card').filter({ hasText: titles[2] });
    const note = card.getByTestId('approval-sent-back');
    await note.waitFor();
    await expect(note.textContent()).resolves.toMatch(
      /^Đã trả lại 1 lần — lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} bởi Lê Văn Duyệt: “Bổ sung địa điểm lớp học”$/,
    );
    await screenshot(page, 'duyet-ban-tin-gui-lai');
    await page.close();

    // The operator's list says it too: answered, waiting for approval again.
    const operatorPage = await browser.newTab('operator-resubmitted');
    await signIn(operatorPage, baseUrl, OPERATOR.username, OPERATOR.password);
    await operatorPage.goto(`${baseUrl}/#/ban-tin`);
    const row = operatorPage.getByTestId('bulletin-row').filter({ hasText: titles[2] });
    await row.getByText('Chờ duyệt', { exact: true }).waitFor();
    await expect(row.getByTestId('earlier-sent-back').textContent()).resolves.toMatch(
      /^Đã trả lại 1 lần — lúc .+ bởi Lê Văn Duyệt: “Bổ sung địa điểm lớp học”\. Đã sửa, đang chờ duyệt lại\.$/,
    );
    await expect(operatorPage.getByTestId('earlier-sent-back').count()).resolves.toBe(1);
    await expect(operatorPage.getByTestId('sent-back').count()).resolves.toBe(0);
    await operatorPage.close();
  });

  it('puts a waiting emergency first for the approver, and names it in the operator’s emergency dialog', async () => {
    await createDraft(app, operator, HAC_THANH, {
      title: 'Hướng dẫn nộp thuế điện tử',
      topics: ['kinh-te-so'],
      durationMs: 20000,
    });
    await createDraft(app, operator, HAC_THANH, {
      title: 'Cảnh báo lũ quét',
      topics: ['kinh-te-so'],
      durationMs: 20000,
      priority: 'emergency',
    });
    const operatorPage = await browser.newTab('operator-emergency');
    await signIn(operatorPage, baseUrl, OPERATOR.username, OPERATOR.password);
    await operatorPage.getByRole('button', { name: 'Phát khẩn cấp' }).click();
    const waiting = operatorPage.getByTestId('emergency-waiting');
    await waiting.waitFor();
    await expect(waiting.textContent()).resolves.toContain(
      '1 bản tin khẩn cấp đang chờ Lê Văn Duyệt duyệt: “Cảnh báo lũ quét”.',
    );
    await expect(waiting.getByRole('link', { name: 'Tạo bản tin' }).count()).resolves.toBe(0);
    await screenshot(operatorPage, 'duyet-khan-cap-dang-cho');
    await operatorPage.close();

    const page = await browser.newTab('approver-emergency');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await page.goto(`${baseUrl}/#/duyet`);
    const cards = page.getByTestId('approval-card');
    // After the older drafts and the newer normal one, yet first.
    await eventually(
      () => cards.count(),
      (count) => count >= 2,
    );
    const first = cards.first();
    await expect(first.textContent()).resolves.toContain('Cảnh báo lũ quét');
    await first.getByText('Khẩn cấp', { exact: true }).waitFor();
    await expect(page.getByTestId('approval-count').textContent()).resolves.toContain(
      'trong đó 1 bản tin khẩn cấp xếp trên cùng',
    );
    await screenshot(page, 'duyet-khan-cap-dau-tien');
    await page.close();
  });

  it('refuses to approve what the operator changed after the approver opened the page, says so and shows it again', async () => {
    const draft = (title: string) =>
      createDraft(app, operator, HAC_THANH, { title, topics: ['kinh-te-so'], durationMs: 20000 });
    const heard = await draft('Lịch tiếp công dân tháng 10');
    const edited = await draft('Hướng dẫn cài VNeID');
    const single = await draft('Thông báo tiêm chủng');
    const page = await browser.newTab('approver-changed');
    await signIn(page, baseUrl, APPROVER.username, APPROVER.password);
    await page.goto(`${baseUrl}/#/duyet`);
    await page.getByLabel('Chọn “Hướng dẫn cài VNeID”').waitFor();

    // The operator, signed in as themself, replaces the audio and the title meanwhile.
    const newAudio = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 25000,
    });
    await app
      .http()
      .patch(`/api/v1/bulletins/${edited.id}`)
      .set(bearer(operator))
      .send({ title: 'Hướng dẫn cài VNeID mức 2', audioId: newAudio })
      .expect(200);

    await page.getByLabel('Chọn “Lịch tiếp công dân tháng 10”').check();
    await page.getByLabel('Chọn “Hướng dẫn cài VNeID”').check();
    await page.getByTestId('approve-selected').click();
    await page
      .getByText(
        'Không có thay đổi nào. Bản tin “Hướng dẫn cài VNeID mức 2” đã được sửa sau khi bạn mở trang. Hãy nghe và xem lại trước khi duyệt.',
      )
      .waitFor();
    // Its card shows it as it is now, unticked, to be heard again; the other stays ticked.
    const changedBox = page.getByLabel('Chọn “Hướng dẫn cài VNeID mức 2”');
    await changedBox.waitFor();
    await expect(changedBox.isChecked()).resolves.toBe(false);
    await expect(
      page.getByLabel('Chọn “Hướng dẫn cài VNeID”', { exact: true }).count(),
    ).resolves.toBe(0);
    await expect(page.getByLabel('Chọn “Lịch tiếp công dân tháng 10”').isChecked()).resolves.toBe(
      true,
    );
    await screenshot(page, 'duyet-ban-tin-da-bi-sua');
    for (const id of [heard.id, edited.id]) {
      const still = await app.http().get(`/api/v1/bulletins/${id}`).set(bearer(operator));
      expect(still.body.status).toBe('draft');
    }

    // Heard again: approved as it is now.
    await changedBox.check();
    await page.getByTestId('approve-selected').click();
    await page.getByText('Đã duyệt 2 bản tin.').waitFor();
    const approved = await app.http().get(`/api/v1/bulletins/${edited.id}`).set(bearer(operator));
    expect(approved.body).toMatchObject({ status: 'approved', audioId: newAudio, revision: 2 });

    // The card's own button is held to the same rule.
    await page.getByLabel('Chọn “Thông báo tiêm chủng”').waitFor();
    await app
      .http()
      .patch(`/api/v1/bulletins/${single.id}`)
      .set(bearer(operator))
      .send({ body: 'Tiêm chủng tại trạm y tế xã, sáng thứ Bảy.' })
      .expect(200);
    await page.getByRole('button', { name: 'Duyệt “Thông báo tiêm chủng”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Duyệt', exact: true }).click();
    await page
      .getByText(
        'Bản tin “Thông báo tiêm chủng” đã được sửa sau khi bạn mở trang. Hãy nghe và xem lại trước khi duyệt.',
      )
      .first()
      .waitFor();
    await page.getByText('Tiêm chủng tại trạm y tế xã, sáng thứ Bảy.').waitFor();
    const after = await app.http().get(`/api/v1/bulletins/${single.id}`).set(bearer(operator));
    expect(after.body.status).toBe('draft');
    await page.close();
  });

  it('previews how the pasted letter will be read before synthesis', async () => {
    const page = await browser.newTab('tts-preview');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/ban-tin/moi`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('tab', { name: 'Tạo bản tin từ văn bản' }).click();
    const box = page.locator('textarea[name="text"]');
    await box.fill(
      'Mô hình chính quyền \n\n02 cấp từ ngày 10/10/2025 của \n\nUBND xã.\n- Tỉ lệ đạt 85% \n\nhồ sơ.',
    );
    await page.getByTestId('preview-reading').click();
    await page.getByTestId('reading').first().waitFor();
    const rows = await page.getByTestId('reading').allTextContents();
    expect(rows).toEqual(
      expect.arrayContaining([
        '02 cấphai cấp',
        'ngày 10/10/2025ngày mười tháng mười năm hai nghìn không trăm hai mươi lăm',
        'UBNDỦy ban nhân dân',
        '85%tám mươi lăm phần trăm',
      ]),
    );
    await expect(box.inputValue()).resolves.toBe(
      'Mô hình chính quyền 02 cấp từ ngày 10/10/2025 của UBND xã.\nTỉ lệ đạt 85% hồ sơ.',
    );
    await screenshot(page, 'tts-xem-cach-doc');
    await page.close();
  });

  /** What the print stylesheet leaves on an A4 page (794 px wide at 96 dpi): no menus or buttons, nothing cut. */
  async function printedOnA4(
    path: string,
    user: { username: string; password: string },
    name: string,
    check: (page: Page) => Promise<void> = () => Promise.resolve(),
  ): Promise<void> {
    const page = await browser.newTab(`print-${name}`);
    await signIn(page, baseUrl, user.username, user.password);
    await page.goto(`${baseUrl}/#${path}`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    const visible = await page.evaluate<
      string[]
    >(`[...document.querySelectorAll('nav, header.topbar, button, .toolbar')]
      .filter((element) => element.getClientRects().length > 0)
      .map((element) => element.tagName.toLowerCase() + ' ' + (element.textContent ?? '').trim().slice(0, 30))`);
    expect(visible).toEqual([]);
    const overflow = await horizontalOverflow(page);
    expect({ overflow, spilling: overflow > 0 ? await elementsPastRightEdge(page) : [] }).toEqual({
      overflow: 0,
      spilling: [],
    });
    await check(page);
    await screenshot(page, name, true);
    await page.close();
  }

  it('prints the week’s schedule and the province report on A4 without menus or buttons', async () => {
    await printedOnA4('/lich', OPERATOR, 'in-lich-tuan');
    await printedOnA4('/bao-cao', MONITOR, 'in-bao-cao-tinh', async (page) => {
      // The province grid prints at 7.5 pt (10 px), its cells too, not at the screen's 0.84 rem.
      const sizes = await page.evaluate<string[]>(
        `[...document.querySelectorAll('.compliance-grid .cell')].map((cell) => getComputedStyle(cell).fontSize)`,
      );
      expect(sizes.length).toBeGreaterThan(0);
      expect([...new Set(sizes)]).toEqual(['10px']);
    });
  });
});
