import { ManualClock } from '../src/common/manual-clock';
import { AlertsService } from '../src/fleet/alerts.service';
import { DeviceCredentials, enrolNewDevice, SimulatedDevice } from './support/fleet-device';
import { eventually } from './support/eventually';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const HAC_THANH = '14797';
const HAM_RONG = '14758';
const HOUR_MS = 3_600_000;

interface AlertView {
  id: string;
  kind: string;
  communeCode: string;
  communeName: string;
  deviceId: string | null;
  message: string;
  since: string;
  clearedAt: string | null;
}

describe('fleet alerts: offline in a window, short cache, skewed clock (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  // 05:32 local on Friday 2026-12-04, inside the "Sáng" window (05:30, 30 minutes).
  const clock = new ManualClock('2026-12-03T22:32:00Z');
  let admin: string;
  let operator: string;
  let monitor: string;
  let otherMonitor: string;
  let otherOperator: string;
  const devices: SimulatedDevice[] = [];

  beforeAll(async () => {
    // A sweep every second, so time moved by the test is noticed at once.
    storage = await createTestStorage({ ALERT_SWEEP_SECONDS: '1' });
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    otherOperator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-ham-rong',
      role: 'operator',
      communeCode: HAM_RONG,
    });
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: '38',
    });
    otherMonitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-ha-noi',
      role: 'monitor',
      provinceCode: '01',
    });
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/windows`)
      .set(bearer(operator))
      .send({
        name: 'Sáng',
        daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
        startTime: '05:30',
        durationMinutes: 30,
      })
      .expect(201);
  });

  afterAll(async () => {
    await Promise.all(devices.map((device) => device.close()));
    await app.close();
    await storage.dispose();
  });

  async function connect(credentials: DeviceCredentials): Promise<SimulatedDevice> {
    const device = await SimulatedDevice.connect(credentials);
    devices.push(device);
    return device;
  }

  async function alerts(query = '', token = operator): Promise<AlertView[]> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/alerts${query}`)
      .set(bearer(token))
      .expect(200);
    return response.body as AlertView[];
  }

  /** Waits until the device's open alerts are exactly these kinds; answers them. */
  function openAlertsBecome(deviceId: string, kinds: string[]): Promise<AlertView[]> {
    return eventually(
      async () => {
        const open = (await alerts()).filter((alert) => alert.deviceId === deviceId);
        const found = open.map((alert) => alert.kind).sort();
        return JSON.stringify(found) === JSON.stringify([...kinds].sort()) ? open : undefined;
      },
      { timeoutMs: 10000, what: `open alerts ${kinds.join(', ') || '(none)'}` },
    );
  }

  /** A healthy status: cache for three days ahead, clock on time. */
  function healthy(extra: object = {}) {
    return {
      status: 'online' as const,
      ts: clock.now().toISOString(),
      clockSkewMs: 0,
      cachedUntil: new Date(clock.nowMs() + 72 * HOUR_MS).toISOString(),
      ...extra,
    };
  }

  let thon1: DeviceCredentials;
  let box: SimulatedDevice;

  it('raises device-offline for a cluster that drops during an on-air window, and clears it when it is back', async () => {
    thon1 = await enrolNewDevice(app, operator, HAC_THANH, 'Thôn 1', ['thon-1']);
    box = await connect(thon1);
    await box.status(healthy());
    await eventually(async () => ((await alerts()).length === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await alerts()).toEqual([]);

    box.cut();
    // The Last Will marks it offline; within the grace (60 s) that is no alert yet.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await alerts()).toEqual([]);
    clock.advance(61_000);
    const [offline] = await openAlertsBecome(thon1.deviceId, ['device-offline']);
    expect(offline).toMatchObject({
      kind: 'device-offline',
      communeCode: HAC_THANH,
      deviceId: thon1.deviceId,
      message: 'Cụm loa Thôn 1 mất kết nối trong khung giờ phát Sáng (05:30–06:00)',
      since: clock.now().toISOString(),
      clearedAt: null,
    });

    // The sweep keeps one open alert, however often it runs.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await alerts()).map((alert) => alert.id)).toEqual([offline.id]);

    clock.advance(10_000);
    box = await connect(thon1);
    await box.status(healthy());
    await openAlertsBecome(thon1.deviceId, []);
    const history = await alerts('?state=all');
    expect(history).toEqual([
      expect.objectContaining({ id: offline.id, clearedAt: clock.now().toISOString() }),
    ]);
    expect(await alerts('?include=cleared')).toEqual(history);
  });

  it('raises clock-skew above 2 s and clears it at 0', async () => {
    await box.status(healthy({ clockSkewMs: 3200 }));
    const [skew] = await openAlertsBecome(thon1.deviceId, ['clock-skew']);
    expect(skew.message).toBe('Đồng hồ của cụm loa Thôn 1 lệch 3,2 giây (nhanh)');
    // Still skewed, by more: the same alert, its message up to date.
    await box.status(healthy({ clockSkewMs: 4500 }));
    await eventually(async () => {
      const [open] = await openAlertsBecome(thon1.deviceId, ['clock-skew']);
      return open.message.includes('4,5 giây') ? open : undefined;
    });
    expect((await openAlertsBecome(thon1.deviceId, ['clock-skew']))[0]).toMatchObject({
      id: skew.id,
      since: skew.since,
    });
    await box.status(healthy({ clockSkewMs: 0 }));
    await openAlertsBecome(thon1.deviceId, []);
  });

  it('raises cache-incomplete when the cache ends within 24 h, and clears it when full', async () => {
    await box.status(healthy({ cachedUntil: new Date(clock.nowMs() + 2 * HOUR_MS).toISOString() }));
    const [cache] = await openAlertsBecome(thon1.deviceId, ['cache-incomplete']);
    expect(cache.message).toMatch(
      /^Bộ nhớ đệm của cụm loa Thôn 1 chưa đủ cho 24 giờ tới \(chỉ đến 04\/12 07:3\d\)$/,
    );
    await box.status(healthy());
    await openAlertsBecome(thon1.deviceId, []);

    // Time alone shortens a cache: the sweep notices without any message. Within the box's
    // status period: a box unheard-of for longer (DEVICE_SILENT_AFTER_SECONDS) is offline, and
    // an offline box's cache is not an alert.
    await box.status(
      healthy({ cachedUntil: new Date(clock.nowMs() + 24 * HOUR_MS + 30_000).toISOString() }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await openAlertsBecome(thon1.deviceId, []);
    clock.advance(31_000);
    await openAlertsBecome(thon1.deviceId, ['cache-incomplete']);
    await box.status(healthy());
    await openAlertsBecome(thon1.deviceId, []);
  });

  it('raises device-offline for an enrolled cluster never seen in a window; deleting it clears', async () => {
    const silent = await enrolNewDevice(app, operator, HAC_THANH, 'Cụm loa chợ');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await openAlertsBecome(silent.deviceId, []);
    clock.advance(61_000);
    const [offline] = await openAlertsBecome(silent.deviceId, ['device-offline']);
    expect(offline.message).toBe('Cụm loa chợ mất kết nối trong khung giờ phát Sáng (05:30–06:00)');

    await app
      .http()
      .delete(`/api/v1/communes/${HAC_THANH}/devices/${silent.deviceId}`)
      .set(bearer(operator))
      .expect(204);
    // At once, not at the next sweep.
    expect((await alerts()).filter((alert) => alert.deviceId === silent.deviceId)).toEqual([]);
  });

  it('shows the alerts to the province monitors with the commune, and to no one else', async () => {
    await box.status(healthy({ clockSkewMs: -2500 }));
    await openAlertsBecome(thon1.deviceId, ['clock-skew']);

    const province = await app
      .http()
      .get('/api/v1/provinces/38/alerts')
      .set(bearer(monitor))
      .expect(200);
    expect(province.body).toEqual([
      expect.objectContaining({
        kind: 'clock-skew',
        communeCode: HAC_THANH,
        communeName: expect.stringContaining('Hạc Thành'),
        message: 'Đồng hồ của cụm loa Thôn 1 lệch 2,5 giây (chậm)',
      }),
    ]);
    expect(await alerts('', monitor)).toHaveLength(1);
    const all = await app
      .http()
      .get('/api/v1/provinces/38/alerts?state=all&days=1')
      .set(bearer(admin))
      .expect(200);
    expect((all.body as AlertView[]).length).toBeGreaterThanOrEqual(5);

    await app.http().get('/api/v1/provinces/38/alerts').set(bearer(otherMonitor)).expect(403);
    await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/alerts`)
      .set(bearer(otherMonitor))
      .expect(403);
    await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/alerts`)
      .set(bearer(otherOperator))
      .expect(403);
    await app.http().get('/api/v1/provinces/38/alerts').set(bearer(operator)).expect(403);
    const bad = await app
      .http()
      .get('/api/v1/provinces/38/alerts?state=some')
      .set(bearer(monitor))
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('lets other features raise and clear through one API: one open alert per identity', async () => {
    const service = app.app.get(AlertsService);
    const identity = {
      communeCode: HAC_THANH,
      kind: 'receipt-refused' as const,
      deviceId: thon1.deviceId,
      subject: 'receipt-1',
    };
    const raised = await Promise.all(
      [1, 2, 3].map(() => service.raise({ ...identity, message: 'Biên nhận bị từ chối' })),
    );
    expect(new Set(raised.map((alert) => alert.id)).size).toBe(1);
    await service.raise({ ...identity, subject: 'receipt-2', message: 'Biên nhận khác' });
    const open = (await alerts()).filter((alert) => alert.kind === 'receipt-refused');
    expect(open).toHaveLength(2);
    expect(await service.clear(identity)).toBe(true);
    expect(await service.clear(identity)).toBe(false);
    const left = (await alerts()).filter((alert) => alert.kind === 'receipt-refused');
    expect(left.map((alert) => alert.message)).toEqual(['Biên nhận khác']);
  });
});
