import { ManualClock } from '../src/common/manual-clock';
import { Db } from '../src/database/db.service';
import { DevicesRepository } from '../src/fleet/devices.repository';
import { DevicesService } from '../src/fleet/devices.service';
import type { StatusMessage } from '../src/fleet/protocol';
import {
  enrolNewDevice,
  newDevicePublicKey,
  registerDevice,
  SimulatedDevice,
} from './support/fleet-device';
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

/** The columns of the device's row these tests look at, as the database holds them. */
interface StoredDevice {
  name: string;
  volume: number | null;
  last_seen_at: string | null;
  api_token_hash: string | null;
  enrolment_code_hash: string | null;
  enrolment_used_at: string | null;
  public_key: string | null;
  revoked_at: string | null;
}

async function storedDevice(app: TestApp, id: string): Promise<StoredDevice> {
  const db = app.app.get(Db);
  const rows = await db.manager.query<StoredDevice[]>(
    'SELECT name, volume, last_seen_at, api_token_hash, enrolment_code_hash, enrolment_used_at, ' +
      'public_key, revoked_at ' +
      `FROM device WHERE id = ${db.isSqlite ? '?' : '$1'}`,
    [id],
  );
  return rows[0];
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

  /**
   * Runs `action` within the next write of device `id`, after that write's read of the device
   * (`DevicesRepository.find` in its transaction) and before the read returns what it read.
   */
  function duringNextWrite(id: string, action: () => Promise<void>): void {
    const repository = app.app.get(DevicesRepository);
    const find = repository.find.bind(repository);
    const spy = jest.spyOn(repository, 'find');
    spy.mockImplementation(async (deviceId, manager) => {
      const row = await find(deviceId, manager);
      if (manager === undefined || deviceId !== id) return row;
      spy.mockRestore();
      await action();
      return row;
    });
  }

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

  it('keeps a status written while the device is edited, its code renewed or its credentials revoked', async () => {
    const { deviceId: id } = await enrolNewDevice(app, admin, HAC_THANH, 'Cụm loa thôn 7');
    const service = app.app.get(DevicesService);
    await service.recordStatus(HAC_THANH, id, { status: 'online', volume: 40 }, clock.now());
    await service.flushStatuses();

    /**
     * A status of the device is taken and its batch written while the next write of the device
     * is under way: what the status book does when a status comes while an operator edits the
     * cluster. On PostgreSQL (read committed) the batch commits between the edit's read and its
     * write; SQLite serializes writes (Db.write), so there it waits for the edit's transaction.
     */
    const statusDuringNextWrite = (status: StatusMessage): void =>
      duringNextWrite(id, async () => {
        await service.recordStatus(HAC_THANH, id, status, clock.now());
        const written = service.flushStatuses();
        if (!app.app.get(Db).isSqlite) await written;
      });

    // A rename: the name changes, the status written meanwhile stays and is what it shows.
    clock.advance(30_000);
    statusDuringNextWrite({ status: 'online', volume: 61 });
    const renamed = await app
      .http()
      .patch(`/api/v1/communes/${HAC_THANH}/devices/${id}`)
      .set(bearer(admin))
      .send({ name: 'Cụm loa thôn 7 (chợ)' })
      .expect(200);
    await service.flushStatuses();
    expect(renamed.body).toMatchObject({ volume: 61, lastSeenAt: clock.now().toISOString() });
    expect(await storedDevice(app, id)).toMatchObject({
      name: 'Cụm loa thôn 7 (chợ)',
      volume: 61,
      last_seen_at: clock.now().toISOString(),
    });

    // A revocation: the credentials go, the status stays.
    clock.advance(30_000);
    const revokedAt = clock.now().toISOString();
    statusDuringNextWrite({ status: 'online', volume: 62 });
    const revoked = await app
      .http()
      .delete(`/api/v1/communes/${HAC_THANH}/devices/${id}/credentials`)
      .set(bearer(admin))
      .expect(200);
    await service.flushStatuses();
    expect(revoked.body).toMatchObject({ enrolled: false, volume: 62, lastSeenAt: revokedAt });
    expect(await storedDevice(app, id)).toMatchObject({
      volume: 62,
      last_seen_at: revokedAt,
      api_token_hash: null,
      revoked_at: revokedAt,
    });

    // A new enrolment code: the code changes, the first revocation and the status stay.
    clock.advance(30_000);
    const before = await storedDevice(app, id);
    statusDuringNextWrite({ status: 'online', volume: 63 });
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/devices/${id}/enrolment-code`)
      .set(bearer(admin))
      .expect(201);
    await service.flushStatuses();
    const renewed = await storedDevice(app, id);
    expect(renewed).toMatchObject({
      volume: 63,
      last_seen_at: clock.now().toISOString(),
      revoked_at: revokedAt,
    });
    expect(renewed.enrolment_code_hash).not.toBe(before.enrolment_code_hash);
  });

  // SQLite serializes writes: there an enrolment cannot commit within a revocation.
  (process.env.TEST_DB === 'postgres' ? it : it.skip)(
    'revokes an enrolment that commits while the revocation is under way, from the revocation',
    async () => {
      const registered = await registerDevice(app, admin, HAC_THANH, 'Cụm loa thôn 8');
      const publicKey = newDevicePublicKey();
      duringNextWrite(registered.id, async () => {
        await app
          .http()
          .post('/api/v1/devices/enrol')
          .send({ code: registered.enrolmentCode, publicKey })
          .expect(201);
      });
      clock.advance(1000);
      await app
        .http()
        .delete(`/api/v1/communes/${HAC_THANH}/devices/${registered.id}/credentials`)
        .set(bearer(admin))
        .expect(200);
      // Revoked as it was by then, enrolled: from now on. Its code stays used, its key stays.
      const stored = await storedDevice(app, registered.id);
      expect(stored).toMatchObject({
        api_token_hash: null,
        revoked_at: clock.now().toISOString(),
        public_key: publicKey,
      });
      expect(stored.enrolment_used_at).not.toBeNull();
    },
  );
});
