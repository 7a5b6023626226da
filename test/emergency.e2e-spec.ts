import { ManualClock } from '../src/common/manual-clock';
import { Db } from '../src/database/db.service';
import mqtt from 'mqtt';
import { CommandMessage, deviceTopic, encodeMessage } from '../src/fleet/protocol';
import { seedReadyAudio } from './support/audio-fixtures';
import { insertScheduleItem } from './support/playout-fixtures';
import { DeviceCredentials, newDevicePublicKey, SimulatedDevice } from './support/fleet-device';
import { eventually } from './support/eventually';
import { MOSQUITTO_PATH, startMosquitto, TestMosquitto } from './support/mosquitto';
import {
  Actors,
  createActors,
  createApproved,
  HAC_THANH,
  HAM_RONG,
  THANH_HOA,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const BA_DINH = '00004';

interface DeviceRef {
  deviceId: string;
  name: string;
  communeCode: string;
}

interface Report {
  id: string;
  scope: string;
  running: boolean;
  targeted: (DeviceRef & { onlineWhenSent: boolean })[];
  acknowledged: (DeviceRef & { acknowledgedAt: string; ok: boolean })[];
  started: (DeviceRef & { startedAt: string })[];
  offline: DeviceRef[];
}

/** How a simulated device answers a play-emergency. */
type Answer = 'ack-with-start' | 'ack-then-status' | 'silent';

/**
 * Makes the device play what it is told, as docs/device-protocol.md says: a play-emergency whose
 * `endsAt` has passed is refused; otherwise acknowledged with the start (`ack-with-start`), or
 * acknowledged and then reported by a `playing` status (`ack-then-status`).
 */
function answerEmergencies(device: SimulatedDevice, answer: Answer, clock: ManualClock): void {
  device.client.on('message', (topic, payload) => {
    if (topic !== device.topic('cmd') || answer === 'silent') return;
    const command = JSON.parse(payload.toString()) as CommandMessage;
    if (command.type !== 'play-emergency') return;
    const now = clock.now();
    if (command.endsAt && Date.parse(command.endsAt) <= now.getTime()) {
      void device.ack({ id: command.id, ok: false, error: 'expired' });
      return;
    }
    const startedAt = new Date(now.getTime() + 150).toISOString();
    if (answer === 'ack-with-start') {
      void device.ack({ id: command.id, ok: true, startedAt });
    } else {
      void device.ack({ id: command.id, ok: true }).then(() =>
        device.status({
          status: 'playing',
          playing: { scheduleItemId: command.scheduleItemId, startedAt },
        }),
      );
    }
  });
}

/** The tables an emergency writes, counted: a refusal must leave them as they were. */
async function rowCounts(app: TestApp): Promise<Record<string, number>> {
  const db = app.app.get(Db);
  const counts: Record<string, number> = {};
  for (const table of ['emergency', 'emergency_device', 'device_command', 'schedule_item']) {
    const [row] = await db.manager.query<{ n: string | number }[]>(
      `SELECT COUNT(*) AS n FROM ${table}`,
    );
    counts[table] = Number(row.n);
  }
  return counts;
}

const BROKERS = [
  { name: 'embedded broker', mosquitto: false },
  { name: 'external Mosquitto', mosquitto: true },
].filter((broker) => !broker.mosquitto || MOSQUITTO_PATH);

describe.each(BROKERS)('emergency to the fleet, $name (e2e)', ({ mosquitto: external }) => {
  let storage: TestStorage;
  let app: TestApp;
  let broker: TestMosquitto | undefined;
  let who: Actors;
  let otherMonitor: string;
  const clock = new ManualClock('2026-12-03T07:00:00Z');
  const connected: SimulatedDevice[] = [];
  let communeBulletin: string;
  let normalBulletin: string;
  let hamRongBulletin: string;
  let provinceBulletin: string;
  const ids: Record<string, DeviceCredentials> = {};

  beforeAll(async () => {
    storage = await createTestStorage();
    if (external) broker = await startMosquitto(storage.dir, 'acl-file');
    app = await startTestApp(storage, broker ? { MQTT_URL: broker.serviceUrl } : {}, { clock });
    const admin = await app.login(ADMIN.username, ADMIN.password);
    who = await createActors(app, admin);
    otherMonitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-ha-noi',
      role: 'monitor',
      provinceCode: '01',
    });
    communeBulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Khẩn cấp: nước lũ lên nhanh, di dời khỏi bãi sông',
      topics: ['chu-truong-chinh-sach'],
      durationMs: 60000,
      priority: 'emergency',
    });
    normalBulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Lịch tiêm chủng tháng 12',
      topics: ['chu-truong-chinh-sach'],
      durationMs: 30000,
    });
    hamRongBulletin = await createApproved(app, who.otherOperator, who.otherApprover, HAM_RONG, {
      title: 'Khẩn cấp: sạt lở núi Hàm Rồng',
      topics: ['chu-truong-chinh-sach'],
      durationMs: 45000,
      priority: 'emergency',
    });
    const audioId = await seedReadyAudio(app, {
      ownerCode: THANH_HOA,
      communeCode: null,
      provinceCode: THANH_HOA,
      durationMs: 90000,
    });
    const created = await post(`/provinces/${THANH_HOA}/bulletins`, who.monitor, {
      title: 'Khẩn cấp: bão số 12 đổ bộ vào Thanh Hóa',
      topics: ['chu-truong-chinh-sach'],
      audioId,
      priority: 'emergency',
    }).expect(201);
    provinceBulletin = created.body.id as string;
    await post(`/bulletins/${provinceBulletin}/approve`, who.monitor).expect(200);

    // Hạc Thành: three clusters in two zones and one more that stays offline; Hàm Rồng: one.
    ids.a = await enrol(HAC_THANH, who.operator, 'Cụm loa thôn 1 – đình', ['thon-1']);
    ids.b = await enrol(HAC_THANH, who.operator, 'Cụm loa thôn 1 – chợ', ['thon-1', 'trung-tam']);
    ids.c = await enrol(HAC_THANH, who.operator, 'Cụm loa thôn 2', ['thon-2']);
    ids.d = await enrol(HAC_THANH, who.operator, 'Cụm loa thôn 1 – bến đò', ['thon-1']);
    ids.e = await enrol(HAM_RONG, who.otherOperator, 'Cụm loa Hàm Rồng', ['phuong-1']);
  });

  afterAll(async () => {
    await Promise.all(connected.map((device) => device.close()));
    await app?.close();
    broker?.stop();
    await storage.dispose();
  });

  function post(path: string, token: string, body: object = {}) {
    return app.http().post(`/api/v1${path}`).set(bearer(token)).send(body);
  }

  function get(path: string, token: string) {
    return app.http().get(`/api/v1${path}`).set(bearer(token));
  }

  async function enrol(
    commune: string,
    token: string,
    name: string,
    zones: string[],
  ): Promise<DeviceCredentials> {
    const created = await post(`/communes/${commune}/devices`, token, { name, zones }).expect(201);
    const enrolment = await post('/devices/enrol', token, {
      code: created.body.enrolmentCode,
      publicKey: newDevicePublicKey(),
    });
    expect(enrolment.status).toBe(201);
    return enrolment.body as DeviceCredentials;
  }

  /** Connects the device, answers its emergencies, and waits until the server has it online. */
  async function bringOnline(credentials: DeviceCredentials, answer: Answer) {
    const device = await SimulatedDevice.connect(
      credentials,
      broker ? { url: broker.url, username: undefined, password: undefined } : {},
    );
    connected.push(device);
    answerEmergencies(device, answer, clock);
    await device.subscribeCommands();
    await device.status({ status: 'online', ts: clock.now().toISOString() });
    const token = credentials.communeCode === HAC_THANH ? who.operator : who.otherOperator;
    await eventually(
      async () => {
        const view = await get(
          `/communes/${credentials.communeCode}/devices/${credentials.deviceId}`,
          token,
        ).expect(200);
        return view.body.status === 'online' ? true : undefined;
      },
      { timeoutMs: 10000, what: `${credentials.deviceId} online` },
    );
    return device;
  }

  async function report(id: string, token = who.operator): Promise<Report> {
    return (await get(`/emergencies/${id}`, token).expect(200)).body as Report;
  }

  const names = (refs: DeviceRef[]) => refs.map((ref) => ref.name).sort();

  let communeEmergency: string;
  const devices: Record<string, SimulatedDevice> = {};

  it('sends a zone emergency to that zone only; acks and starts are recorded and shown', async () => {
    devices.a = await bringOnline(ids.a, 'ack-with-start');
    devices.b = await bringOnline(ids.b, 'ack-then-status');
    devices.c = await bringOnline(ids.c, 'ack-with-start');

    const response = await post(`/communes/${HAC_THANH}/schedule/emergency`, who.operator, {
      bulletinId: communeBulletin,
      zones: ['thon-1'],
    }).expect(201);
    expect(response.body).toMatchObject({
      emergencyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bulletinId: communeBulletin,
      source: 'emergency',
      priority: 'emergency',
      zones: ['thon-1'],
      devices: { targeted: 3, notEnrolled: 0, online: 2, published: 3 },
    });
    communeEmergency = response.body.emergencyId as string;
    const itemId = response.body.id as string;

    const done = await eventually(
      async () => {
        const current = await report(communeEmergency);
        return current.acknowledged.length === 2 && current.started.length === 2
          ? current
          : undefined;
      },
      { timeoutMs: 10000, what: 'acknowledgements and starts' },
    );
    expect(names(done.targeted)).toEqual([
      'Cụm loa thôn 1 – bến đò',
      'Cụm loa thôn 1 – chợ',
      'Cụm loa thôn 1 – đình',
    ]);
    expect(names(done.acknowledged)).toEqual(['Cụm loa thôn 1 – chợ', 'Cụm loa thôn 1 – đình']);
    expect(done.acknowledged.every((ack) => ack.ok && Date.parse(ack.acknowledgedAt) > 0)).toBe(
      true,
    );
    expect(done.started).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          deviceId: ids.a.deviceId,
          startedAt: new Date(clock.nowMs() + 150).toISOString(),
        }),
        expect.objectContaining({ deviceId: ids.b.deviceId }),
      ]),
    );
    expect(done.offline).toEqual([
      { deviceId: ids.d.deviceId, name: 'Cụm loa thôn 1 – bến đò', communeCode: HAC_THANH },
    ]);
    expect(done.running).toBe(true);

    // The commands: one each, with the item and its end; nothing to the other zone.
    expect(devices.a.commands).toEqual([
      {
        id: expect.any(String),
        type: 'play-emergency',
        scheduleItemId: itemId,
        endsAt: new Date(clock.nowMs() + 60000).toISOString(),
      },
    ]);
    expect(devices.b.commands).toHaveLength(1);
    expect(devices.c.commands).toEqual([]);
    // The device's command list has it too, acknowledged.
    const commands = await get(
      `/communes/${HAC_THANH}/devices/${ids.a.deviceId}/commands`,
      who.operator,
    ).expect(200);
    expect(commands.body[0]).toMatchObject({
      id: devices.a.commands[0].id,
      type: 'play-emergency',
      ok: true,
      acknowledgedAt: expect.any(String),
    });

    // The province's monitor reads it; another commune's operator and province's monitor do not.
    await get(`/emergencies/${communeEmergency}`, who.monitor).expect(200);
    await get(`/emergencies/${communeEmergency}`, who.otherOperator).expect(403);
    await get(`/emergencies/${communeEmergency}`, otherMonitor).expect(403);
    const recent = await get(`/communes/${HAC_THANH}/emergencies`, who.operator).expect(200);
    expect(recent.body[0]).toMatchObject({
      id: communeEmergency,
      scope: 'commune',
      zones: ['thon-1'],
      running: true,
      targeted: 3,
      acknowledged: 2,
      started: 2,
    });
  });

  it('gives an offline device its command when it comes back while the emergency runs', async () => {
    devices.d = await bringOnline(ids.d, 'ack-with-start');
    const done = await eventually(
      async () => {
        const current = await report(communeEmergency);
        return current.offline.length === 0 ? current : undefined;
      },
      { timeoutMs: 10000, what: 'the late device' },
    );
    expect(names(done.acknowledged)).toContain('Cụm loa thôn 1 – bến đò');
    // The same command (its id), sent again when the device came back.
    const recorded = await get(
      `/communes/${HAC_THANH}/devices/${ids.d.deviceId}/commands`,
      who.operator,
    ).expect(200);
    expect(devices.d.commands.map((command) => command.id)).toEqual([recorded.body[0].id]);
    expect(recorded.body).toHaveLength(1);
  });

  it('sends a province emergency to every device of the communes that have devices', async () => {
    devices.e = await bringOnline(ids.e, 'ack-with-start');
    for (const device of Object.values(devices)) device.commands.length = 0;
    // A second after the commune's emergency, so "newest first" does not rest on the ids' random
    // part (the test clock stands still).
    clock.advance(1000);
    const response = await post(`/provinces/${THANH_HOA}/emergency`, who.monitor, {
      bulletinId: provinceBulletin,
    }).expect(201);
    expect(response.body).toMatchObject({
      emergencyId: expect.any(String),
      provinceCode: THANH_HOA,
      communes: [
        expect.objectContaining({ communeCode: HAM_RONG }),
        expect.objectContaining({ communeCode: HAC_THANH }),
      ],
      devices: { targeted: 5, notEnrolled: 0, online: 5, published: 5 },
    });
    const id = response.body.emergencyId as string;
    const done = await eventually(
      async () => {
        const current = await report(id, who.monitor);
        return current.started.length === 5 ? current : undefined;
      },
      { timeoutMs: 10000, what: 'every device of the province' },
    );
    expect(done.scope).toBe('province');
    expect(new Set(done.acknowledged.map((ref) => ref.communeCode))).toEqual(
      new Set([HAC_THANH, HAM_RONG]),
    );
    expect(done.offline).toEqual([]);
    for (const device of Object.values(devices)) expect(device.commands).toHaveLength(1);
    // Each commune's log has the item; Hàm Rồng's operator sees Hàm Rồng's device only.
    const hamRong = await report(id, who.otherOperator);
    expect(names(hamRong.targeted)).toEqual(['Cụm loa Hàm Rồng']);
    await get(`/emergencies/${id}`, otherMonitor).expect(403);
    const recent = await get(`/communes/${HAM_RONG}/emergencies`, who.otherOperator).expect(200);
    expect((recent.body as { id: string }[]).map((row) => row.id)).toEqual([id]);
    const province = await get(`/provinces/${THANH_HOA}/emergencies`, who.monitor).expect(200);
    // Which commune sent each, and what was broadcast, without a GET /emergencies/:id each.
    const communes = await get(`/communes?province=${THANH_HOA}`, who.monitor).expect(200);
    const hacThanh = (communes.body as { code: string; name: string }[]).find(
      (commune) => commune.code === HAC_THANH,
    );
    expect(province.body[0]).toMatchObject({
      id,
      scope: 'province',
      communeCode: null,
      communeName: null,
      bulletinId: provinceBulletin,
      bulletinTitle: 'Khẩn cấp: bão số 12 đổ bộ vào Thanh Hóa',
      targeted: 5,
      started: 5,
    });
    expect(province.body[1]).toMatchObject({
      id: communeEmergency,
      scope: 'commune',
      communeCode: HAC_THANH,
      communeName: hacThanh?.name,
      bulletinId: communeBulletin,
      bulletinTitle: 'Khẩn cấp: nước lũ lên nhanh, di dời khỏi bãi sông',
    });
    expect(hacThanh?.name).toEqual(expect.any(String));
    await get(`/provinces/${THANH_HOA}/emergencies`, otherMonitor).expect(403);
    await get(`/provinces/${THANH_HOA}/emergencies`, who.operator).expect(403);
  });

  it('refuses bad emergencies and writes nothing', async () => {
    const before = await rowCounts(app);
    const refusals: [string, string, object, number, string][] = [
      [
        `/communes/${HAC_THANH}/schedule/emergency`,
        who.operator,
        { bulletinId: normalBulletin },
        422,
        'BULLETIN_NOT_EMERGENCY',
      ],
      [
        `/communes/${HAC_THANH}/schedule/emergency`,
        who.operator,
        { bulletinId: communeBulletin, zones: ['thon-9'] },
        422,
        'EMERGENCY_NO_DEVICES',
      ],
      [
        `/communes/${HAC_THANH}/schedule/emergency`,
        who.operator,
        { bulletinId: communeBulletin, zones: ['Thôn 1'] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        `/communes/${HAC_THANH}/schedule/emergency`,
        who.monitor,
        { bulletinId: communeBulletin },
        403,
        'FORBIDDEN',
      ],
      [
        `/provinces/${THANH_HOA}/emergency`,
        otherMonitor,
        { bulletinId: provinceBulletin },
        403,
        'FORBIDDEN',
      ],
      [
        `/provinces/${THANH_HOA}/emergency`,
        who.operator,
        { bulletinId: provinceBulletin },
        403,
        'FORBIDDEN',
      ],
      [
        `/provinces/${THANH_HOA}/emergency`,
        who.monitor,
        { bulletinId: provinceBulletin, communes: ['99999'] },
        404,
        'COMMUNE_NOT_FOUND',
      ],
      [
        `/provinces/${THANH_HOA}/emergency`,
        who.monitor,
        { bulletinId: provinceBulletin, communes: [HAC_THANH, BA_DINH] },
        422,
        'COMMUNE_NOT_IN_PROVINCE',
      ],
      [
        `/provinces/${THANH_HOA}/emergency`,
        who.monitor,
        { bulletinId: normalBulletin, communes: [HAC_THANH] },
        422,
        'BULLETIN_NOT_EMERGENCY',
      ],
      // Hàm Rồng's own bulletin is fine for Hàm Rồng (placed first), not for Hạc Thành: the
      // transaction is rolled back, neither log gets it.
      [
        `/provinces/${THANH_HOA}/emergency`,
        who.monitor,
        { bulletinId: hamRongBulletin, communes: [HAC_THANH, HAM_RONG] },
        404,
        'BULLETIN_NOT_FOUND',
      ],
    ];
    for (const [path, token, body, status, code] of refusals) {
      const response = await post(path, token, body);
      expect({ path, body, status: response.status, code: response.body.code }).toEqual({
        path,
        body,
        status,
        code,
      });
    }
    expect(await rowCounts(app)).toEqual(before);
    await get('/emergencies/01890a5d-ac96-774b-bcce-b180c2f4d8a1', who.admin).expect(404);
  });

  it('refuses play-emergency through the command route: an emergency goes through its own', async () => {
    // A normal item at 17:00 and a made-up id: neither may reach a box as an emergency.
    const normal = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: normalBulletin,
      startsAt: new Date('2026-12-03T10:00:00Z'),
      durationMs: 30000,
    });
    const before = await rowCounts(app);
    const sentBefore = devices.a.commands.length;
    const path = `/communes/${HAC_THANH}/devices/${ids.a.deviceId}/commands`;
    for (const scheduleItemId of ['hello', normal.id]) {
      const response = await post(path, who.operator, { type: 'play-emergency', scheduleItemId });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(response.body.message).toContain(
        'type play-emergency is not sent by hand: start the emergency with POST ' +
          '/api/v1/communes/:commune/schedule/emergency',
      );
    }
    expect(await rowCounts(app)).toEqual(before);
    // A command sent after them is the next the box gets: nothing went out before it.
    const sync = await post(path, who.operator, { type: 'sync' }).expect(202);
    await eventually(() =>
      Promise.resolve(devices.a.commands.length > sentBefore ? true : undefined),
    );
    expect(devices.a.commands.slice(sentBefore)).toEqual([{ id: sync.body.id, type: 'sync' }]);
    const audit = await get('/audit?action=device.command.sent', who.admin).expect(200);
    expect(JSON.stringify(audit.body)).not.toContain('play-emergency');
  });

  it('does not send a finished emergency to a device that comes back after its end', async () => {
    const late = await enrol(HAC_THANH, who.operator, 'Cụm loa thôn 1 – trạm bơm', ['thon-1']);
    const response = await post(`/communes/${HAC_THANH}/schedule/emergency`, who.operator, {
      bulletinId: communeBulletin,
      zones: ['thon-1'],
    }).expect(201);
    const id = response.body.emergencyId as string;
    clock.advance(61000);
    try {
      const device = await bringOnline(late, 'ack-with-start');
      // A status after coming online: by then any resend would have been published.
      await device.status({ status: 'online', volume: 40 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(device.commands).toEqual([]);
      const current = await report(id);
      expect(current.running).toBe(false);
      expect(names(current.offline)).toEqual(['Cụm loa thôn 1 – trạm bơm']);
    } finally {
      clock.advance(-61000);
    }
  });

  it('has a box refuse a command its broker session kept past the emergency end', async () => {
    const box = await enrol(HAC_THANH, who.operator, 'Cụm loa kho lúa', ['kho-lua']);
    const brokerOptions = broker
      ? { url: broker.url, username: undefined, password: undefined }
      : {};
    // A persistent session (clean: false) subscribed to its commands, then the box goes away.
    const first = await SimulatedDevice.connect(box, { ...brokerOptions, clean: false });
    await first.subscribeCommands();
    const shown = (status: string) =>
      eventually(
        async () => {
          const view = await get(`/communes/${HAC_THANH}/devices/${box.deviceId}`, who.operator);
          return view.body.status === status ? true : undefined;
        },
        { timeoutMs: 10000, what: `the box ${status}` },
      );
    await first.status({ status: 'online' });
    await shown('online');
    await first.status({ status: 'offline' });
    await first.client.endAsync();
    await shown('offline');
    const response = await post(`/communes/${HAC_THANH}/schedule/emergency`, who.operator, {
      bulletinId: communeBulletin,
      zones: ['kho-lua'],
    }).expect(201);
    expect(response.body.devices).toEqual({ targeted: 1, notEnrolled: 0, online: 0, published: 1 });
    const id = response.body.emergencyId as string;
    clock.advance(61000);
    try {
      // Back after the end: the broker hands over the kept command, the box refuses it.
      const client = mqtt.connect(broker ? broker.url : box.mqtt.url, {
        clientId: box.deviceId,
        username: broker ? undefined : box.mqtt.username,
        password: broker ? undefined : box.mqtt.password,
        clean: false,
        keepalive: 5,
        reconnectPeriod: 0,
      });
      const refused: string[] = [];
      client.on('message', (_topic, payload) => {
        const command = JSON.parse(payload.toString()) as CommandMessage;
        if (command.type !== 'play-emergency' || !command.endsAt) return;
        if (Date.parse(command.endsAt) > clock.nowMs()) return;
        refused.push(command.id);
        void client.publishAsync(
          deviceTopic(HAC_THANH, box.deviceId, 'ack'),
          encodeMessage({ id: command.id, ok: false, error: 'expired' }),
          { qos: 1 },
        );
      });
      await new Promise((resolve) => client.once('connect', resolve));
      try {
        const done = await eventually(
          async () => {
            const current = await report(id);
            return current.acknowledged.length === 1 ? current : undefined;
          },
          { timeoutMs: 10000, what: 'the refusal' },
        );
        expect(refused).toHaveLength(1);
        expect(done.acknowledged).toEqual([
          expect.objectContaining({ name: 'Cụm loa kho lúa', ok: false, error: 'expired' }),
        ]);
        expect(done.started).toEqual([]);
        expect(done.offline).toEqual([]);
      } finally {
        await client.endAsync(true);
      }
    } finally {
      clock.advance(-61000);
    }
  });
});
