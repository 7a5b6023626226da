import { ManualClock } from '../src/common/manual-clock';
import { parseCommand, RECEIPT_GENESIS_HASH } from '../src/fleet/protocol';
import {
  DeviceCredentials,
  enrolNewDevice,
  newDevicePublicKey,
  SimulatedDevice,
} from './support/fleet-device';
import { eventually } from './support/eventually';
import { MOSQUITTO_PATH, startMosquitto, TestMosquitto } from './support/mosquitto';
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
const ENROL_LIMIT = 12;

interface CreatedDevice {
  id: string;
  name: string;
  zones: string[];
  enrolmentCode: string;
  enrolmentExpiresAt: string;
}

interface DeviceView {
  id: string;
  name: string;
  zones: string[];
  status: 'online' | 'offline' | 'never-seen';
  lastSeenAt: string | null;
  playing: { scheduleItemId: string; startedAt: string } | null;
  clockSkewMs: number | null;
  cachedUntil: string | null;
  volume: number | null;
  power: string | null;
  version: string | null;
  publicKey: string | null;
  lastStatusProblem: { at: string; problem: string } | null;
}

/** A cluster's view, as a user of its commune reads it. */
async function deviceView(
  app: TestApp,
  token: string,
  id: string,
  commune = HAC_THANH,
): Promise<DeviceView> {
  const response = await app
    .http()
    .get(`/api/v1/communes/${commune}/devices/${id}`)
    .set(bearer(token))
    .expect(200);
  return response.body as DeviceView;
}

describe('fleet: devices, enrolment, broker, status and commands (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  const clock = new ManualClock('2026-12-03T07:00:00Z');
  let admin: string;
  let operator: string;
  let monitor: string;
  let otherOperator: string;
  const devices: SimulatedDevice[] = [];

  beforeAll(async () => {
    storage = await createTestStorage({ DEVICE_ENROL_THROTTLE_LIMIT: String(ENROL_LIMIT) });
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
  });

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.close()));
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  async function register(
    name: string,
    zones?: string[],
    commune = HAC_THANH,
    token = operator,
  ): Promise<CreatedDevice> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${commune}/devices`)
      .set(bearer(token))
      .send({ name, zones, location: { lat: 19.81, lon: 105.78, note: 'Nhà văn hoá thôn' } })
      .expect(201);
    return response.body as CreatedDevice;
  }

  async function enrol(code: string, publicKey = newDevicePublicKey()) {
    return app.http().post('/api/v1/devices/enrol').send({ code, publicKey });
  }

  async function enrolled(name: string, zones?: string[]): Promise<DeviceCredentials> {
    const created = await register(name, zones);
    const response = await enrol(created.enrolmentCode);
    expect(response.status).toBe(201);
    return response.body as DeviceCredentials;
  }

  async function connect(credentials: DeviceCredentials, options = {}): Promise<SimulatedDevice> {
    const device = await SimulatedDevice.connect(credentials, options);
    devices.push(device);
    return device;
  }

  function view(id: string, commune = HAC_THANH): Promise<DeviceView> {
    return deviceView(app, operator, id, commune);
  }

  it('registers devices with zones for the commune, shows the code once, refuses bad input', async () => {
    const created = await register('Cụm loa thôn 1', ['thon-1', 'thon-1', 'trung-tam']);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Cụm loa thôn 1',
      zones: ['thon-1', 'trung-tam'],
      enrolmentCode: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      enrolmentExpiresAt: new Date(clock.nowMs() + 1440 * 60000).toISOString(),
    });
    const list = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/devices`)
      .set(bearer(monitor))
      .expect(200);
    const listed = (list.body as DeviceView[]).find((device) => device.id === created.id);
    expect(listed).toMatchObject({
      status: 'never-seen',
      lastSeenAt: null,
      playing: null,
      publicKey: null,
      zones: ['thon-1', 'trung-tam'],
    });
    expect(JSON.stringify(list.body)).not.toContain(created.enrolmentCode);

    for (const body of [
      { name: '' },
      { name: 'x', zones: ['Thôn 1'] },
      { name: 'x', zones: ['-a'] },
      { name: 'x', location: { lat: 91, lon: 0 } },
      { name: 'x', extra: true },
    ]) {
      const response = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/devices`)
        .set(bearer(operator))
        .send(body);
      expect({ body, status: response.status, code: response.body.code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/devices`)
      .set(bearer(monitor))
      .send({ name: 'x' })
      .expect(403);
    await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/devices/${created.id}`)
      .set(bearer(otherOperator))
      .expect(403);

    const patched = await app
      .http()
      .patch(`/api/v1/communes/${HAC_THANH}/devices/${created.id}`)
      .set(bearer(operator))
      .send({ name: 'Cụm loa thôn 1 (mới)', zones: ['thon-2'], location: null })
      .expect(200);
    expect(patched.body).toMatchObject({
      name: 'Cụm loa thôn 1 (mới)',
      zones: ['thon-2'],
      location: null,
    });
  });

  it('refuses zones given as a string, saying they must be a list', async () => {
    const created = await register('Cụm loa xóm Trại', ['xom-trai']);
    for (const [method, path] of [
      ['post', `/api/v1/communes/${HAC_THANH}/devices`],
      ['patch', `/api/v1/communes/${HAC_THANH}/devices/${created.id}`],
    ] as const) {
      const response = await app
        .http()
        [method](path)
        .set(bearer(operator))
        .send({ name: 'Cụm loa xóm Trại (2)', zones: 'thon-1' })
        .expect(400);
      expect(response.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'zones must be a list (array) of zone codes, e.g. ["thon-1"]',
      });
    }
    expect((await view(created.id)).zones).toEqual(['xom-trai']);
  });

  it('refuses a name another cluster of the commune has, on create and rename; another commune may use it', async () => {
    const first = await register('Cụm loa Đình làng', ['dinh-lang']);
    // Trimmed, NFC and in any case, it is the same name.
    for (const name of [' cụm LOA đình LÀNG ', 'Cụm loa Đình làng'.normalize('NFD')]) {
      const response = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/devices`)
        .set(bearer(operator))
        .send({ name })
        .expect(409);
      expect(response.body).toMatchObject({
        code: 'DEVICE_NAME_TAKEN',
        name: 'Cụm loa Đình làng',
        deviceId: first.id,
      });
    }
    // Another commune's cluster may have it.
    await register('Cụm loa Đình làng', undefined, HAM_RONG, otherOperator);

    const second = await register('Cụm loa Đình làng 2');
    const rename = await app
      .http()
      .patch(`/api/v1/communes/${HAC_THANH}/devices/${second.id}`)
      .set(bearer(operator))
      .send({ name: 'CỤM LOA ĐÌNH LÀNG', zones: ['thon-9'] })
      .expect(409);
    expect(rename.body).toMatchObject({ code: 'DEVICE_NAME_TAKEN', name: 'Cụm loa Đình làng' });
    // Nothing of the refused change was written.
    expect(await view(second.id)).toMatchObject({ name: 'Cụm loa Đình làng 2', zones: [] });

    // A cluster keeps its own name, written another way.
    const own = await app
      .http()
      .patch(`/api/v1/communes/${HAC_THANH}/devices/${first.id}`)
      .set(bearer(operator))
      .send({ name: 'Cụm loa đình làng' })
      .expect(200);
    expect(own.body).toMatchObject({ name: 'Cụm loa đình làng' });
    // Two creates of one new name at once: one is taken, the other refused.
    const racing = await Promise.all(
      ['Cụm loa Bến phà', 'cụm loa bến phà'].map((name) =>
        app
          .http()
          .post(`/api/v1/communes/${HAC_THANH}/devices`)
          .set(bearer(operator))
          .send({ name }),
      ),
    );
    expect(racing.map((response) => response.status).sort()).toEqual([201, 409]);

    // Deleted, its name is free again.
    await app
      .http()
      .delete(`/api/v1/communes/${HAC_THANH}/devices/${first.id}`)
      .set(bearer(operator))
      .expect(204);
    await app
      .http()
      .patch(`/api/v1/communes/${HAC_THANH}/devices/${second.id}`)
      .set(bearer(operator))
      .send({ name: 'Cụm loa Đình làng' })
      .expect(200);
  });

  it('enrols a device once with a valid code; refuses bad keys, unknown, reused and expired codes', async () => {
    const created = await register('Cụm loa thôn 2', ['thon-2']);
    const bad = await enrol(created.enrolmentCode, Buffer.alloc(31).toString('base64'));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    // Small-order points: node:crypto takes them, yet signatures under them forge for free.
    for (const hex of [
      '00'.repeat(32),
      `01${'00'.repeat(31)}`,
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
      `ed${'ff'.repeat(30)}7f`,
    ]) {
      const weak = await enrol(created.enrolmentCode, Buffer.from(hex, 'hex').toString('base64'));
      expect([weak.status, weak.body.code, weak.body.message]).toEqual([
        400,
        'DEVICE_KEY_INVALID',
        expect.stringMatching(
          /^publicKey is not a safe Ed25519 public key: .*(small-order|non-canonical)/,
        ),
      ]);
    }
    expect((await view(created.id)).publicKey).toBeNull();

    const unknown = await enrol('AAAA-BBBB-CCCC');
    expect([unknown.status, unknown.body.code]).toEqual([401, 'ENROLMENT_CODE_UNKNOWN']);

    const publicKey = newDevicePublicKey();
    // Typed in lower case and without hyphens, the code still works.
    const good = await enrol(created.enrolmentCode.toLowerCase().replace(/-/g, ''), publicKey);
    expect(good.status).toBe(201);
    expect(good.body).toEqual({
      deviceId: created.id,
      communeCode: HAC_THANH,
      apiToken: expect.stringMatching(/^lxd_/),
      mqtt: {
        url: expect.stringMatching(/^mqtt:\/\/127\.0\.0\.1:\d+$/),
        username: created.id,
        password: expect.any(String),
      },
      // A new cluster's receipt chain is empty: its box starts at seq 1.
      receiptChain: { lastSeq: 0, lastHash: RECEIPT_GENESIS_HASH },
    });
    expect((await view(created.id)).publicKey).toBe(publicKey);
    // The cluster enrolled itself: the audit trail names it as the commune does.
    const audit = await app
      .http()
      .get('/api/v1/audit?action=device.enrolled')
      .set(bearer(admin))
      .expect(200);
    expect(audit.body).toContainEqual(
      expect.objectContaining({
        actorUsername: `device:${created.id}`,
        targetId: created.id,
        detail: { name: 'Cụm loa thôn 2' },
      }),
    );

    const reused = await enrol(created.enrolmentCode);
    expect([reused.status, reused.body.code]).toEqual([409, 'ENROLMENT_CODE_USED']);
    expect((await view(created.id)).publicKey).toBe(publicKey);

    const late = await register('Cụm loa thôn 3');
    clock.advance(1440 * 60000 + 1);
    try {
      const expired = await enrol(late.enrolmentCode);
      expect([expired.status, expired.body.code]).toEqual([410, 'ENROLMENT_CODE_EXPIRED']);
      expect((await view(late.id)).publicKey).toBeNull();
      // A new code (shown once) works where the old one expired.
      const reissued = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/devices/${late.id}/enrolment-code`)
        .set(bearer(operator))
        .expect(201);
      expect((await enrol(reissued.body.enrolmentCode)).status).toBe(201);
    } finally {
      clock.advance(-(1440 * 60000 + 1));
    }
  });

  it('keeps device tokens and user tokens apart', async () => {
    const credentials = await enrolled('Cụm loa thôn 4', ['thon-4']);
    const me = await app
      .http()
      .get('/api/v1/devices/me')
      .set(bearer(credentials.apiToken))
      .expect(200);
    expect(me.body).toMatchObject({ id: credentials.deviceId, zones: ['thon-4'] });
    for (const token of [operator, admin]) {
      const refused = await app.http().get('/api/v1/devices/me').set(bearer(token));
      expect([refused.status, refused.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    for (const path of ['/api/v1/auth/me', `/api/v1/communes/${HAC_THANH}/devices`]) {
      const refused = await app.http().get(path).set(bearer(credentials.apiToken));
      expect({ path, status: refused.status }).toEqual({ path, status: 401 });
    }
  });

  it('lets a device only at its own topics and refuses wrong broker credentials', async () => {
    const a = await enrolled('Cụm loa A', ['thon-a']);
    const b = await enrolled('Cụm loa B', ['thon-b']);
    await expect(
      SimulatedDevice.connect({ ...a, mqtt: { ...a.mqtt, password: 'wrong' } }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
    // The client id must be the device id.
    await expect(SimulatedDevice.connect(a, { clientId: b.deviceId })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    // Another device's username with its own password.
    await expect(
      SimulatedDevice.connect({
        ...a,
        deviceId: b.deviceId,
        mqtt: { ...a.mqtt, username: b.deviceId },
      }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
    // No keepalive, or one past 30 s: CONNACK return code 6, as the device protocol says.
    for (const keepalive of [0, 60]) {
      await expect(SimulatedDevice.connect(a, { keepalive })).rejects.toMatchObject({ code: 6 });
    }

    const deviceA = await connect(a);
    const deviceB = await connect(b);
    expect(await deviceA.subscribeCommands()).toBe(1);
    expect(await deviceB.subscribeCommands()).toBe(1);
    expect(await deviceA.subscribeCommands(deviceB.topic('cmd'))).toBe(128);
    expect(await deviceA.subscribeCommands('loa-xa/#')).toBe(128);

    // A command to B reaches B, never A.
    const sent = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/devices/${b.deviceId}/commands`)
      .set(bearer(operator))
      .send({ type: 'sync' })
      .expect(202);
    await eventually(() => Promise.resolve(deviceB.commands.length > 0 ? true : undefined));
    expect(deviceB.commands).toEqual([{ id: sent.body.id, type: 'sync' }]);
    expect(deviceA.commands).toEqual([]);

    // A forging B's status and B's ack: refused by the broker, nothing recorded.
    const forger = await connect(a);
    expect(
      await forger.forge(deviceB.topic('status'), {
        status: 'online',
        volume: 7,
        version: 'forged',
      }),
    ).not.toBe('acknowledged');
    const forger2 = await connect(a);
    expect(
      await forger2.forge(deviceB.topic('ack'), { id: sent.body.id, ok: false, error: 'forged' }),
    ).not.toBe('acknowledged');
    // A marker of A's own, after the forgeries, shows the server has read past them.
    const marker = await connect(a);
    await marker.status({ status: 'online', version: 'marker' });
    await eventually(async () =>
      (await view(a.deviceId)).version === 'marker' ? true : undefined,
    );
    expect(await view(b.deviceId)).toMatchObject({
      status: 'never-seen',
      volume: null,
      version: null,
    });
    const command = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/devices/${b.deviceId}/commands/${sent.body.id}`)
      .set(bearer(operator))
      .expect(200);
    expect(command.body).toMatchObject({ acknowledgedAt: null, ok: null });
  });

  it('keeps status current and marks a cut device offline by its Last Will', async () => {
    const credentials = await enrolled('Cụm loa thôn 5', ['thon-5']);
    const device = await connect(credentials, { keepalive: 2 });
    await device.status({
      status: 'playing',
      ts: '2026-12-03T07:00:00.000Z',
      cachedUntil: '2026-12-06T07:00:00.000Z',
      volume: 80,
      power: 'on',
      version: 'loa-xa-edge 0.1.0',
      clockSkewMs: -35,
      playing: { scheduleItemId: 'item-42', startedAt: '2026-12-03T06:59:30.000Z' },
    });
    const online = await eventually(async () => {
      const current = await view(credentials.deviceId);
      return current.status === 'online' ? current : undefined;
    });
    expect(online).toMatchObject({
      status: 'online',
      lastSeenAt: clock.now().toISOString(),
      cachedUntil: '2026-12-06T07:00:00.000Z',
      volume: 80,
      power: 'on',
      version: 'loa-xa-edge 0.1.0',
      clockSkewMs: -35,
      playing: { scheduleItemId: 'item-42', startedAt: '2026-12-03T06:59:30.000Z' },
    });
    await device.status({ status: 'online', volume: 60, playing: null });
    await eventually(async () =>
      (await view(credentials.deviceId)).volume === 60 ? true : undefined,
    );
    expect(await view(credentials.deviceId)).toMatchObject({ playing: null, power: 'on' });

    const cutAt = Date.now();
    device.cut();
    const offline = await eventually(
      async () => {
        const current = await view(credentials.deviceId);
        return current.status === 'offline' ? current : undefined;
      },
      { timeoutMs: 60000, what: 'the Last Will' },
    );
    expect(Date.now() - cutAt).toBeLessThan(60000);
    expect(offline).toMatchObject({ lastSeenAt: online.lastSeenAt, volume: 60 });

    // The province view, for its monitors: offline first, filtered by status on demand.
    const province = await app
      .http()
      .get('/api/v1/provinces/38/devices')
      .set(bearer(monitor))
      .expect(200);
    const statuses = (province.body as DeviceView[]).map((item) => item.status);
    expect(statuses[0]).toBe('offline');
    expect(statuses).toEqual(
      [...statuses].sort(
        (x, y) =>
          ['offline', 'never-seen', 'online'].indexOf(x) -
          ['offline', 'never-seen', 'online'].indexOf(y),
      ),
    );
    const onlyOffline = await app
      .http()
      .get('/api/v1/provinces/38/devices?status=offline')
      .set(bearer(monitor))
      .expect(200);
    expect((onlyOffline.body as DeviceView[]).map((item) => item.id)).toContain(
      credentials.deviceId,
    );
    expect((onlyOffline.body as DeviceView[]).every((item) => item.status === 'offline')).toBe(
      true,
    );
    await app.http().get('/api/v1/provinces/01/devices').set(bearer(monitor)).expect(403);
    await app.http().get('/api/v1/provinces/38/devices').set(bearer(operator)).expect(403);
  });

  it('shows a malformed status: the device is talking, its last status problem is kept', async () => {
    const credentials = await enrolled('Cụm loa thôn 10', ['thon-10']);
    expect(await view(credentials.deviceId)).toMatchObject({
      status: 'never-seen',
      lastStatusProblem: null,
    });
    const device = await connect(credentials);
    const receivedAt = clock.now().toISOString();
    await device.client.publishAsync(device.topic('status'), Buffer.from('{"status": online'), {
      qos: 1,
      retain: true,
    });
    const bad = await eventually(async () => {
      const current = await view(credentials.deviceId);
      return current.lastStatusProblem ? current : undefined;
    });
    // Only the box may publish there: it counts as seen, online, with what was wrong.
    expect(bad).toMatchObject({
      status: 'online',
      lastSeenAt: receivedAt,
      lastStatusProblem: { at: receivedAt, problem: 'not JSON' },
    });

    clock.advance(30000);
    await device.status({ status: 'online', volume: 150 } as never);
    const volume = await eventually(async () => {
      const current = await view(credentials.deviceId);
      return current.lastStatusProblem?.problem !== 'not JSON' ? current : undefined;
    });
    expect(volume.lastStatusProblem).toEqual({
      at: clock.now().toISOString(),
      problem: 'volume must be an integer from 0 to 100',
    });
    expect(volume.volume).toBeNull();

    // A good status later: seen after the problem, which stays as the last one.
    clock.advance(30000);
    await device.status({ status: 'online', volume: 70 });
    const good = await eventually(async () => {
      const current = await view(credentials.deviceId);
      return current.volume === 70 ? current : undefined;
    });
    expect(good).toMatchObject({
      status: 'online',
      lastSeenAt: clock.now().toISOString(),
      lastStatusProblem: volume.lastStatusProblem,
    });
  });

  it('sends commands on QoS 1 and records each acknowledgement', async () => {
    const credentials = await enrolled('Cụm loa thôn 6', ['thon-6']);
    const device = await connect(credentials);
    await device.subscribeCommands();
    const received: unknown[] = [];
    device.client.on('message', (_topic, payload, packet) => {
      received.push({ qos: packet.qos, command: parseCommand(payload) });
    });
    const path = `/api/v1/communes/${HAC_THANH}/devices/${credentials.deviceId}/commands`;

    const volume = await app
      .http()
      .post(path)
      .set(bearer(operator))
      .send({ type: 'volume', volume: 40 });
    expect(volume.status).toBe(202);
    expect(volume.body).toMatchObject({
      id: expect.any(String),
      type: 'volume',
      params: { volume: 40 },
      acknowledgedAt: null,
    });
    const power = await app
      .http()
      .post(path)
      .set(bearer(operator))
      .send({ type: 'power', power: 'off' });
    expect(power.status).toBe(202);
    await eventually(() => Promise.resolve(device.commands.length === 2 ? true : undefined));
    expect(device.commands).toEqual([
      { id: volume.body.id, type: 'volume', volume: 40 },
      { id: power.body.id, type: 'power', power: 'off' },
    ]);
    expect(received.every((item) => (item as { qos: number }).qos === 1)).toBe(true);

    await device.ack({ id: volume.body.id, ok: true });
    await device.ack({ id: power.body.id, ok: false, error: 'relay stuck' });
    const acked = await eventually(async () => {
      const response = await app.http().get(path).set(bearer(monitor)).expect(200);
      const list = response.body as { id: string; acknowledgedAt: string | null }[];
      return list.every((item) => item.acknowledgedAt !== null) ? list : undefined;
    });
    expect(acked).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: volume.body.id, ok: true, error: null }),
        expect.objectContaining({ id: power.body.id, ok: false, error: 'relay stuck' }),
      ]),
    );
    const one = await app.http().get(`${path}/${power.body.id}`).set(bearer(operator)).expect(200);
    expect(one.body).toMatchObject({ type: 'power', params: { power: 'off' }, ok: false });

    for (const body of [
      { type: 'volume', volume: 101 },
      { type: 'volume' },
      { type: 'power', power: 'on', volume: 3 },
      { type: 'reboot' },
    ]) {
      const refused = await app.http().post(path).set(bearer(operator)).send(body);
      expect({ body, status: refused.status }).toEqual({ body, status: 400 });
    }
    await app.http().post(path).set(bearer(monitor)).send({ type: 'sync' }).expect(403);
    const list = await app.http().get(path).set(bearer(operator)).expect(200);
    expect(list.body).toHaveLength(2);
  });

  it('stops a deleted or revoked device at once, on the API and on the broker', async () => {
    const credentials = await enrolled('Cụm loa thôn 7');
    const device = await connect(credentials);
    await device.status({ status: 'online' });
    await eventually(async () =>
      (await view(credentials.deviceId)).status === 'online' ? true : undefined,
    );
    await app.http().get('/api/v1/devices/me').set(bearer(credentials.apiToken)).expect(200);

    // Revoking the credentials (a new code): the old token and password stop working at once.
    const closed = new Promise<void>((resolve) => device.client.once('close', () => resolve()));
    const reissued = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/devices/${credentials.deviceId}/enrolment-code`)
      .set(bearer(operator))
      .expect(201);
    await closed;
    await app.http().get('/api/v1/devices/me').set(bearer(credentials.apiToken)).expect(401);
    await expect(SimulatedDevice.connect(credentials)).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );

    const again = (await enrol(reissued.body.enrolmentCode)).body as DeviceCredentials;
    const renewed = await connect(again);
    await app.http().get('/api/v1/devices/me').set(bearer(again.apiToken)).expect(200);

    const gone = new Promise<void>((resolve) => renewed.client.once('close', () => resolve()));
    await app
      .http()
      .delete(`/api/v1/communes/${HAC_THANH}/devices/${credentials.deviceId}`)
      .set(bearer(operator))
      .expect(204);
    await gone;
    await app.http().get('/api/v1/devices/me').set(bearer(again.apiToken)).expect(401);
    await expect(SimulatedDevice.connect(again)).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/devices/${credentials.deviceId}`)
      .set(bearer(operator))
      .expect(404);
  });

  it('limits failed enrolments per address', async () => {
    const created = await register('Cụm loa thôn 8');
    let limited: { status: number; body: { code: string } } | undefined;
    for (let attempt = 0; attempt <= ENROL_LIMIT && !limited; attempt++) {
      const response = await enrol(`ZZZZ-ZZZZ-${String(attempt).padStart(4, '0')}`);
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(401);
    }
    expect(limited?.body.code).toBe('ENROLMENT_RATE_LIMITED');
    // While limited, even a good code waits: guessing cannot go on from this address.
    const good = await enrol(created.enrolmentCode);
    expect(good.status).toBe(429);
    expect(good.headers['retry-after']).toMatch(/^\d+$/);
    expect((await view(created.id)).publicKey).toBeNull();
  });
});

/**
 * The external-broker path (MQTT_URL) against a Mosquitto of the test's own, on a free port with
 * a generated configuration (never the machine's broker on 1883). The server authenticates with a
 * password file; the devices' access rules are ACL patterns on their client ids. Devices connect
 * without a username here: per-device passwords on Mosquitto (its dynamic security plugin) are
 * not provisioned by the service yet (docs/device-protocol.md).
 */
(MOSQUITTO_PATH ? describe : describe.skip)('fleet over an external Mosquitto broker (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let mosquitto: TestMosquitto;
  let brokerUrl: string;
  let operator: string;
  const devices: SimulatedDevice[] = [];

  beforeAll(async () => {
    storage = await createTestStorage();
    mosquitto = await startMosquitto(storage.dir, 'acl-file');
    brokerUrl = mosquitto.url;
    app = await startTestApp(storage, {
      MQTT_URL: mosquitto.serviceUrl,
    });
    const admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-mosquitto',
      role: 'operator',
      communeCode: HAC_THANH,
    });
  });

  afterAll(async () => {
    await Promise.all(devices.map((device) => device.close()));
    await app?.close();
    mosquitto?.stop();
    await storage.dispose();
  });

  function enrolledDevice(name: string): Promise<DeviceCredentials> {
    return enrolNewDevice(app, operator, HAC_THANH, name);
  }

  async function anonymous(credentials: DeviceCredentials): Promise<SimulatedDevice> {
    const device = await SimulatedDevice.connect(credentials, {
      url: brokerUrl,
      username: undefined,
      password: undefined,
      keepalive: 2,
    });
    devices.push(device);
    return device;
  }

  function view(id: string): Promise<DeviceView> {
    return deviceView(app, operator, id);
  }

  it('tells devices the external broker, keeps status, Last Will, commands and acks', async () => {
    const a = await enrolledDevice('Cụm loa ngoài A');
    const b = await enrolledDevice('Cụm loa ngoài B');
    expect(a.mqtt.url).toBe(brokerUrl);
    const deviceA = await anonymous(a);
    const deviceB = await anonymous(b);
    await deviceA.subscribeCommands();
    // Subscribing to B's commands gives A nothing (Mosquitto filters by the ACL pattern).
    await deviceA.subscribeCommands(deviceB.topic('cmd'));
    await deviceB.subscribeCommands();

    await deviceA.status({ status: 'online', volume: 55, version: 'ngoai-1' });
    await eventually(async () => ((await view(a.deviceId)).volume === 55 ? true : undefined));

    const sent = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/devices/${b.deviceId}/commands`)
      .set(bearer(operator))
      .send({ type: 'stop' })
      .expect(202);
    await eventually(() => Promise.resolve(deviceB.commands.length > 0 ? true : undefined));
    expect(deviceB.commands).toEqual([{ id: sent.body.id, type: 'stop' }]);
    await deviceB.ack({ id: sent.body.id, ok: true });
    const command = await eventually(async () => {
      const response = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/devices/${b.deviceId}/commands/${sent.body.id}`)
        .set(bearer(operator))
        .expect(200);
      return response.body.acknowledgedAt ? (response.body as { ok: boolean }) : undefined;
    });
    expect(command.ok).toBe(true);
    expect(deviceA.commands).toEqual([]);

    // A's forged status for B is dropped by Mosquitto's ACL: B stays never seen.
    await deviceA.client.publishAsync(
      deviceB.topic('status'),
      JSON.stringify({ status: 'online', version: 'forged' }),
      { qos: 1, retain: true },
    );
    await deviceA.status({ status: 'online', version: 'marker' });
    await eventually(async () =>
      (await view(a.deviceId)).version === 'marker' ? true : undefined,
    );
    expect((await view(b.deviceId)).status).toBe('never-seen');

    // A status the service cannot take, through Mosquitto: kept as A's last status problem.
    await deviceA.client.publishAsync(
      deviceA.topic('status'),
      JSON.stringify({ status: 'online', power: 'standby' }),
      { qos: 1, retain: true },
    );
    const problem = await eventually(
      async () => (await view(a.deviceId)).lastStatusProblem ?? undefined,
    );
    expect(problem).toMatchObject({ problem: 'power must be on or off' });
    expect((await view(a.deviceId)).status).toBe('online');

    deviceA.cut();
    await eventually(
      async () => ((await view(a.deviceId)).status === 'offline' ? true : undefined),
      { timeoutMs: 60000, what: 'the Last Will through Mosquitto' },
    );
  });
});

/**
 * An external Mosquitto with its dynamic security plugin (MQTT_DEVICE_AUTH=mosquitto-dynsec):
 * the service gives each enrolled device a broker client of its own, so devices authenticate with
 * their enrolment credentials and Mosquitto applies the same access rules as the embedded broker.
 */
(MOSQUITTO_PATH ? describe : describe.skip)(
  'fleet over Mosquitto with dynamic security (e2e)',
  () => {
    let storage: TestStorage;
    let app: TestApp;
    let mosquitto: TestMosquitto;
    let operator: string;
    const devices: SimulatedDevice[] = [];

    beforeAll(async () => {
      storage = await createTestStorage();
      mosquitto = await startMosquitto(storage.dir, 'dynsec');
      app = await startTestApp(storage, {
        MQTT_URL: mosquitto.serviceUrl,
        MQTT_DEVICE_AUTH: 'mosquitto-dynsec',
      });
      const admin = await app.login(ADMIN.username, ADMIN.password);
      operator = await createUserAndLogin(app, admin, {
        username: 'van-hanh-dynsec',
        role: 'operator',
        communeCode: HAC_THANH,
      });
    });

    afterAll(async () => {
      await Promise.all(devices.map((device) => device.close()));
      await app?.close();
      mosquitto?.stop();
      await storage.dispose();
    });

    function enrolledDevice(name: string): Promise<DeviceCredentials & { code: string }> {
      return enrolNewDevice(app, operator, HAC_THANH, name);
    }

    async function connect(credentials: DeviceCredentials): Promise<SimulatedDevice> {
      const device = await SimulatedDevice.connect(credentials, { keepalive: 2 });
      devices.push(device);
      return device;
    }

    function view(id: string): Promise<DeviceView> {
      return deviceView(app, operator, id);
    }

    it('authenticates devices with their enrolment credentials and keeps them to their own topics', async () => {
      const a = await enrolledDevice('Cụm loa dynsec A');
      const b = await enrolledDevice('Cụm loa dynsec B');
      expect(a.mqtt.url).toBe(mosquitto.url);
      await expect(
        SimulatedDevice.connect({ ...a, mqtt: { ...a.mqtt, password: 'wrong' } }),
      ).rejects.toThrow(/Bad username or password|Not authorized/i);

      const deviceA = await connect(a);
      const deviceB = await connect(b);
      expect(await deviceA.subscribeCommands()).toBe(1);
      expect(await deviceB.subscribeCommands()).toBe(1);
      expect(await deviceA.subscribeCommands(deviceB.topic('cmd'))).toBe(128);

      await deviceA.status({ status: 'online', volume: 33 });
      await eventually(async () => ((await view(a.deviceId)).volume === 33 ? true : undefined));

      const sent = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/devices/${b.deviceId}/commands`)
        .set(bearer(operator))
        .send({ type: 'volume', volume: 20 })
        .expect(202);
      await eventually(() => Promise.resolve(deviceB.commands.length > 0 ? true : undefined));
      await deviceB.ack({ id: sent.body.id, ok: true });
      await eventually(async () => {
        const response = await app
          .http()
          .get(`/api/v1/communes/${HAC_THANH}/devices/${b.deviceId}/commands/${sent.body.id}`)
          .set(bearer(operator));
        return response.body.ok === true ? true : undefined;
      });
      expect(deviceA.commands).toEqual([]);

      // A's forged status for B is dropped by Mosquitto: B stays never seen.
      await deviceA.forge(deviceB.topic('status'), { status: 'online', version: 'forged' });
      await deviceA.status({ status: 'online', version: 'marker' });
      await eventually(async () =>
        (await view(a.deviceId)).version === 'marker' ? true : undefined,
      );
      expect((await view(b.deviceId)).status).toBe('never-seen');

      // Deleting B removes its broker client: its session ends and its password is refused.
      const gone = new Promise<void>((resolve) => deviceB.client.once('close', () => resolve()));
      await app
        .http()
        .delete(`/api/v1/communes/${HAC_THANH}/devices/${b.deviceId}`)
        .set(bearer(operator))
        .expect(204);
      await gone;
      await expect(SimulatedDevice.connect(b)).rejects.toThrow(
        /Bad username or password|Not authorized/i,
      );

      deviceA.cut();
      await eventually(
        async () => ((await view(a.deviceId)).status === 'offline' ? true : undefined),
        { timeoutMs: 60000, what: 'the Last Will through Mosquitto' },
      );
    });
  },
);
