import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { ManualClock } from '../src/common/manual-clock';
import { Db } from '../src/database/db.service';
import { DeviceZoneSpan } from '../src/fleet/entities/device-zone-span.entity';
import { rawPublicKeyBase64, Receipt, sealReceipt } from '../src/fleet/protocol';
import { PlayoutRecordView } from '../src/playout/playout-record.view';
import { eventually } from './support/eventually';
import { DeviceCredentials, SimulatedDevice } from './support/fleet-device';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, Play } from './support/receipt-device';
import { HAC_THANH, THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const MINUTE = 60_000;

/** A cluster as its box runs it: its key, credentials, MQTT session and its own receipt chain. */
interface Box {
  id: string;
  key: KeyObject;
  credentials: DeviceCredentials;
  mqtt: SimulatedDevice;
  journal: Receipt[];
}

describe('a cluster whose zones were edited: its receipts count by the zones it had while their item ran (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  const clock = new ManualClock('2026-12-03T07:00:00Z');
  let admin: string;
  let operator: string;
  let bulletinId: string;
  const boxes: Box[] = [];

  beforeAll(async () => {
    storage = await createTestStorage({ PLAYOUT_RECEIPT_GRACE_MINUTES: '10' });
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    const bulletin = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      title: 'Lịch tiêm phòng cho gia súc',
      topics: ['nong-nghiep'],
    });
    bulletinId = bulletin.id;
  });

  afterAll(async () => {
    await Promise.all(boxes.map((box) => box.mqtt.close()));
    await app.close();
    await storage.dispose();
  });

  function api(method: 'get' | 'post' | 'patch' | 'delete', path: string) {
    return app.http()[method](`/api/v1/communes/${HAC_THANH}${path}`).set(bearer(operator));
  }

  /** The operator adds the cluster; the technician enrols its box, which comes online. */
  async function newBox(name: string, zones: string[]): Promise<Box> {
    const created = await api('post', '/devices').send({ name, zones }).expect(201);
    const key = generateKeyPairSync('ed25519').privateKey;
    const enrolment = await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code: created.body.enrolmentCode, publicKey: rawPublicKeyBase64(key) })
      .expect(201);
    const credentials = enrolment.body as DeviceCredentials;
    const mqtt = await SimulatedDevice.connect(credentials);
    const box: Box = { id: credentials.deviceId, key, credentials, mqtt, journal: [] };
    boxes.push(box);
    await mqtt.status({ status: 'online', ts: clock.now().toISOString() });
    await eventually(async () => {
      const view = await api('get', `/devices/${box.id}`).expect(200);
      return view.body.status === 'online' ? true : undefined;
    });
    return box;
  }

  /** The box journals a play: the next receipt of its own chain. */
  function played(box: Box, play: Play): Receipt {
    const last = box.journal[box.journal.length - 1] ?? null;
    const receipt = sealReceipt(last, { ...play, deviceId: box.id }, box.key);
    box.journal.push(receipt);
    return receipt;
  }

  function upload(box: Box, receipts: Receipt[]) {
    return app
      .http()
      .post(`/api/v1/devices/${box.id}/receipts`)
      .set(bearer(box.credentials.apiToken))
      .send({ receipts });
  }

  function item(startsAt: string, zones: string[]) {
    return insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId,
      startsAt: new Date(startsAt),
      durationMs: MINUTE,
      zones,
    });
  }

  async function recordsOf(itemId: string): Promise<PlayoutRecordView[]> {
    const response = await api('get', '/playout-log').expect(200);
    return (response.body as PlayoutRecordView[]).filter(
      (record) => record.scheduleItemId === itemId,
    );
  }

  it("counts the receipts of items sent under the old zones after the operator changed them, and refuses an old zone's later item", async () => {
    const box = await newBox('Cụm loa thôn 4', ['thon-4']);
    const first = await item('2026-12-03T07:10:00.000Z', ['thon-4']);
    const second = await item('2026-12-03T07:12:00.000Z', ['thon-4']);

    // The box's 3G link is down: it plays both items from its cache and journals them.
    clock.set('2026-12-03T07:11:00Z');
    played(box, airedPlay(first.id, '2026-12-03T07:10:00.010Z', MINUTE));
    clock.set('2026-12-03T07:13:00Z');
    played(box, airedPlay(second.id, '2026-12-03T07:12:00.008Z', MINUTE));

    // The operator moves the cluster to thôn 3 and thôn 6 before it uploads.
    clock.set('2026-12-03T07:20:00Z');
    const edited = await api('patch', `/devices/${box.id}`)
      .send({ zones: ['thon-6', 'thon-3'] })
      .expect(200);
    expect(edited.body.zones).toEqual(['thon-3', 'thon-6']);
    const later = await item('2026-12-03T07:30:00.000Z', ['thon-4']);
    const moved = await item('2026-12-03T07:32:00.000Z', ['thon-3']);

    // Back online: both receipts are taken and counted, the box is the items' one target.
    clock.set('2026-12-03T07:25:00Z');
    expect((await upload(box, box.journal).expect(200)).body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [],
      lastSeq: 2,
    });
    for (const sent of [first, second]) {
      expect(await recordsOf(sent.id)).toEqual([
        expect.objectContaining({
          outcome: 'aired',
          devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
        }),
      ]);
    }

    // An item of its new zones is its own.
    clock.set('2026-12-03T07:34:00Z');
    expect(
      (
        await upload(box, [
          played(box, airedPlay(moved.id, '2026-12-03T07:32:00.005Z', MINUTE)),
        ]).expect(200)
      ).body,
    ).toMatchObject({ accepted: 1, rejected: [] });
    expect(await recordsOf(moved.id)).toEqual([
      expect.objectContaining({ devices: expect.objectContaining({ targeted: 1, aired: 1 }) }),
    ]);

    // An item of thôn 4 that started after the change was not sent to it: kept in the box's
    // chain (its next receipts go on), never counted.
    const claimed = played(box, airedPlay(later.id, '2026-12-03T07:30:00.005Z', MINUTE));
    expect((await upload(box, [claimed]).expect(200)).body).toMatchObject({
      accepted: 0,
      rejected: [{ seq: claimed.seq, problem: 'other-zones' }],
    });
    expect(await recordsOf(later.id)).toEqual([]);
  });

  it('keeps each zones change as a span, a repeat of the same zones as none, and deletes them with the device', async () => {
    clock.set('2026-12-03T08:00:00Z');
    const created = await api('post', '/devices')
      .send({ name: 'Cụm loa thôn 9', zones: ['thon-9'] })
      .expect(201);
    const id = created.body.id as string;
    const spans = () =>
      app.app
        .get(Db)
        .manager.find(DeviceZoneSpan, { where: { deviceId: id }, order: { seq: 'ASC' } });
    clock.set('2026-12-03T08:05:00Z');
    await api('patch', `/devices/${id}`)
      .send({ zones: ['thon-8'] })
      .expect(200);
    clock.set('2026-12-03T08:06:00Z');
    await api('patch', `/devices/${id}`)
      .send({ zones: ['thon-8'], name: 'Cụm loa thôn 8' })
      .expect(200);
    expect(await spans()).toEqual([
      expect.objectContaining({
        seq: 1,
        zones: ['thon-9'],
        startedAt: new Date('2026-12-03T08:00:00Z'),
        endedAt: new Date('2026-12-03T08:05:00Z'),
      }),
      expect.objectContaining({
        seq: 2,
        zones: ['thon-8'],
        startedAt: new Date('2026-12-03T08:05:00Z'),
        endedAt: null,
      }),
    ]);

    // Two operators edit its zones at once: both are kept, one after the other, one left open.
    clock.set('2026-12-03T08:10:00Z');
    const answers = await Promise.all(
      [['thon-1'], ['thon-2'], ['thon-3']].map((zones) =>
        api('patch', `/devices/${id}`).send({ zones }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const after = await spans();
    expect(after.map((span) => span.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(after.filter((span) => span.endedAt === null)).toHaveLength(1);
    const current = await api('get', `/devices/${id}`).expect(200);
    expect(after[4].zones).toEqual(current.body.zones);

    await api('delete', `/devices/${id}`).expect(204);
    expect(await spans()).toEqual([]);
  });
});
