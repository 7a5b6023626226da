import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { DeviceReceipt } from '../src/playout/entities/device-receipt.entity';
import { PlayoutRecordView } from '../src/playout/playout-record.view';
import { RejectedReceiptListView, ReceiptUploadResult } from '../src/playout/receipts/receipt.view';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, ReceiptDevice } from './support/receipt-device';
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

/** The item of the tester's report: 17.8 s, due at 09:36 local. */
const ITEM_MS = 17800;

describe('receipts: a signed receipt of a play that could not have happened is not airtime (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  const clock = new ManualClock('2026-12-07T01:00:00Z');
  let operator: string;
  let bulletinId: string;
  let device: ReceiptDevice;

  async function item(startsAt: string): Promise<ScheduleItem> {
    return insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId,
      startsAt: new Date(startsAt),
      durationMs: ITEM_MS,
    });
  }

  async function recordsOf(itemId: string): Promise<PlayoutRecordView[]> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(operator))
      .expect(200);
    return (response.body as PlayoutRecordView[]).filter(
      (record) => record.scheduleItemId === itemId,
    );
  }

  async function statusOf(itemId: string): Promise<string> {
    const found = await app.app
      .get(DataSource)
      .manager.findOneByOrFail(ScheduleItem, { id: itemId });
    return found.status;
  }

  beforeAll(async () => {
    storage = await createTestStorage({ PLAYOUT_RECEIPT_GRACE_MINUTES: '10' });
    app = await startTestApp(storage, {}, { clock });
    const admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    device = await ReceiptDevice.enrol(app, operator, HAC_THANH, 'Cụm loa thôn 1 – đình');
    const bulletin = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      title: 'Thông báo tiêm phòng',
      topics: ['y-te'],
    });
    bulletinId = bulletin.id;
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('answers the four impossible receipts rejected, records nothing, and takes a true one after them', async () => {
    // 09:36 local is 02:36Z. The cancelled item is cancelled well before its time.
    const future = await item('2026-12-07T02:36:00.000Z');
    const endless = await item('2026-12-07T02:20:00.000Z');
    const monthsOff = await item('2026-12-07T02:10:00.000Z');
    const cancelled = await item('2026-12-07T02:00:00.000Z');
    const normal = await item('2026-12-07T02:30:00.000Z');
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule/items/${cancelled.id}/cancel`)
      .set(bearer(operator))
      .send({ reason: 'Đổi lịch' })
      .expect(200);

    clock.set('2026-12-07T02:33:46Z');
    const bad = [
      device.played(airedPlay(future.id, '2026-12-07T02:36:00.000Z', 14000)),
      device.played({
        ...airedPlay(endless.id, '2026-12-07T02:20:00.000Z', ITEM_MS),
        playedMs: 99999999,
      }),
      device.played(airedPlay(monthsOff.id, '2026-10-07T02:10:00.000Z', ITEM_MS)),
      device.played(airedPlay(cancelled.id, '2026-12-07T02:00:00.000Z', ITEM_MS)),
    ];
    const response = await device.upload(bad).expect(200);
    const result = response.body as ReceiptUploadResult;
    expect(result.accepted).toBe(0);
    expect(result.lastSeq).toBe(4);
    expect(result.rejected.map((one) => [one.seq, one.problem])).toEqual([
      [1, 'future'],
      [2, 'too-long'],
      [3, 'off-time'],
      [4, 'cancelled'],
    ]);

    for (const one of [future, endless, monthsOff, cancelled]) {
      expect(await recordsOf(one.id)).toEqual([]);
      expect(await statusOf(one.id)).not.toBe('aired');
    }
    const stored = await app.app
      .get(DataSource)
      .manager.findBy(DeviceReceipt, { deviceId: device.id });
    expect(stored.map((row) => [row.seq, row.refused, row.recordSeq])).toEqual([
      [1, 'future', null],
      [2, 'too-long', null],
      [3, 'off-time', null],
      [4, 'cancelled', null],
    ]);

    // The operators are told.
    const alerts = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/alerts`)
      .set(bearer(operator))
      .expect(200);
    const alert = (alerts.body as { kind: string; deviceId?: string; message: string }[]).find(
      (one) => one.kind === 'receipt-refused' && one.deviceId === device.id,
    );
    expect(alert?.message).toContain('không được tính vào thời lượng phát');

    // Sent again: the same answer, nothing counted.
    const again = (await device.upload(bad).expect(200)).body as ReceiptUploadResult;
    expect(again).toMatchObject({ accepted: 0, duplicates: 4, lastSeq: 4 });
    expect(again.rejected.map((one) => one.problem)).toEqual([
      'future',
      'too-long',
      'off-time',
      'cancelled',
    ]);

    // The chain goes on: a true play after them counts and writes the record.
    clock.set('2026-12-07T02:34:00Z');
    const played = device.played(airedPlay(normal.id, '2026-12-07T02:30:00.012Z', ITEM_MS));
    const ok = (await device.upload([played]).expect(200)).body as ReceiptUploadResult;
    expect(ok).toEqual({ accepted: 1, duplicates: 0, rejected: [], lastSeq: 5 });
    const [record] = await recordsOf(normal.id);
    expect(record).toMatchObject({
      outcome: 'aired',
      startedAt: '2026-12-07T02:30:00.012Z',
      playedMs: ITEM_MS,
      source: 'devices',
    });
    expect(await statusOf(normal.id)).toBe('aired');
  });

  it("lists a commune's rejected receipts with their items, to its users, by cluster", async () => {
    const list = (token: string, query = '') =>
      app.http().get(`/api/v1/communes/${HAC_THANH}/rejected-receipts${query}`).set(bearer(token));
    const response = await list(operator).expect(200);
    const rows = response.body as RejectedReceiptListView[];
    // Newest first: one batch, so by seq; the counted seq 5 is not listed.
    expect(rows.map((row) => [row.seq, row.problem])).toEqual([
      [4, 'cancelled'],
      [3, 'off-time'],
      [2, 'too-long'],
      [1, 'future'],
    ]);
    expect(rows[1]).toEqual({
      deviceId: device.id,
      deviceName: 'Cụm loa thôn 1 – đình',
      seq: 3,
      problem: 'off-time',
      scheduleItemId: expect.any(String),
      bulletinId,
      title: 'Thông báo tiêm phòng',
      itemStartsAt: '2026-12-07T02:10:00.000Z',
      itemDurationMs: ITEM_MS,
      startedAt: '2026-10-07T02:10:00.000Z',
      endedAt: '2026-10-07T02:10:17.800Z',
      playedMs: ITEM_MS,
      outcome: 'aired',
      receivedAt: '2026-12-07T02:33:46.000Z',
    });
    expect(rows[2]).toMatchObject({ problem: 'too-long', playedMs: 99999999 });

    // One cluster's: this one's are all of them; another's has none.
    const other = await ReceiptDevice.enrol(app, operator, HAC_THANH, 'Cụm loa thôn 2');
    expect((await list(operator, `?device=${device.id}`).expect(200)).body).toEqual(rows);
    expect((await list(operator, `?device=${other.id}`).expect(200)).body).toEqual([]);
    const unknown = await list(operator, '?device=00000000-0000-4000-8000-000000000000');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'DEVICE_NOT_FOUND']);
    expect((await list(operator, '?device=thon-1').expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );

    // The province's monitors read it; another commune's operators do not.
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: THANH_HOA,
    });
    expect((await list(monitor).expect(200)).body).toEqual(rows);
    const elsewhere = await createUserAndLogin(app, admin, {
      username: 'van-hanh-ham-rong',
      role: 'operator',
      communeCode: HAM_RONG,
    });
    await list(elsewhere).expect(403);
  });
});
