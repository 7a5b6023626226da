import { ManualClock } from '../src/common/manual-clock';
import { Db } from '../src/database/db.service';
import { enrolNewDevice, SimulatedDevice } from './support/fleet-device';
import { eventually } from './support/eventually';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const HAC_THANH = '14797';

interface DeviceView {
  id: string;
  status: 'online' | 'offline' | 'never-seen';
  lastSeenAt: string | null;
  volume: number | null;
  version: string | null;
}

/** The device's row as the database holds it (what other processes read). */
async function storedVolume(app: TestApp, id: string): Promise<number | null> {
  const rows = await app.app
    .get(Db)
    .manager.query<{ volume: number | null }[]>(
      app.app.get(Db).isSqlite
        ? 'SELECT volume FROM device WHERE id = ?'
        : 'SELECT volume FROM device WHERE id = $1',
      [id],
    );
  return rows[0].volume;
}

describe('fleet: statuses written in batches (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  const clock = new ManualClock('2026-12-03T07:00:00Z');
  let admin: string;
  let device: SimulatedDevice | undefined;

  beforeAll(async () => {
    // Batches far apart: within the test nothing is written by the timer, only as asked.
    storage = await createTestStorage({ DEVICE_STATUS_WRITE_MS: '600000' });
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await device?.close();
    await app?.close();
    await storage.dispose();
  });

  async function view(token: string, id: string): Promise<DeviceView> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/devices/${id}`)
      .set(bearer(token))
      .expect(200);
    return response.body as DeviceView;
  }

  it('shows a status at once, writes it with the next batch, and loses none when the service stops', async () => {
    const credentials = await enrolNewDevice(app, admin, HAC_THANH, 'Cụm loa thôn 2');
    const id = credentials.deviceId;
    device = await SimulatedDevice.connect(credentials);
    // Healthy (a cache for the next days): its statuses change no alert.
    const cachedUntil = '2026-12-06T07:00:00.000Z';
    await device.status({
      status: 'online',
      ts: clock.now().toISOString(),
      cachedUntil,
      volume: 40,
    });
    // Coming online is written at once: emergencies and the alert sweep read the database.
    await eventually(async () => ((await storedVolume(app, id)) === 40 ? true : undefined));

    // A steady device's status waits for the batch, but the devices routes show it already.
    clock.advance(30_000);
    await device.status({
      status: 'online',
      ts: clock.now().toISOString(),
      cachedUntil,
      volume: 55,
    });
    const shown = await eventually(async () => {
      const current = await view(admin, id);
      return current.volume === 55 ? current : undefined;
    });
    expect(shown).toMatchObject({ status: 'online', lastSeenAt: clock.now().toISOString() });
    const province = await app
      .http()
      .get('/api/v1/provinces/38/devices')
      .set(bearer(admin))
      .expect(200);
    expect((province.body as DeviceView[]).find((d) => d.id === id)).toMatchObject({
      volume: 55,
      lastSeenAt: clock.now().toISOString(),
    });
    expect(await storedVolume(app, id)).toBe(40);

    // Stopping the service (its broker ends the device's connection) writes what waits.
    await app.close();
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    expect(await storedVolume(app, id)).toBe(55);
    expect(await view(admin, id)).toMatchObject({ lastSeenAt: clock.now().toISOString() });
  });
});
