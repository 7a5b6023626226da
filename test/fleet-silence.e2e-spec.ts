import { ManualClock } from '../src/common/manual-clock';
import { eventually } from './support/eventually';
import { DeviceCredentials, enrolNewDevice, SimulatedDevice } from './support/fleet-device';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
  THANH_HOA,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const SILENT_AFTER_MS = 5000;

/**
 * A box that ends its session with a clean MQTT DISCONNECT sends no Last Will: the server must
 * notice its silence (DEVICE_SILENT_AFTER_SECONDS, small here) to show it offline.
 */
describe('a cluster silent too long is offline (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  // 05:32 local on 2026-12-04, inside the "Sáng" window (05:30, 30 minutes).
  const clock = new ManualClock('2026-12-03T22:32:00Z');
  let emergencyBulletin: string;
  let thon1: DeviceCredentials;
  const connected: SimulatedDevice[] = [];

  beforeAll(async () => {
    // A sweep every second, so time moved by the test is noticed at once.
    storage = await createTestStorage({
      DEVICE_SILENT_AFTER_SECONDS: String(SILENT_AFTER_MS / 1000),
      ALERT_SWEEP_SECONDS: '1',
    });
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    emergencyBulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Khẩn cấp: nước lũ lên nhanh',
      topics: ['chu-truong-chinh-sach'],
      durationMs: 120_000,
      priority: 'emergency',
    });
    thon1 = await enrolNewDevice(app, who.operator, HAC_THANH, 'Thôn 1', ['thon-1']);
  });

  afterAll(async () => {
    await Promise.all(connected.map((device) => device.close()));
    await app.close();
    await storage.dispose();
  });

  async function connect(): Promise<SimulatedDevice> {
    const device = await SimulatedDevice.connect(thon1);
    connected.push(device);
    await device.subscribeCommands();
    await device.status({
      status: 'online',
      ts: clock.now().toISOString(),
      cachedUntil: new Date(clock.nowMs() + 72 * 3_600_000).toISOString(),
    });
    await eventually(async () => ((await view()).status === 'online' ? true : undefined));
    return device;
  }

  async function view(): Promise<{ status: string; lastSeenAt: string | null }> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/devices/${thon1.deviceId}`)
      .set(bearer(who.operator))
      .expect(200);
    return response.body as { status: string; lastSeenAt: string | null };
  }

  async function offlineInProvince(): Promise<string[]> {
    const response = await app
      .http()
      .get(`/api/v1/provinces/${THANH_HOA}/devices?status=offline`)
      .set(bearer(who.monitor))
      .expect(200);
    return (response.body as { id: string }[]).map((device) => device.id);
  }

  async function openAlerts(): Promise<{ kind: string; message: string }[]> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/alerts`)
      .set(bearer(who.operator))
      .expect(200);
    return response.body as { kind: string; message: string }[];
  }

  it('shows offline, alerts and counts offline a box that disconnected cleanly, until it is back', async () => {
    const box = await connect();
    const heardAt = (await view()).lastSeenAt;

    // A clean DISCONNECT: the broker sends no Last Will, so nothing says the box left.
    await box.client.endAsync();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await view()).toMatchObject({ status: 'online', lastSeenAt: heardAt });
    expect(await offlineInProvince()).toEqual([]);

    // Silent longer than DEVICE_SILENT_AFTER_SECONDS: offline, in the commune's list and the
    // province's; within the alert grace (60 s from its last status) no alert yet.
    clock.advance(SILENT_AFTER_MS + 1);
    expect(await view()).toMatchObject({ status: 'offline', lastSeenAt: heardAt });
    expect(await offlineInProvince()).toEqual([thon1.deviceId]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await openAlerts()).toEqual([]);

    // An emergency sent now counts it offline when sent (its command waits for its return).
    const emergency = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/emergency`)
      .set(bearer(who.operator))
      .send({ bulletinId: emergencyBulletin })
      .expect(201);
    expect(emergency.body.devices).toEqual({
      targeted: 1,
      notEnrolled: 0,
      online: 0,
      published: 1,
    });
    const report = await app
      .http()
      .get(`/api/v1/emergencies/${emergency.body.emergencyId}`)
      .set(bearer(who.operator))
      .expect(200);
    expect(report.body.targeted).toEqual([
      expect.objectContaining({ deviceId: thon1.deviceId, onlineWhenSent: false }),
    ]);

    // The sweep raises device-offline once the grace is over, as for a Last Will.
    clock.advance(60_000);
    const [offline] = await eventually(async () => {
      const open = await openAlerts();
      return open.length > 0 ? open : undefined;
    });
    expect(offline).toMatchObject({
      kind: 'device-offline',
      message: 'Cụm loa Thôn 1 mất kết nối trong khung giờ phát Sáng (05:30–06:00)',
    });

    // Its next status is a return: online, the alert cleared, the emergency sent again.
    const back = await connect();
    await eventually(async () => ((await openAlerts()).length === 0 ? true : undefined));
    const resent = (command: { type: string }) => command.type === 'play-emergency';
    await eventually(() => Promise.resolve(back.commands.some(resent) ? true : undefined));
    expect(await offlineInProvince()).toEqual([]);
  });
});
