import { randomUUID } from 'node:crypto';
import { Db } from '../src/database/db.service';
import { newMqttPassword, secretHash } from '../src/fleet/device-credentials';
import { Device } from '../src/fleet/entities/device.entity';
import { FleetMqtt } from '../src/fleet/fleet-mqtt';
import { DeviceCredentials, SimulatedDevice } from './support/fleet-device';
import { eventually } from './support/eventually';
import { HAC_THANH, THANH_HOA } from './support/schedule-fixtures';
import { createTestStorage, startTestApp, TestApp, TestStorage } from './support/test-app';

/** A province's worth of clusters (MASS_CUT_DEVICES=2500 for Thanh Hóa's). */
const DEVICES = Number(process.env.MASS_CUT_DEVICES ?? 1000);

/**
 * A cell-tower outage: every cluster of a province loses its link at the same moment, so the
 * embedded broker sends all their Last Wills together. The broker must survive it and the server
 * must mark every one of them offline.
 */
describe('a whole fleet cut at once, embedded broker (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  const devices: SimulatedDevice[] = [];

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage);
  });

  afterAll(async () => {
    await Promise.all(devices.map((device) => device.close()));
    await app?.close();
    await storage.dispose();
  });

  /** Registered and enrolled straight in the database: the routes are tested elsewhere. */
  async function seedDevices(count: number): Promise<DeviceCredentials[]> {
    const url = app.app.get(FleetMqtt).deviceUrl('127.0.0.1');
    const now = new Date();
    const credentials: DeviceCredentials[] = [];
    const rows: Partial<Device>[] = [];
    for (let i = 0; i < count; i++) {
      const deviceId = randomUUID();
      const password = newMqttPassword();
      credentials.push({
        deviceId,
        communeCode: HAC_THANH,
        apiToken: '',
        mqtt: { url, username: deviceId, password },
      });
      rows.push({
        id: deviceId,
        communeCode: HAC_THANH,
        provinceCode: THANH_HOA,
        name: `Cụm loa ${i + 1}`,
        zones: [],
        mqttPasswordHash: secretHash(password),
        enrolledAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
    await app.app.get(Db).write((manager) => manager.save(Device, rows, { chunk: 100 }));
    return credentials;
  }

  async function states(): Promise<Map<string | null, number>> {
    const rows = await app.app
      .get(Db)
      .manager.query<{ state: string | null; n: string | number }[]>(
        'SELECT state, COUNT(*) AS n FROM device GROUP BY state',
      );
    return new Map(rows.map((row) => [row.state, Number(row.n)]));
  }

  it(`survives ${DEVICES} Last Wills at once and marks every device offline`, async () => {
    const credentials = await seedDevices(DEVICES);
    for (let i = 0; i < credentials.length; i += 100) {
      const batch = credentials.slice(i, i + 100);
      devices.push(
        ...(await Promise.all(
          batch.map((c) => SimulatedDevice.connect(c, { keepalive: 30, connectTimeout: 20000 })),
        )),
      );
    }
    for (let i = 0; i < devices.length; i += 250) {
      await Promise.all(
        devices.slice(i, i + 250).map((device) => device.status({ status: 'online' })),
      );
    }
    await eventually(async () => ((await states()).get('online') === DEVICES ? true : undefined), {
      timeoutMs: 60000,
    });

    for (const device of devices) device.cut();

    await eventually(async () => ((await states()).get('offline') === DEVICES ? true : undefined), {
      timeoutMs: 60000,
      what: 'every Last Will',
    });
    expect(await states()).toEqual(new Map([['offline', DEVICES]]));
  }, 180000);

  it('routes commands to a whole province of cut devices without overflowing its stack', async () => {
    // One device still there, with commands on their way to it (the broker is delivering them),
    // then the server's commands to every cut device: nobody takes those.
    const [credentials] = await seedDevices(1);
    const survivor = await SimulatedDevice.connect(credentials, { keepalive: 30 });
    devices.push(survivor);
    await survivor.subscribeCommands();
    const fleet = app.app.get(FleetMqtt);
    const payload = Buffer.from('{}');
    const qos1 = { qos: 1 as const, retain: false };
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) sent.push(fleet.publish(survivor.topic('cmd'), payload, qos1));
    const rounds = Math.ceil(10000 / DEVICES);
    for (let round = 0; round < rounds; round++) {
      for (const device of devices) {
        if (device !== survivor) sent.push(fleet.publish(device.topic('cmd'), payload, qos1));
      }
    }
    await Promise.all(sent);
    expect(sent).toHaveLength(200 + rounds * DEVICES);
  });
});
