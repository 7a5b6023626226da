import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { ManualClock } from '../src/common/manual-clock';
import {
  rawPublicKeyBase64,
  Receipt,
  RECEIPT_GENESIS_HASH,
  ReceiptChainHead,
  receiptProblem,
  sealReceipt,
} from '../src/fleet/protocol';
import { PlayoutRecordView } from '../src/playout/playout-record.view';
import { ReceiptGrace } from '../src/playout/receipts/receipt-grace.service';
import { eventually } from './support/eventually';
import { DeviceCredentials, SimulatedDevice } from './support/fleet-device';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, Play } from './support/receipt-device';
import { HAC_THANH, HAM_RONG, THANH_HOA } from './support/schedule-fixtures';
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

/**
 * A cluster as its box runs it: the key it signs with now, the credentials of its enrolment, its
 * MQTT session and its own receipt chain, which outlives its enrolments.
 */
/** Enrolment's answer: the credentials, and where the cluster's receipt chain ends. */
interface Enrolled extends DeviceCredentials {
  receiptChain: ReceiptChainHead;
}

interface Box {
  id: string;
  key: KeyObject;
  credentials: DeviceCredentials;
  mqtt: SimulatedDevice;
  journal: Receipt[];
}

describe('a re-keyed or re-enrolled cluster: its receipts count under the enrolment their item was sent under (e2e)', () => {
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
      title: 'Chuyển đổi số ở xã',
      topics: ['kinh-te-so'],
    });
    bulletinId = bulletin.id;
  });

  afterAll(async () => {
    await Promise.all(boxes.map((box) => box.mqtt.close()));
    await app.close();
    await storage.dispose();
  });

  function api(method: 'get' | 'post' | 'delete', path: string) {
    return app.http()[method](`/api/v1/communes/${HAC_THANH}${path}`).set(bearer(operator));
  }

  /** The box enrols with `code` and `key` through the real route. */
  async function enrol(code: string, key: KeyObject): Promise<Enrolled> {
    const enrolment = await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({ code, publicKey: rawPublicKeyBase64(key) })
      .expect(201);
    return enrolment.body as Enrolled;
  }

  async function connect(box: Box): Promise<void> {
    box.mqtt = await SimulatedDevice.connect(box.credentials);
    await box.mqtt.status({ status: 'online', ts: clock.now().toISOString() });
    await eventually(async () => {
      const view = await api('get', `/devices/${box.id}`).expect(200);
      return view.body.status === 'online' && view.body.lastSeenAt === clock.now().toISOString()
        ? true
        : undefined;
    });
  }

  async function newBox(name: string, zones?: string[]): Promise<Box> {
    const created = await api('post', '/devices').send({ name, zones }).expect(201);
    const key = generateKeyPairSync('ed25519').privateKey;
    const credentials = await enrol(created.body.enrolmentCode, key);
    const box = { id: credentials.deviceId, key, credentials, journal: [] } as unknown as Box;
    await connect(box);
    boxes.push(box);
    return box;
  }

  /** The operator's "Cấp mã mới" (or "Thu hồi" then a new code); the box is dropped at once. */
  async function newCode(box: Box): Promise<string> {
    const issued = await api('post', `/devices/${box.id}/enrolment-code`).expect(201);
    await eventually(() => Promise.resolve(box.mqtt.client.connected ? undefined : true));
    return issued.body.enrolmentCode as string;
  }

  /** The technician enrols the box again with the new code, and a new key unless given. */
  async function reenrol(box: Box, code: string, key?: KeyObject): Promise<void> {
    await box.mqtt.close();
    box.key = key ?? generateKeyPairSync('ed25519').privateKey;
    box.credentials = await enrol(code, box.key);
    await connect(box);
  }

  /** The box journals a play: the next receipt of its chain, signed with `key` (its own now). */
  function played(box: Box, play: Play, key = box.key): Receipt {
    const last = box.journal[box.journal.length - 1] ?? null;
    const receipt = sealReceipt(last, { ...play, deviceId: box.id }, key);
    box.journal.push(receipt);
    return receipt;
  }

  function upload(box: Box, receipts: Receipt[], token = box.credentials.apiToken) {
    return app
      .http()
      .post(`/api/v1/devices/${box.id}/receipts`)
      .set(bearer(token))
      .send({ receipts });
  }

  function item(startsAt: string, durationMs = MINUTE, zones?: string[]) {
    return insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId,
      startsAt: new Date(startsAt),
      durationMs,
      zones,
    });
  }

  async function recordsOf(itemId: string): Promise<PlayoutRecordView[]> {
    const response = await api('get', '/playout-log').expect(200);
    return (response.body as PlayoutRecordView[]).filter(
      (record) => record.scheduleItemId === itemId,
    );
  }

  it('counts the receipts a box signed before it was re-keyed, and keeps its old key from vouching for later items', async () => {
    const a = await newBox('Cụm loa thôn 1');
    const b = await newBox('Cụm loa thôn 2');
    const oldKey = a.key;
    const before = await item('2026-12-03T07:10:00.000Z');
    // Playing when the box is re-keyed (07:16) and enrolled again (07:18).
    const across = await item('2026-12-03T07:14:00.000Z', 10 * MINUTE);
    const after = await item('2026-12-03T07:30:00.000Z');

    // A's 3G link is down: it plays and journals, it cannot upload. B reports at once.
    played(a, airedPlay(before.id, '2026-12-03T07:10:00.010Z', MINUTE));
    clock.set('2026-12-03T07:12:00Z');
    await upload(b, [played(b, airedPlay(before.id, '2026-12-03T07:10:00.004Z', MINUTE))]).expect(
      200,
    );

    // "Cấp mã mới" at 07:16, the technician enrols the box with a new key at 07:18.
    clock.set('2026-12-03T07:16:00Z');
    const code = await newCode(a);
    const oldToken = a.credentials.apiToken;
    clock.set('2026-12-03T07:18:00Z');
    await reenrol(a, code);
    await upload(a, a.journal, oldToken).expect(401);
    const enrolments = await api('get', `/devices/${a.id}/enrolments`).expect(200);
    expect(enrolments.body).toEqual([
      {
        seq: 1,
        publicKey: rawPublicKeyBase64(oldKey),
        enrolledAt: '2026-12-03T07:00:00.000Z',
        endedAt: '2026-12-03T07:16:00.000Z',
        endedBy: 're-keyed',
      },
      {
        seq: 2,
        publicKey: rawPublicKeyBase64(a.key),
        enrolledAt: '2026-12-03T07:18:00.000Z',
        endedAt: null,
        endedBy: null,
      },
    ]);

    // The first item's grace is over: its record counts A unreported.
    clock.set('2026-12-03T07:21:01Z');
    await app.app.get(ReceiptGrace).settle();
    const [first] = await recordsOf(before.id);
    expect(first).toMatchObject({
      devices: { targeted: 2, aired: 1, partial: 0, missed: 0, unreported: 1 },
    });

    // Back online: the old receipt (old key), then the cut play, sealed at the restart with the
    // new key (the box was enrolled under both keys while that item played).
    clock.set('2026-12-03T07:25:00Z');
    played(a, {
      scheduleItemId: across.id,
      startedAt: '2026-12-03T07:14:00.008Z',
      endedAt: '2026-12-03T07:17:30.008Z',
      playedMs: 210_000,
      outcome: 'partial',
      reason: 'Khởi động lại để đăng ký cụm loa',
    });
    expect((await upload(a, a.journal).expect(200)).body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [],
      lastSeq: 2,
    });
    const corrected = await recordsOf(before.id);
    expect(corrected).toHaveLength(2);
    expect(corrected[1]).toMatchObject({
      correctsSeq: first.seq,
      outcome: 'aired',
      devices: { targeted: 2, aired: 2, partial: 0, missed: 0, unreported: 0 },
    });
    // B completes the item that spanned the re-key: A is one cluster, counted once.
    await upload(b, [
      played(b, airedPlay(across.id, '2026-12-03T07:14:00.004Z', 10 * MINUTE)),
    ]).expect(200);
    expect(await recordsOf(across.id)).toEqual([
      expect.objectContaining({
        outcome: 'aired',
        devices: { targeted: 2, aired: 1, partial: 1, missed: 0, unreported: 0 },
      }),
    ]);

    // A receipt of a later item signed with the old key: kept in the chain, never counted.
    clock.set('2026-12-03T07:32:00Z');
    const forged = played(a, airedPlay(after.id, '2026-12-03T07:30:00.002Z', MINUTE), oldKey);
    const refused = await upload(a, [forged]).expect(200);
    expect(refused.body).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: [
        {
          seq: forged.seq,
          problem: 'key-ended',
          message: expect.stringMatching(
            /enrolment 1 .*re-keyed 2026-12-03T07:16:00\.000Z.*before item .* started \(2026-12-03T07:30:00\.000Z\)/,
          ),
        },
      ],
      lastSeq: forged.seq,
    });
    const rejected = await api('get', `/rejected-receipts?device=${a.id}`).expect(200);
    expect(rejected.body).toEqual([
      expect.objectContaining({
        deviceId: a.id,
        seq: forged.seq,
        problem: 'key-ended',
        scheduleItemId: after.id,
      }),
    ]);
    const alerts = await api('get', '/alerts').expect(200);
    expect(alerts.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'receipt-refused',
          deviceId: a.id,
          message: expect.stringContaining('khóa cũ'),
        }),
      ]),
    );
    // B reports the later item; it waits for A, whose forged receipt is no report.
    await upload(b, [played(b, airedPlay(after.id, '2026-12-03T07:30:00.005Z', MINUTE))]).expect(
      200,
    );
    expect(await recordsOf(after.id)).toEqual([]);
    // A's own receipt, with its new key, completes it.
    await upload(a, [played(a, airedPlay(after.id, '2026-12-03T07:30:00.003Z', MINUTE))]).expect(
      200,
    );
    expect(await recordsOf(after.id)).toEqual([
      expect.objectContaining({
        outcome: 'aired',
        devices: { targeted: 2, aired: 2, partial: 0, missed: 0, unreported: 0 },
      }),
    ]);

    // Every served receipt checks with the key of the enrolment its item was sent under.
    const keys = new Map(
      (enrolments.body as { seq: number; publicKey: string }[]).map((e) => [e.seq, e.publicKey]),
    );
    const behind = await api('get', `/playout-log/${corrected[1].seq}/receipts`).expect(200);
    const fromA = (behind.body as Receipt[]).find((receipt) => receipt.deviceId === a.id)!;
    expect(receiptProblem(fromA, keys.get(1)!)).toBeNull();
    expect(receiptProblem(fromA, keys.get(2)!)).toMatch(/signature/);
    expect((await api('get', '/playout-log/verify').expect(200)).body).toMatchObject({ ok: true });
  });

  it('counts the receipt of a box revoked, then enrolled again with its key, of an item sent before', async () => {
    const box = boxes[1];
    const sent = await item('2026-12-03T07:40:00.000Z');
    const gap = await item('2026-12-03T07:45:00.000Z');
    played(box, airedPlay(sent.id, '2026-12-03T07:40:00.006Z', MINUTE));
    // "Thu hồi" at 07:42; it keeps playing from its cache, and the gap's item is not its.
    clock.set('2026-12-03T07:42:00Z');
    await api('delete', `/devices/${box.id}/credentials`).expect(200);
    played(box, airedPlay(gap.id, '2026-12-03T07:45:00.006Z', MINUTE));
    clock.set('2026-12-03T07:50:00Z');
    const code = (await api('post', `/devices/${box.id}/enrolment-code`).expect(201)).body
      .enrolmentCode as string;
    await reenrol(box, code, box.key);

    const answer = await upload(box, box.journal.slice(-2)).expect(200);
    expect(answer.body).toMatchObject({
      accepted: 1,
      rejected: [{ seq: box.journal[box.journal.length - 1].seq, problem: 'key-ended' }],
    });
    expect((answer.body as { rejected: { message: string }[] }).rejected[0].message).toMatch(
      /revoked 2026-12-03T07:42:00\.000Z/,
    );
    const enrolments = await api('get', `/devices/${box.id}/enrolments`).expect(200);
    expect(enrolments.body).toMatchObject([
      { seq: 1, endedAt: '2026-12-03T07:42:00.000Z', endedBy: 'revoked' },
      { seq: 2, enrolledAt: '2026-12-03T07:50:00.000Z', endedAt: null },
    ]);
    // The item sent before the revocation counts the box (A, silent, is unreported); the gap's
    // item was never the box's.
    clock.set(new Date(Date.parse('2026-12-03T07:46:00Z') + 10 * MINUTE));
    await app.app.get(ReceiptGrace).settle();
    expect(await recordsOf(sent.id)).toEqual([
      expect.objectContaining({
        devices: { targeted: 2, aired: 1, partial: 0, missed: 0, unreported: 1 },
      }),
    ]);
    expect(await recordsOf(gap.id)).toEqual([
      expect.objectContaining({
        outcome: 'missed',
        devices: { targeted: 1, aired: 0, partial: 0, missed: 0, unreported: 1 },
      }),
    ]);
  });
  it('a replaced box, with a fresh journal and a new key, goes on from the chain head the server answers', async () => {
    clock.set('2026-12-03T08:00:00Z');
    const old = await newBox('Cụm loa thôn 3', ['thon-3']);
    const first = await item('2026-12-03T08:02:00.000Z', MINUTE, ['thon-3']);
    const second = await item('2026-12-03T08:10:00.000Z', MINUTE, ['thon-3']);
    clock.set('2026-12-03T08:04:00Z');
    const held = played(old, airedPlay(first.id, '2026-12-03T08:02:00.004Z', MINUTE));
    await upload(old, [held]).expect(200);

    // The box is replaced: "Cấp mã mới", and the new box enrols with its own key and journal.
    clock.set('2026-12-03T08:05:00Z');
    const code = await newCode(old);
    await old.mqtt.close();
    clock.set('2026-12-03T08:06:00Z');
    const key = generateKeyPairSync('ed25519').privateKey;
    const enrolled = await enrol(code, key);
    expect(enrolled.receiptChain).toEqual({ lastSeq: held.seq, lastHash: held.hash });
    const me = await app.http().get('/api/v1/devices/me').set(bearer(enrolled.apiToken));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: old.id,
      receiptChain: { lastSeq: held.seq, lastHash: held.hash },
    });
    const replaced: Box = {
      id: enrolled.deviceId,
      key,
      credentials: enrolled,
      mqtt: old.mqtt,
      journal: [],
    };
    await connect(replaced);
    boxes.push(replaced);

    // It plays and goes on from the head: seq lastSeq + 1, prevHash lastHash.
    clock.set('2026-12-03T08:11:30Z');
    const head = enrolled.receiptChain;
    const next = sealReceipt(
      { seq: head.lastSeq, hash: head.lastHash },
      { ...airedPlay(second.id, '2026-12-03T08:10:00.005Z', MINUTE), deviceId: replaced.id },
      key,
    );
    expect(next).toMatchObject({ seq: held.seq + 1, prevHash: held.hash });
    expect((await upload(replaced, [next]).expect(200)).body).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [],
      lastSeq: next.seq,
    });
    expect(await recordsOf(second.id)).toEqual([
      expect.objectContaining({
        outcome: 'aired',
        devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
      }),
    ]);
    const alerts = await api('get', '/alerts').expect(200);
    expect(
      (alerts.body as { kind: string; deviceId: string | null }[]).filter(
        (alert) => alert.kind === 'receipt-refused' && alert.deviceId === old.id,
      ),
    ).toEqual([]);
    const me2 = await app.http().get('/api/v1/devices/me').set(bearer(enrolled.apiToken));
    expect(me2.body.receiptChain).toEqual({ lastSeq: next.seq, lastHash: next.hash });
  });

  it('a re-keyed cluster that did not report an item is counted targeted and unreported in its record and the reconciliation', async () => {
    clock.set('2026-12-03T08:20:00Z');
    const communeApi = (method: 'get' | 'post', path: string) =>
      app.http()[method](`/api/v1/communes/${HAM_RONG}${path}`).set(bearer(admin));
    const created = await communeApi('post', '/devices')
      .send({ name: 'Cụm loa thôn 9', zones: ['thon-9'] })
      .expect(201);
    const firstEnrolment = await enrol(
      created.body.enrolmentCode as string,
      generateKeyPairSync('ed25519').privateKey,
    );
    expect(firstEnrolment.receiptChain).toEqual({ lastSeq: 0, lastHash: RECEIPT_GENESIS_HASH });
    const bulletin = await insertBulletin(app, {
      communeCode: HAM_RONG,
      provinceCode: THANH_HOA,
      title: 'Họp thôn 9',
      topics: ['xa-hoi-so'],
    });
    const silent = await insertScheduleItem(app, {
      communeCode: HAM_RONG,
      bulletinId: bulletin.id,
      startsAt: new Date('2026-12-03T08:22:00.000Z'),
      durationMs: MINUTE,
      zones: ['thon-9'],
    });
    // The item passes with no receipt; the cluster is re-keyed and enrolled again.
    clock.set('2026-12-03T08:25:00Z');
    const code = await communeApi('post', `/devices/${created.body.id}/enrolment-code`).expect(201);
    clock.set('2026-12-03T08:26:00Z');
    await enrol(code.body.enrolmentCode as string, generateKeyPairSync('ed25519').privateKey);

    // The receipt grace (10 minutes after the item's end) is over.
    clock.set('2026-12-03T08:33:01Z');
    await app.app.get(ReceiptGrace).settle();
    const log = await communeApi('get', '/playout-log').expect(200);
    expect(
      (log.body as PlayoutRecordView[]).filter((record) => record.scheduleItemId === silent.id),
    ).toEqual([
      expect.objectContaining({
        outcome: 'missed',
        devices: { targeted: 1, aired: 0, partial: 0, missed: 0, unreported: 1 },
        reason: expect.not.stringContaining('Không có cụm loa'),
      }),
    ]);
    const reconciliation = await app
      .http()
      .get(`/api/v1/reports/communes/${HAM_RONG}/reconciliation?from=2026-12-03&to=2026-12-03`)
      .set(bearer(admin))
      .expect(200);
    expect(
      (reconciliation.body as { lines: { scheduleItemId: string | null }[] }).lines.filter(
        (line) => line.scheduleItemId === silent.id,
      ),
    ).toEqual([
      expect.objectContaining({
        code: 'missed',
        causeCode: 'devices-offline',
        devicesTargeted: 1,
        devicesAired: 0,
      }),
    ]);
  });
});
