import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { ManualClock } from '../src/common/manual-clock';
import { parseCommand, rawPublicKeyBase64, Receipt, sealReceipt } from '../src/fleet/protocol';
import { PlayoutRecordView } from '../src/playout/playout-record.view';
import { ReceiptGrace } from '../src/playout/receipts/receipt-grace.service';
import { eventually } from './support/eventually';
import { DeviceCredentials, SimulatedDevice } from './support/fleet-device';
import { airedPlay } from './support/receipt-device';
import { Actors, createActors, createApproved, HAC_THANH } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const EMERGENCY_MS = 30_000;

interface DeviceRef {
  deviceId: string;
  name: string;
}

interface Report {
  running: boolean;
  targeted: DeviceRef[];
  acknowledged: (DeviceRef & { ok: boolean })[];
  offline: DeviceRef[];
  notEnrolled: DeviceRef[];
}

/** A box: its credentials and key, its MQTT session answering play-emergency with its start. */
interface Box {
  credentials: DeviceCredentials;
  key: KeyObject;
  mqtt: SimulatedDevice;
}

/**
 * An emergency also goes to a registered cluster that has not enrolled (it gets it if it connects
 * in time), but its delivery must not call such a cluster offline: it could receive nothing, and
 * the commune's as-run record, built from the enrolled clusters' receipts, does not count it. The
 * counts the operator reads (targeted less not enrolled) are the record's.
 */
describe("an emergency's delivery tells never-enrolled clusters from offline ones (e2e)", () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const clock = new ManualClock('2026-12-03T07:00:00Z');
  let bulletinId: string;
  const boxes: Box[] = [];

  beforeAll(async () => {
    storage = await createTestStorage({ PLAYOUT_RECEIPT_GRACE_MINUTES: '10' });
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    bulletinId = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Khẩn cấp: nước lũ lên nhanh',
      topics: ['chu-truong-chinh-sach'],
      durationMs: EMERGENCY_MS,
      priority: 'emergency',
    });
  });

  afterAll(async () => {
    await Promise.all(boxes.map((box) => box.mqtt.close()));
    await app.close();
    await storage.dispose();
  });

  function api(method: 'get' | 'post', path: string) {
    return app.http()[method](`/api/v1${path}`).set(bearer(who.operator));
  }

  /** Registers a cluster of thôn 1: its id and enrolment code (its box not started yet). */
  async function register(name: string): Promise<{ id: string; enrolmentCode: string }> {
    const created = await api('post', `/communes/${HAC_THANH}/devices`)
      .send({ name, zones: ['thon-1'] })
      .expect(201);
    return created.body as { id: string; enrolmentCode: string };
  }

  async function enrol(code: string): Promise<{ credentials: DeviceCredentials; key: KeyObject }> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const enrolment = await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code, publicKey: rawPublicKeyBase64(privateKey) })
      .expect(201);
    return { credentials: enrolment.body as DeviceCredentials, key: privateKey };
  }

  /** Connects an enrolled box that plays its emergencies, and waits until it is shown online. */
  async function connect(enrolled: { credentials: DeviceCredentials; key: KeyObject }) {
    const mqtt = await SimulatedDevice.connect(enrolled.credentials);
    mqtt.client.on('message', (topic, payload) => {
      const command = parseCommand(payload);
      if (topic !== mqtt.topic('cmd') || !command.ok) return;
      if (command.value.type !== 'play-emergency') return;
      void mqtt.ack({ id: command.value.id, ok: true, startedAt: clock.now().toISOString() });
    });
    await mqtt.subscribeCommands();
    boxes.push({ ...enrolled, mqtt });
    await mqtt.status({ status: 'online', ts: clock.now().toISOString() });
    const path = `/communes/${HAC_THANH}/devices/${enrolled.credentials.deviceId}`;
    await eventually(async () => {
      const view = await api('get', path);
      return view.body.status === 'online' ? true : undefined;
    });
    return mqtt;
  }

  async function report(id: string): Promise<Report> {
    return (await api('get', `/emergencies/${id}`).expect(200)).body as Report;
  }

  const names = (refs: DeviceRef[]) => refs.map((ref) => ref.name).sort();

  it('counts a registered cluster that never enrolled apart, as the as-run record does', async () => {
    // Thôn 1: one box on air; one registered, never started; two started during the emergency,
    // one of which connects (and is sent it then) while the other never does.
    const online = await enrol((await register('Cụm loa thôn 1')).enrolmentCode);
    const onlineBox = await connect(online);
    const never = await register('Cụm loa bến đò');
    const late = await register('Cụm loa trạm bơm');
    const silent = await register('Cụm loa kho lúa');

    const sent = await api('post', `/communes/${HAC_THANH}/schedule/emergency`)
      .send({ bulletinId, zones: ['thon-1'] })
      .expect(201);
    expect(sent.body.devices).toEqual({ targeted: 4, notEnrolled: 3, online: 1, published: 4 });
    const id = sent.body.emergencyId as string;
    // The answer gives local times (+07:00); a receipt carries UTC.
    const item = {
      id: sent.body.id as string,
      startsAt: new Date(sent.body.startsAt as string).toISOString(),
    };
    await eventually(async () => ((await report(id)).acknowledged.length === 1 ? true : undefined));

    const first = await report(id);
    expect(names(first.targeted)).toEqual([
      'Cụm loa bến đò',
      'Cụm loa kho lúa',
      'Cụm loa thôn 1',
      'Cụm loa trạm bơm',
    ]);
    expect(names(first.offline)).toEqual([]);
    expect(names(first.notEnrolled)).toEqual([
      'Cụm loa bến đò',
      'Cụm loa kho lúa',
      'Cụm loa trạm bơm',
    ]);

    // Ten seconds in, two boxes are started with their codes; one connects and gets it.
    clock.advance(10_000);
    const lateBox = await connect(await enrol(late.enrolmentCode));
    await enrol(silent.enrolmentCode);
    await eventually(() => Promise.resolve(lateBox.commands.length === 1 ? true : undefined));
    const during = await eventually(async () => {
      const current = await report(id);
      return current.acknowledged.length === 2 ? current : undefined;
    });
    expect(names(during.acknowledged)).toEqual(['Cụm loa thôn 1', 'Cụm loa trạm bơm']);
    // Enrolled in time but silent: it missed it. Never enrolled: it could not receive it.
    expect(names(during.offline)).toEqual(['Cụm loa kho lúa']);
    expect(names(during.notEnrolled)).toEqual(['Cụm loa bến đò']);
    const listed = await api('get', `/communes/${HAC_THANH}/emergencies`).expect(200);
    expect(listed.body[0]).toMatchObject({ id, targeted: 4, acknowledged: 2, notEnrolled: 1 });

    // The never-enrolled box is started exactly when the emergency ends: half-open, as the
    // targeting rule (`spanHeldDuring`), that is after it, so not one that could have had it.
    clock.set(new Date(sent.body.endsAt as string).toISOString());
    await enrol(never.enrolmentCode);

    // The box on air reports its play; the record waits for the two others until the grace.
    clock.set('2026-12-03T07:01:00Z');
    const receipt: Receipt = sealReceipt(
      null,
      { ...airedPlay(item.id, item.startsAt, EMERGENCY_MS), deviceId: online.credentials.deviceId },
      online.key,
    );
    await app
      .http()
      .post(`/api/v1/devices/${online.credentials.deviceId}/receipts`)
      .set(bearer(online.credentials.apiToken))
      .send({ receipts: [receipt] })
      .expect(200);
    clock.set('2026-12-03T07:11:00Z');
    await app.app.get(ReceiptGrace).settle();
    const log = await api('get', `/communes/${HAC_THANH}/playout-log`).expect(200);
    const record = (log.body as PlayoutRecordView[]).find((row) => row.scheduleItemId === item.id);
    expect(record).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      devices: { targeted: 3, aired: 1, partial: 0, missed: 0, unreported: 2 },
    });

    const after = await report(id);
    expect(after.running).toBe(false);
    expect(names(after.notEnrolled)).toEqual(['Cụm loa bến đò']);
    expect(names(after.offline)).toEqual(['Cụm loa kho lúa']);
    // What the operator reads agrees with the record: the clusters it waited for.
    expect(after.targeted.length - after.notEnrolled.length).toBe(record!.devices!.targeted);
    const again = await api('get', `/communes/${HAC_THANH}/emergencies`).expect(200);
    expect(again.body[0]).toMatchObject({ id, targeted: 4, notEnrolled: 1 });
    expect(onlineBox.commands).toHaveLength(1);
  });
});
