import { ManualClock } from '../src/common/manual-clock';
import { addDays, localDateOf } from '../src/common/local-time';
import { parseCommand } from '../src/fleet/protocol';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import {
  DeviceCredentials,
  enrolNewDevice,
  newDevicePublicKey,
  SimulatedDevice,
} from './support/fleet-device';
import { eventually } from './support/eventually';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, ReceiptDevice } from './support/receipt-device';
import { createApproved, createWindow } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const COMMUNE = '14797';
const OPERATOR = { username: 'vanhanh.cumloa', password: 'vanhanh-password' };
const MONITOR = { username: 'giamsat.cumloa', password: 'giamsat-password' };

jest.setTimeout(120_000);

describe('web app: Cụm loa page (e2e, Chromium)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let device: SimulatedDevice;
  let credentials: DeviceCredentials;
  let admin: string;
  let operator: string;
  let approver: string;
  let monitor: string;
  // 05:32 local, inside the commune's morning window: an offline cluster there is an alert.
  const clock = new ManualClock('2026-12-03T22:32:00Z');

  beforeAll(async () => {
    buildWebApp();
    // A sweep every second, so the clock moved by a test is noticed at once.
    storage = await createTestStorage({ ALERT_SWEEP_SECONDS: '1' });
    app = await startTestApp(storage, {}, { clock });
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'operator',
      communeCode: COMMUNE,
    });
    approver = await createUserAndLogin(app, admin, {
      username: 'lanhdao.cumloa',
      role: 'approver',
      communeCode: COMMUNE,
    });
    monitor = await createUserAndLogin(app, admin, {
      ...MONITOR,
      role: 'monitor',
      provinceCode: '38',
    });
    await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/windows`)
      .set(bearer(operator))
      .send({
        name: 'Sáng',
        daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
        startTime: '05:30',
        durationMinutes: 30,
      })
      .expect(201);
    for (const [name, zones] of [
      ['Cụm loa thôn Đông', ['thon-dong']],
      ['Cụm loa chợ', ['cho', 'trung-tam']],
    ] as const) {
      const created = await app
        .http()
        .post(`/api/v1/communes/${COMMUNE}/devices`)
        .set(bearer(operator))
        .send({ name, zones })
        .expect(201);
      if (name === 'Cụm loa thôn Đông') {
        const enrolled = await app
          .http()
          .post('/api/v1/devices/enrol')
          .send({ code: created.body.enrolmentCode, publicKey: newDevicePublicKey() })
          .expect(201);
        credentials = enrolled.body as DeviceCredentials;
      }
    }
    device = await SimulatedDevice.connect(credentials);
    await device.subscribeCommands();
    // The box acknowledges every command, as the protocol asks.
    device.client.on('message', (_topic, payload) => {
      const command = parseCommand(payload);
      if (command.ok) void device.ack({ id: command.value.id, ok: true });
    });
    await device.status({ status: 'online', volume: 70, power: 'on', version: 'hop-loa 1.0' });
    await eventually(async () => {
      const response = await app
        .http()
        .get(`/api/v1/communes/${COMMUNE}/devices/${credentials.deviceId}`)
        .set(bearer(operator));
      return response.body.status === 'online' ? true : undefined;
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await device?.close();
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  it('lists the clusters with status, zones, volume, and sends sync and power commands', async () => {
    const page = await browser.newTab('cum-loa');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Cụm loa', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Cụm loa', exact: true }).waitFor();
    const online = page.locator(`tr[data-device="${credentials.deviceId}"]`);
    await online.getByText('Đang hoạt động').waitFor();
    await online.getByText('thon-dong').waitFor();
    await online.getByText('70%').waitFor();
    // The box reported no cache: its alert is on top of the page.
    await page
      .locator('[data-alert="cache-incomplete"]')
      .getByText('Bộ nhớ đệm của Cụm loa thôn Đông chưa đủ cho 24 giờ tới')
      .waitFor();
    const never = page.getByRole('row', { name: /Cụm loa chợ/ });
    await never.getByText('Chưa kết nối').waitFor();
    await never.getByText('cho, trung-tam').waitFor();

    await page.getByRole('button', { name: 'Đồng bộ Cụm loa thôn Đông' }).click();
    await page.getByText('Đã gửi lệnh đồng bộ tới Cụm loa thôn Đông.').waitFor();
    await eventually(() => Promise.resolve(device.commands.length === 1 ? true : undefined));
    // Switching off makes every item due missed: it is asked first, and can be declined.
    await page.getByRole('button', { name: 'Tắt Cụm loa thôn Đông' }).click();
    const ask = page.getByRole('dialog');
    await ask.getByText('Tắt loa của cụm “Cụm loa thôn Đông”?').waitFor();
    await ask.getByText('Các bản tin đến giờ phát sẽ bị lỡ cho tới khi bật lại.').waitFor();
    await ask.getByRole('button', { name: 'Để loa bật', exact: true }).click();
    await ask.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Tắt Cụm loa thôn Đông' }).click();
    await ask.getByRole('button', { name: 'Tắt loa', exact: true }).click();
    await page.getByText('Đã gửi lệnh tắt tới Cụm loa thôn Đông.').waitFor();
    await screenshot(page, '25-cum-loa');
    await eventually(() => Promise.resolve(device.commands.length === 2 ? true : undefined));
    expect(device.commands.map(({ id: _id, ...rest }) => rest)).toEqual([
      { type: 'sync' },
      { type: 'power', power: 'off' },
    ]);
    expect(browser.problems).toEqual([]);
  });

  it('adds an item to the program log for some zones and shows them', async () => {
    await createWindow(app, operator, COMMUNE, {
      name: 'Tối',
      startTime: '20:00',
      durationMinutes: 60,
    });
    await createApproved(app, operator, approver, COMMUNE, {
      title: 'Thông báo phiên chợ',
      topics: ['kinh-te-so'],
      durationMs: 20000,
    });
    const tomorrow = addDays(localDateOf(new Date()), 1);
    const page = await browser.newTab('lich-theo-vung');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/lich?view=day&date=${tomorrow}`);
    await page.getByRole('heading', { level: 1, name: 'Lịch phát sóng' }).waitFor();
    await page.getByRole('button', { name: '+ Thêm bản tin vào lịch' }).click();
    const dialog = page.getByRole('dialog');
    const zones = dialog.getByRole('group', { name: 'Vùng phát' });
    const everywhere = zones.getByRole('checkbox', { name: 'Tất cả các vùng' });
    expect(await everywhere.isChecked()).toBe(true);
    await zones.getByRole('checkbox', { name: 'cho', exact: true }).check();
    expect(await everywhere.isChecked()).toBe(false);
    expect(await zones.getByRole('checkbox').count()).toBe(4);
    await dialog.getByLabel('Ngày phát').fill(tomorrow);
    await dialog.getByLabel('Giờ bắt đầu').fill('20:25');
    await screenshot(page, '26-lich-chon-vung-phat');
    await dialog.getByRole('button', { name: 'Thêm vào lịch' }).click();
    await page.getByText('Đã thêm bản tin vào lịch phát sóng.').waitFor();
    const row = page.getByTestId('schedule-item').filter({ hasText: 'Thông báo phiên chợ' });
    await row.getByTestId('item-zones').getByText('cho', { exact: true }).waitFor();
    await screenshot(page, '27-lich-theo-vung');
    const listed = await app
      .http()
      .get(`/api/v1/communes/${COMMUNE}/schedule?from=${tomorrow}`)
      .set(bearer(operator))
      .expect(200);
    expect((listed.body as { zones: string[] | null }[]).map((item) => item.zones)).toEqual([
      ['cho'],
    ]);
    expect(browser.problems).toEqual([]);
  });

  it('plans a campaign for some zones', async () => {
    const today = localDateOf(new Date());
    const day = addDays(today, 2);
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'e2e-theo-vung',
        name: 'Tuyên truyền kinh tế số theo vùng',
        startsOn: addDays(today, -7),
        endsOn: addDays(today, 20),
        rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 60, minPlaysPerWeek: 3 }],
        minDailySeconds: 0,
      })
      .expect(201);
    const page = await browser.newTab('ke-hoach-theo-vung');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/ke-hoach?from=${day}&to=${day}`);
    await page.getByRole('heading', { level: 1, name: 'Lập kế hoạch chiến dịch' }).waitFor();
    const zones = page.getByRole('group', { name: 'Vùng phát' });
    await zones.getByRole('checkbox', { name: 'thon-dong', exact: true }).check();
    await screenshot(page, '29-ke-hoach-theo-vung');
    await page.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
    await page.getByRole('heading', { name: 'Xem trước kế hoạch (chưa lưu)' }).waitFor();
    await page.getByRole('button', { name: /^Áp dụng kế hoạch/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Áp dụng', exact: true }).click();
    await page.getByRole('heading', { name: 'Kế hoạch đã áp dụng' }).waitFor();
    const listed = await app
      .http()
      .get(`/api/v1/communes/${COMMUNE}/schedule?from=${day}`)
      .set(bearer(operator))
      .expect(200);
    const items = listed.body as { zones: string[] | null; source: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((item) => [item.source, item.zones])).toEqual(
      items.map(() => ['planner', ['thon-dong']]),
    );
    expect(browser.problems).toEqual([]);
  });

  it("shows a monitor the province's clusters offline first, with the alert of one lost in a window", async () => {
    const west = await enrolNewDevice(app, operator, COMMUNE, 'Cụm loa thôn Tây', ['thon-tay']);
    const box = await SimulatedDevice.connect(west);
    await box.status({
      status: 'online',
      cachedUntil: new Date(clock.nowMs() + 72 * 3_600_000).toISOString(),
    });
    const statusOf = async () =>
      (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/devices/${west.deviceId}`)
          .set(bearer(operator))
      ).body.status as string;
    await eventually(async () => ((await statusOf()) === 'online' ? true : undefined));
    box.cut();
    await eventually(async () => ((await statusOf()) === 'offline' ? true : undefined));
    clock.advance(61_000);
    await eventually(async () => {
      const alerts = await app.http().get('/api/v1/provinces/38/alerts').set(bearer(monitor));
      const kinds = (alerts.body as { kind: string; deviceId: string }[])
        .filter((alert) => alert.deviceId === west.deviceId)
        .map((alert) => alert.kind);
      return kinds.includes('device-offline') ? true : undefined;
    });

    const page = await browser.newTab('cum-loa-toan-tinh');
    await signIn(page, baseUrl, MONITOR.username, MONITOR.password);
    await page
      .getByRole('navigation', { name: 'Chức năng' })
      .getByRole('link', { name: 'Cụm loa toàn tỉnh', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Cụm loa toàn tỉnh' }).waitFor();
    await page
      .locator('[data-alert="device-offline"]')
      .getByText('Cụm loa thôn Tây mất kết nối trong khung giờ phát Sáng (05:30–06:00)')
      .waitFor();
    const rows = page.locator('tbody tr');
    await rows.first().getByText('Mất kết nối').waitFor();
    expect(await rows.first().getAttribute('data-device')).toBe(west.deviceId);
    expect(await rows.count()).toBe(3);
    await rows
      .first()
      .getByText(/Hạc Thành/)
      .waitFor();
    expect(await rows.first().locator('td.num').textContent()).toBe('1');
    await screenshot(page, '28-cum-loa-toan-tinh');

    await page.getByRole('group', { name: 'Lọc theo trạng thái' }).getByText('Mất kết nối').click();
    await page.waitForURL(/trang-thai=offline/);
    await eventually(async () => ((await rows.count()) === 1 ? true : undefined));
    expect(await rows.first().getAttribute('data-device')).toBe(west.deviceId);
    expect(browser.problems).toEqual([]);
  });

  // After the tests that count the commune's and the province's clusters (they would count these).
  it('registers a cluster from the page, shows its code once, and a new code revokes the old box', async () => {
    const page = await browser.newTab('dang-ky-cum-loa');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/cum-loa`);
    const register = page.getByRole('form', { name: 'Đăng ký cụm loa' });
    await register.waitFor();
    const count = async () =>
      (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/devices`)
          .set(bearer(operator))
          .expect(200)
      ).body.length as number;
    const before = await count();

    // Zones typed as names, not codes: said plainly, nothing registered.
    await register.getByLabel('Tên cụm loa').fill('Cụm loa thôn Bắc');
    await register.getByLabel(/Vùng phát/).fill('Thôn Bắc');
    await register.getByRole('button', { name: 'Đăng ký và lấy mã' }).click();
    await register.getByText('Mã vùng phát không hợp lệ: Thôn, Bắc.').waitFor();
    expect(await count()).toBe(before);

    await register.getByLabel(/Vùng phát/).fill('thon-bac, tdp-1');
    await register.getByRole('button', { name: 'Đăng ký và lấy mã' }).click();
    const shown = page.getByTestId('enrolment-code');
    await shown.waitFor();
    const code = (await shown.locator('.enrolment-code').innerText()).trim();
    expect(code.length).toBeGreaterThan(8);
    await expect(shown.textContent()).resolves.toContain('Mã chỉ dùng được một lần, hết hạn lúc');
    await screenshot(page, 'cum-loa-ma-dang-ky');
    await page.getByRole('button', { name: 'Đã ghi lại mã' }).click();
    const row = page.getByRole('row', { name: /Cụm loa thôn Bắc/ });
    await row.getByText('Chưa kết nối').waitFor();
    // The zones as the service keeps them: each once, in order.
    await row.getByText('tdp-1, thon-bac').waitFor();
    expect(await count()).toBe(before + 1);

    // The technician's box enrols with the code read out.
    const first = await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code, publicKey: newDevicePublicKey() })
      .expect(201);
    const box = first.body as DeviceCredentials;
    await app.http().get('/api/v1/devices/me').set(bearer(box.apiToken)).expect(200);

    // A new code (a replaced box): asked first, then the old box is out and the new code enrols.
    await page.getByRole('button', { name: 'Cấp mã đăng ký mới cho Cụm loa thôn Bắc' }).click();
    await page.getByRole('dialog').getByText('Cụm loa đang dùng sẽ bị thu hồi').waitFor();
    await page.getByRole('button', { name: 'Cấp mã mới', exact: true }).click();
    await shown.waitFor();
    const second = (await shown.locator('.enrolment-code').innerText()).trim();
    expect(second).not.toBe(code);
    await page.getByRole('button', { name: 'Đã ghi lại mã' }).click();
    await app.http().get('/api/v1/devices/me').set(bearer(box.apiToken)).expect(401);
    await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code: second, publicKey: newDevicePublicKey() })
      .expect(201);
    expect(await count()).toBe(before + 1);
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('shows the receipts a cluster sent that are not counted, and why, in Vietnamese', async () => {
    const box = await ReceiptDevice.enrol(app, operator, COMMUNE, 'Cụm loa đình làng', ['dinh']);
    const bulletin = await insertBulletin(app, {
      communeCode: COMMUNE,
      provinceCode: '38',
      title: 'Lịch tiêm phòng cho trẻ',
      topics: ['y-te'],
    });
    // Due in a few minutes (an item that ended before the box enrolled was never sent to it).
    const startsAt = new Date((Math.floor(clock.now().getTime() / 60000) + 5) * 60000);
    const item = await insertScheduleItem(app, {
      communeCode: COMMUNE,
      bulletinId: bulletin.id,
      startsAt,
      durationMs: 60000,
      zones: ['dinh'],
    });
    // The box's clock was two hours behind: its play "began" long before the item's time.
    const early = new Date(startsAt.getTime() - 2 * 3600000).toISOString();
    const answer = await box.upload([box.played(airedPlay(item.id, early, 60000))]).expect(200);
    expect(answer.body.rejected).toEqual([
      expect.objectContaining({ seq: 1, problem: 'off-time' }),
    ]);

    const page = await browser.newTab('bien-nhan-khong-tinh');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/cum-loa`);
    await page.getByRole('heading', { level: 2, name: 'Biên nhận phát không được tính' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Lịch tiêm phòng cho trẻ' });
    await row.getByText('Cụm loa đình làng').waitFor();
    await row
      .getByText(
        'Giờ bắt đầu phát cách quá xa giờ đã xếp của mục phát: đồng hồ của cụm loa có thể bị sai',
      )
      .waitFor();
    // The item's planned time and the box's reported play, local time.
    const local = (at: Date) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Ho_Chi_Minh',
        hour: '2-digit',
        minute: '2-digit',
      }).format(at);
    await row.getByText(new RegExp(`${local(startsAt)} \\(1 phút\\)`)).waitFor();
    await row.getByText(new RegExp(`${local(new Date(early))}:00 – `)).waitFor();
    await screenshot(page, '25b-bien-nhan-khong-tinh', true);
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('edits a cluster in a dialog, deletes one after asking, and words the refusals and a malformed status in Vietnamese', async () => {
    // A box with a signed receipt of a play (its key checks it), and one that sends bad statuses.
    const ferry = await ReceiptDevice.enrol(app, operator, COMMUNE, 'Cụm loa bến đò', ['ben-do']);
    // Its item starts after its enrolment, and has played by the upload.
    const startsAt = new Date(clock.nowMs() + 60_000);
    const bulletin = await insertBulletin(app, {
      communeCode: COMMUNE,
      provinceCode: '38',
      title: 'Lịch tiêm phòng cho gia súc',
      topics: ['xa-hoi-so'],
    });
    const item = await insertScheduleItem(app, {
      communeCode: COMMUNE,
      bulletinId: bulletin.id,
      startsAt,
      durationMs: 60_000,
      zones: ['ben-do'],
    });
    clock.advance(3 * 60_000);
    const uploaded = await ferry.upload([
      ferry.played(airedPlay(item.id, startsAt.toISOString(), 60_000)),
    ]);
    expect(uploaded.body).toMatchObject({ accepted: 1 });
    const pump = await enrolNewDevice(app, operator, COMMUNE, 'Cụm loa trạm bơm', ['tram-bom']);
    const pumpBox = await SimulatedDevice.connect(pump);
    await pumpBox.status({ status: 'online', volume: 150 } as never);
    const viewOf = async (id: string) =>
      (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/devices/${id}`)
          .set(bearer(operator))
          .expect(200)
      ).body as {
        name: string;
        zones: string[];
        location: { lat: number; lon: number; note: string | null } | null;
        lastStatusProblem: { at: string } | null;
      };
    await eventually(async () => (await viewOf(pump.deviceId)).lastStatusProblem ?? undefined);

    const page = await browser.newTab('sua-xoa-cum-loa');
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/cum-loa`);
    await page.getByRole('heading', { level: 1, name: 'Cụm loa', exact: true }).waitFor();
    const pumpRow = page.locator(`tr[data-device="${pump.deviceId}"]`);
    await pumpRow.getByText('Đang hoạt động').waitFor();
    await expect(pumpRow.getByTestId('status-problem').textContent()).resolves.toMatch(
      /^Cụm loa gửi trạng thái không hợp lệ lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}: âm lượng \(volume\) phải là số nguyên từ 0 đến 100\.$/,
    );
    // The province's monitors see it on their list of the province's clusters, in the same words.
    const monitorPage = await browser.newTab('cum-loa-toan-tinh-trang-thai');
    await signIn(monitorPage, baseUrl, MONITOR.username, MONITOR.password);
    await monitorPage.goto(`${baseUrl}/#/cum-loa-toan-tinh`);
    const provincePumpRow = monitorPage.locator(`tr[data-device="${pump.deviceId}"]`);
    await expect(provincePumpRow.getByTestId('status-problem').textContent()).resolves.toBe(
      await pumpRow.getByTestId('status-problem').textContent(),
    );
    await monitorPage.close();

    // Edit: every refusal said in the dialog, in Vietnamese, and nothing saved meanwhile.
    await page.getByRole('button', { name: 'Sửa Cụm loa bến đò' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sửa cụm loa “Cụm loa bến đò”' });
    await dialog.waitFor();
    const save = dialog.getByRole('button', { name: 'Lưu thay đổi' });
    await dialog.getByLabel('Tên cụm loa').fill('   ');
    await save.click();
    await dialog.getByText('Nhập tên cụm loa.').waitFor();
    await dialog.getByLabel('Tên cụm loa').fill('cụm loa CHỢ');
    await save.click();
    await dialog
      .getByText(
        'Xã đã có cụm loa “Cụm loa chợ”; hãy đặt tên khác để phân biệt (tên không phân biệt chữ hoa, chữ thường)',
      )
      .waitFor();
    await dialog.getByLabel('Tên cụm loa').fill('Cụm loa bến đò Nam');
    await dialog.getByLabel(/Vùng phát/).fill('ben-do, Thôn Nam');
    await save.click();
    await dialog.getByText('Mã vùng phát không hợp lệ: Thôn, Nam.').waitFor();
    await dialog.getByLabel(/Vùng phát/).fill('ben-do, thon-nam');
    await dialog.getByLabel('Ghi chú vị trí').fill('Cạnh bến đò thôn Nam');
    await save.click();
    await dialog.getByText('Vị trí cần cả vĩ độ và kinh độ').waitFor();
    await dialog.getByLabel('Vĩ độ').fill('19,8075');
    await dialog.getByLabel('Kinh độ').fill('205.7');
    await save.click();
    await dialog.getByText('Kinh độ phải là một số từ -180 đến 180 (ví dụ 105.7764).').waitFor();
    expect(await viewOf(ferry.id)).toMatchObject({ name: 'Cụm loa bến đò', zones: ['ben-do'] });
    await dialog.getByLabel('Kinh độ').fill('105.7764');
    await screenshot(page, 'cum-loa-sua');
    await save.click();
    await page.getByText('Đã lưu cụm loa “Cụm loa bến đò Nam”.').waitFor();
    await dialog.waitFor({ state: 'detached' });
    const ferryRow = page.locator(`tr[data-device="${ferry.id}"]`);
    await ferryRow.getByText('Cụm loa bến đò Nam').waitFor();
    await ferryRow.getByText('Cạnh bến đò thôn Nam').waitFor();
    await ferryRow.getByText('ben-do, thon-nam').waitFor();
    expect(await viewOf(ferry.id)).toMatchObject({
      name: 'Cụm loa bến đò Nam',
      zones: ['ben-do', 'thon-nam'],
      location: { lat: 19.8075, lon: 105.7764, note: 'Cạnh bến đò thôn Nam' },
    });

    // Delete: asked first, saying what it does; declined, nothing happens.
    await page.getByRole('button', { name: 'Xoá Cụm loa trạm bơm' }).click();
    const ask = page.getByRole('dialog', { name: 'Xoá cụm loa “Cụm loa trạm bơm”?' });
    await ask.getByText('thiết bị đang lắp ngừng kết nối ngay').waitFor();
    await ask.getByText('Nhật ký phát thanh của xã, các cảnh báo').waitFor();
    await ask.getByText('Cụm đã gửi biên nhận phát có chữ ký thì không xoá được').waitFor();
    await ask.getByRole('button', { name: 'Giữ lại', exact: true }).click();
    await ask.waitFor({ state: 'detached' });
    await viewOf(pump.deviceId);
    const closed = new Promise<void>((resolve) => pumpBox.client.once('close', () => resolve()));
    await page.getByRole('button', { name: 'Xoá Cụm loa trạm bơm' }).click();
    await ask.getByRole('button', { name: 'Xoá cụm loa', exact: true }).click();
    await page.getByText('Đã xoá cụm loa “Cụm loa trạm bơm”.').waitFor();
    await pumpRow.waitFor({ state: 'detached' });
    await closed;
    await app
      .http()
      .get(`/api/v1/communes/${COMMUNE}/devices/${pump.deviceId}`)
      .set(bearer(operator))
      .expect(404);

    // The cluster whose receipt its key checks is refused, in the API's Vietnamese words.
    await page.getByRole('button', { name: 'Xoá Cụm loa bến đò Nam' }).click();
    await page
      .getByRole('dialog', { name: 'Xoá cụm loa “Cụm loa bến đò Nam”?' })
      .getByRole('button', { name: 'Xoá cụm loa', exact: true })
      .click();
    await page
      .getByRole('alert')
      .getByText(
        'Cụm loa “Cụm loa bến đò Nam” đã gửi 1 biên nhận phát có chữ ký nên không xoá được: cần giữ khoá của cụm để kiểm chứng các biên nhận đó. Khi thay thiết bị, hãy dùng “Cấp mã mới”',
      )
      .waitFor();
    await ferryRow.getByText('Cụm loa bến đò Nam').waitFor();
    await viewOf(ferry.id);
    const refused = browser.problems.filter(
      (problem) => problem.tab === 'sua-xoa-cum-loa' && problem.text.includes('status of 409'),
    );
    expect(refused).toHaveLength(2);
    expect(browser.problems).toEqual(refused);
    await pumpBox.close();
    await page.close();
  });

  it('lists in the Sửa and Xoá dialogs the items a cluster alone serves, and cancels them when asked', async () => {
    const created = await app
      .http()
      .post(`/api/v1/communes/${COMMUNE}/devices`)
      .set(bearer(operator))
      .send({ name: 'Cụm loa xóm Đình', zones: ['xom-dinh'] })
      .expect(201);
    const clusterId = created.body.id as string;
    const bulletin = await insertBulletin(app, {
      communeCode: COMMUNE,
      provinceCode: '38',
      title: 'Thông báo họp xóm Đình',
      topics: ['xa-hoi-so'],
    });
    const startsAt = new Date(clock.nowMs() + 2 * 3600_000);
    const item = await insertScheduleItem(app, {
      communeCode: COMMUNE,
      bulletinId: bulletin.id,
      startsAt,
      durationMs: 60_000,
      zones: ['xom-dinh'],
    });
    const day = localDateOf(startsAt);
    const itemNow = async () =>
      (
        (
          await app
            .http()
            .get(`/api/v1/communes/${COMMUNE}/schedule?from=${day}&to=${day}`)
            .set(bearer(operator))
            .expect(200)
        ).body as { id: string; status: string; cancelReason: string | null }[]
      ).find((one) => one.id === item.id);
    const tab = 'cum-loa-luot-phat';
    const page = await browser.newTab(tab);
    await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
    await page.goto(`${baseUrl}/#/cum-loa`);
    const row = page.locator(`tr[data-device="${clusterId}"]`);
    await row.getByText('xom-dinh').waitFor();

    // Sửa: the item is named; keeping the cluster as it is writes nothing and keeps the dialog.
    await page.getByRole('button', { name: 'Sửa Cụm loa xóm Đình' }).click();
    const edit = page.getByRole('dialog', { name: 'Sửa cụm loa “Cụm loa xóm Đình”' });
    await edit.getByLabel(/Vùng phát/).fill('thon-bac');
    await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
    // Asked over the edit dialog, whose title holds the shared heading id: found by its content.
    const ask = page.locator('dialog').filter({ has: page.getByTestId('zone-items') });
    await ask.getByText('Có lượt phát sẽ không còn cụm loa nào phát').waitFor();
    await ask.getByText('1 lượt phát', { exact: true }).waitFor();
    await ask.getByText(/— Thông báo họp xóm Đình \(vùng xom-dinh\)$/).waitFor();
    await ask.getByRole('button', { name: 'Giữ nguyên cụm loa' }).click();
    await ask.waitFor({ state: 'detached' });
    await edit.getByRole('button', { name: 'Lưu thay đổi' }).waitFor();
    const cluster = await app
      .http()
      .get(`/api/v1/communes/${COMMUNE}/devices/${clusterId}`)
      .set(bearer(operator))
      .expect(200);
    expect(cluster.body.zones).toEqual(['xom-dinh']);
    expect(await itemNow()).toMatchObject({ status: 'planned' });
    await edit.getByRole('button', { name: 'Đóng', exact: true }).first().click();

    // Xoá: asked as before, then the items; cancelling them deletes the cluster.
    await page.getByRole('button', { name: 'Xoá Cụm loa xóm Đình' }).click();
    await page
      .getByRole('dialog', { name: 'Xoá cụm loa “Cụm loa xóm Đình”?' })
      .getByRole('button', { name: 'Xoá cụm loa', exact: true })
      .click();
    await ask.getByText(/— Thông báo họp xóm Đình \(vùng xom-dinh\)$/).waitFor();
    await ask.getByRole('button', { name: 'Vẫn lưu và huỷ 1 lượt phát' }).click();
    await page.getByText('Đã xoá cụm loa “Cụm loa xóm Đình”. Đã huỷ 1 lượt phát.').waitFor();
    await row.waitFor({ state: 'detached' });
    expect(await itemNow()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Không còn cụm loa nào ở vùng phát xom-dinh (cụm loa đã được sửa hoặc xoá)',
    });
    const mine = browser.problems.filter((problem) => problem.tab === tab);
    expect(mine).toHaveLength(2);
    expect(mine.every((problem) => problem.text.includes('status of 409'))).toBe(true);
    await page.close();
  });
});
