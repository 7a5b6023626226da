import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { ManualClock } from '../src/common/manual-clock';
import { rawPublicKeyBase64, Receipt, sealReceipt } from '../src/fleet/protocol';
import { PlayoutDispatcher } from '../src/playout/playout-dispatcher.service';
import { PlayoutRecordView } from '../src/playout/playout-record.view';
import { ReceiptGrace } from '../src/playout/receipts/receipt-grace.service';
import { eventually } from './support/eventually';
import { DeviceCredentials, SimulatedDevice } from './support/fleet-device';
import { insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, Play } from './support/receipt-device';
import { Actors, createActors, createApproved, HAC_THANH } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const ITEM_MS = 60_000;

/** A cluster as a box runs it: its MQTT session, its key and its receipt chain. */
interface Cluster {
  credentials: DeviceCredentials;
  key: KeyObject;
  journal: Receipt[];
  mqtt: SimulatedDevice;
}

describe('a revoked cluster is no target of what starts after its revocation (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const clock = new ManualClock('2026-12-03T07:00:00Z');
  let bulletinId: string;
  let emergencyBulletin: string;
  const clusters: Cluster[] = [];

  beforeAll(async () => {
    storage = await createTestStorage({ PLAYOUT_RECEIPT_GRACE_MINUTES: '10' });
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    bulletinId = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chuyển đổi số ở xã',
      topics: ['kinh-te-so'],
      durationMs: ITEM_MS,
    });
    emergencyBulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Khẩn cấp: nước lũ lên nhanh',
      topics: ['chu-truong-chinh-sach'],
      durationMs: 30_000,
      priority: 'emergency',
    });
  });

  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.mqtt.close()));
    await app.close();
    await storage.dispose();
  });

  function api(method: 'get' | 'post' | 'delete', path: string) {
    return app.http()[method](`/api/v1${path}`).set(bearer(who.operator));
  }

  /** Registers and enrols a cluster, connects it over MQTT and waits until it is shown online. */
  async function cluster(name: string): Promise<Cluster> {
    const created = await api('post', `/communes/${HAC_THANH}/devices`).send({ name }).expect(201);
    const { privateKey } = generateKeyPairSync('ed25519');
    const enrolment = await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code: created.body.enrolmentCode, publicKey: rawPublicKeyBase64(privateKey) })
      .expect(201);
    const credentials = enrolment.body as DeviceCredentials;
    const mqtt = await SimulatedDevice.connect(credentials);
    await mqtt.subscribeCommands();
    const made = { credentials, key: privateKey, journal: [], mqtt };
    clusters.push(made);
    await heardNow(made);
    return made;
  }

  /** The status a box sends at least every minute; answers once the server shows it online. */
  async function heardNow(box: Cluster): Promise<void> {
    await box.mqtt.status({ status: 'online', ts: clock.now().toISOString() });
    const path = `/communes/${HAC_THANH}/devices/${box.credentials.deviceId}`;
    await eventually(async () => {
      const view = await api('get', path);
      return view.body.status === 'online' && view.body.lastSeenAt === clock.now().toISOString()
        ? true
        : undefined;
    });
  }

  async function upload(box: Cluster, plays: Play[]): Promise<void> {
    for (const play of plays) {
      const last = box.journal[box.journal.length - 1] ?? null;
      const fields = { ...play, deviceId: box.credentials.deviceId };
      box.journal.push(sealReceipt(last, fields, box.key));
    }
    const response = await app
      .http()
      .post(`/api/v1/devices/${box.credentials.deviceId}/receipts`)
      .set(bearer(box.credentials.apiToken))
      .send({ receipts: box.journal.slice(-plays.length) })
      .expect(200);
    expect(response.body).toMatchObject({ accepted: plays.length, rejected: [] });
  }

  async function recordsOf(itemId: string): Promise<PlayoutRecordView[]> {
    const response = await api('get', `/communes/${HAC_THANH}/playout-log`).expect(200);
    return (response.body as PlayoutRecordView[]).filter(
      (record) => record.scheduleItemId === itemId,
    );
  }

  function item(startsAt: string) {
    return insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId,
      startsAt: new Date(startsAt),
      durationMs: ITEM_MS,
    });
  }

  it("writes the record from the other clusters' receipts at once, and counts it for what started before", async () => {
    const a = await cluster('Cụm loa thôn 1');
    const b = await cluster('Cụm loa thôn 2');
    const c = await cluster('Cụm loa thôn 3');
    const before = await item('2026-12-03T07:10:00.000Z');
    const after = await item('2026-12-03T07:13:00.000Z');

    // "Thu hồi" at 07:12, after the first item played: the broker drops the box at once.
    clock.set('2026-12-03T07:12:00Z');
    const revoked = await api(
      'delete',
      `/communes/${HAC_THANH}/devices/${c.credentials.deviceId}/credentials`,
    ).expect(200);
    expect(revoked.body).toMatchObject({ enrolled: false });
    await eventually(() => Promise.resolve(c.mqtt.client.connected ? undefined : true));

    // An emergency now reaches the two clusters left, not the revoked one.
    await heardNow(a);
    await heardNow(b);
    const emergency = await api('post', `/communes/${HAC_THANH}/schedule/emergency`)
      .send({ bulletinId: emergencyBulletin })
      .expect(201);
    expect(emergency.body.devices).toEqual({
      targeted: 2,
      notEnrolled: 0,
      online: 2,
      published: 2,
    });
    await eventually(() =>
      Promise.resolve(a.mqtt.commands.length > 0 && b.mqtt.commands.length > 0 ? true : undefined),
    );
    expect(c.mqtt.commands).toEqual([]);

    // A and B report both items a minute after the second ended, long before either's grace.
    clock.set('2026-12-03T07:15:00Z');
    for (const box of [a, b]) {
      await upload(box, [
        airedPlay(before.id, '2026-12-03T07:10:00.010Z', ITEM_MS),
        airedPlay(after.id, '2026-12-03T07:13:00.010Z', ITEM_MS),
      ]);
    }
    // The item that started after the revocation is complete without C.
    expect(await recordsOf(after.id)).toEqual([
      expect.objectContaining({
        outcome: 'aired',
        source: 'devices',
        devices: { targeted: 2, aired: 2, partial: 0, missed: 0, unreported: 0 },
      }),
    ]);
    // The one that started while C was enrolled still waits for C's receipt...
    expect(await recordsOf(before.id)).toEqual([]);

    // ...until its grace is over, and counts C as unreported.
    clock.set('2026-12-03T07:21:01Z');
    await app.app.get(ReceiptGrace).settle();
    expect(await recordsOf(before.id)).toEqual([
      expect.objectContaining({
        outcome: 'aired',
        devices: { targeted: 3, aired: 2, partial: 0, missed: 0, unreported: 1 },
      }),
    ]);
  });

  it("keeps the commune's log with its clusters when every cluster is re-keyed", async () => {
    for (const box of clusters) {
      await api(
        'post',
        `/communes/${HAC_THANH}/devices/${box.credentials.deviceId}/enrolment-code`,
      ).expect(201);
    }
    await item('2026-12-03T08:00:00.000Z');
    // The server's own player does not take the commune's items back while its boxes re-enrol.
    expect(await app.app.get(PlayoutDispatcher).reconcile()).toMatchObject({ added: 0 });
  });
});
