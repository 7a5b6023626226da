import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { PlayoutRecordView } from '../src/playout/playout-record.view';
import { ReceiptGrace } from '../src/playout/receipts/receipt-grace.service';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, ReceiptDevice } from './support/receipt-device';
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

const MINUTE = 60000;
const ITEM_MS = 60000;
const TOPIC = 'kinh-te-so';
const REPLACES = 'Biên nhận của cụm loa thay cho xác nhận bằng tay. ';

interface CountedRecord {
  seq: number;
  scheduleItemId: string | null;
  inEffect: boolean;
  correctedBySeq: number | null;
  countedSeconds: number;
  countedPlays: number;
}

interface ReconciliationLine {
  scheduleItemId: string | null;
  code: string;
  recordSeq: number | null;
  replacesSeq: number | null;
  otherSeqs: number[];
}

/**
 * An item of a commune with speaker clusters, confirmed by hand ("Xác nhận" on the Nhật ký
 * page) before its clusters' signed receipts came: the receipts' record replaces the
 * operator's (a correction), so the item counts once in every report, and the reverse order
 * (receipts first, then a confirmation) stays refused.
 */
describe('receipts after a confirmation by hand (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  const clock = new ManualClock('2026-12-03T07:00:00Z');
  let admin: string;
  let operator: string;
  let bulletinId: string;
  /** Zone thon-1: A and B; zone thon-2: C. */
  let a: ReceiptDevice;
  let b: ReceiptDevice;
  let c: ReceiptDevice;

  const get = (path: string) => app.http().get(`/api/v1${path}`).set(bearer(operator));

  async function item(
    startsAt: string,
    zones: string[] | null,
    source: ScheduleItem['source'] = 'manual',
  ): Promise<ScheduleItem> {
    return insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: source === 'live' ? null : bulletinId,
      startsAt: new Date(startsAt),
      durationMs: ITEM_MS,
      zones,
      source,
    });
  }

  /** What the Nhật ký page's "Xác nhận" dialog posts for "Đã phát hết bản tin" at the planned time. */
  function confirm(target: ScheduleItem, extra: Record<string, unknown> = {}) {
    const startMs = target.startsAt.getTime();
    const body = {
      scheduleItemId: target.id,
      outcome: 'aired',
      source: 'operator',
      startedAt: new Date(startMs).toISOString(),
      endedAt: new Date(startMs + target.durationMs).toISOString(),
      playedMs: target.durationMs,
      ...extra,
    };
    return app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(operator))
      .set('Idempotency-Key', `confirm-${target.id}-aired-${Date.parse(body.startedAt)}`)
      .send(body);
  }

  async function recordsOf(itemId: string): Promise<PlayoutRecordView[]> {
    const response = await get(`/communes/${HAC_THANH}/playout-log`).expect(200);
    return (response.body as PlayoutRecordView[]).filter(
      (record) => record.scheduleItemId === itemId,
    );
  }

  /** The reports' drill-down of the day for the topic: its sums and the item's records. */
  async function counted(day: string, itemId: string) {
    const response = await get(
      `/reports/communes/${HAC_THANH}/records?from=${day}&to=${day}&topic=${TOPIC}`,
    ).expect(200);
    const body = response.body as { plays: number; records: CountedRecord[] };
    return {
      plays: body.plays,
      records: body.records.filter((record) => record.scheduleItemId === itemId),
    };
  }

  /** The commune report's plays of the topic on the day (read from the roll-ups). */
  async function dayPlays(day: string): Promise<number> {
    const response = await get(
      `/reports/communes/${HAC_THANH}?campaign=cds-thang-12&from=${day}&to=${day}`,
    ).expect(200);
    const daily = (
      response.body as { daily: { date: string; topics: { topic: string; plays: number }[] }[] }
    ).daily;
    return daily.find((one) => one.date === day)!.topics.find((one) => one.topic === TOPIC)!.plays;
  }

  async function reconciliationLine(day: string, itemId: string): Promise<ReconciliationLine> {
    const response = await get(
      `/reports/communes/${HAC_THANH}/reconciliation?from=${day}&to=${day}&pageSize=500`,
    ).expect(200);
    const lines = (response.body as { lines: ReconciliationLine[] }).lines;
    return lines.find((line) => line.scheduleItemId === itemId)!;
  }

  async function verify(): Promise<unknown> {
    return (await get(`/communes/${HAC_THANH}/playout-log/verify`).expect(200)).body;
  }

  async function statusOf(itemId: string): Promise<string | undefined> {
    const found = await app.app.get(DataSource).manager.findOneBy(ScheduleItem, { id: itemId });
    return found?.status;
  }

  beforeAll(async () => {
    storage = await createTestStorage({ PLAYOUT_RECEIPT_GRACE_MINUTES: '10' });
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    a = await ReceiptDevice.enrol(app, operator, HAC_THANH, 'Cụm loa thôn 1 – đình', ['thon-1']);
    b = await ReceiptDevice.enrol(app, operator, HAC_THANH, 'Cụm loa thôn 1 – chợ', ['thon-1']);
    c = await ReceiptDevice.enrol(app, operator, HAC_THANH, 'Cụm loa thôn 2', ['thon-2']);
    const bulletin = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      title: 'Chuyển đổi số ở xã',
      topics: [TOPIC],
    });
    bulletinId = bulletin.id;
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'cds-thang-12',
        name: 'Chuyển đổi số tháng 12',
        startsOn: '2026-12-01',
        endsOn: '2026-12-31',
        rules: [{ topic: TOPIC, minPlaysPerWeek: 1 }],
      })
      .expect(201);
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it("writes the clusters' record as a correction of the operator's: the item counts once", async () => {
    const target = await item('2026-12-03T08:00:00.000Z', ['thon-2']);
    clock.set('2026-12-03T08:02:00Z');
    const confirmed = (await confirm(target).expect(201)).body as PlayoutRecordView;
    expect(confirmed).toMatchObject({ source: 'operator', outcome: 'aired', correctsSeq: null });

    // C's receipt comes within the grace and completes the item.
    await c
      .upload([c.played(airedPlay(target.id, '2026-12-03T08:00:00.006Z', ITEM_MS))])
      .expect(200);
    const records = await recordsOf(target.id);
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual(confirmed);
    expect(records[1]).toMatchObject({
      source: 'devices',
      outcome: 'aired',
      attempt: 1,
      correctsSeq: confirmed.seq,
      startedAt: '2026-12-03T08:00:00.006Z',
      playedMs: ITEM_MS,
      reason: `${REPLACES}Theo biên nhận của 1 cụm loa: 1 phát đủ, 0 phát một phần, 0 không phát, 0 chưa báo cáo`,
      devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
    });
    const devicesSeq = records[1].seq;
    expect(await verify()).toEqual({ ok: true, count: 2 });
    expect(await statusOf(target.id)).toBe('aired');

    // Every view counts the clusters' record alone, and agrees on it.
    const day = await counted('2026-12-03', target.id);
    expect(day.plays).toBe(1);
    expect(day.records).toEqual([
      expect.objectContaining({
        seq: confirmed.seq,
        inEffect: false,
        correctedBySeq: devicesSeq,
        countedPlays: 0,
        countedSeconds: 0,
      }),
      expect.objectContaining({
        seq: devicesSeq,
        inEffect: true,
        countedPlays: 1,
        countedSeconds: ITEM_MS / 1000,
      }),
    ]);
    expect(await dayPlays('2026-12-03')).toBe(1);
    expect(await reconciliationLine('2026-12-03', target.id)).toMatchObject({
      code: 'on-time',
      recordSeq: devicesSeq,
      replacesSeq: confirmed.seq,
      otherSeqs: [],
    });

    // The receipts stand: a second confirmation now overlaps them (the dialog's retry replays).
    const again = await confirm(target).expect(201);
    expect((again.body as PlayoutRecordView).seq).toBe(confirmed.seq);
    const later = await confirm(target, {
      startedAt: '2026-12-03T08:00:00.500Z',
      endedAt: '2026-12-03T08:01:00.500Z',
    }).expect(409);
    expect(later.body).toMatchObject({ code: 'PLAYOUT_OVERLAP', overlapsSeq: devicesSeq });
    expect(await recordsOf(target.id)).toHaveLength(2);
  });

  it('refuses a confirmation by hand once the receipts are in (the reverse order)', async () => {
    const target = await item('2026-12-03T08:30:00.000Z', ['thon-2']);
    clock.set('2026-12-03T08:32:00Z');
    await c
      .upload([c.played(airedPlay(target.id, '2026-12-03T08:30:00.004Z', ITEM_MS))])
      .expect(200);
    const [fromDevices] = await recordsOf(target.id);
    expect(fromDevices).toMatchObject({ source: 'devices', correctsSeq: null });
    const refused = await confirm(target).expect(409);
    expect(refused.body).toMatchObject({ code: 'PLAYOUT_OVERLAP', overlapsSeq: fromDevices.seq });
    expect(await recordsOf(target.id)).toEqual([fromDevices]);
    expect((await counted('2026-12-03', target.id)).records).toEqual([
      expect.objectContaining({ seq: fromDevices.seq, inEffect: true, countedPlays: 1 }),
    ]);
  });

  it("waits for every cluster or the grace, then replaces the operator's record once", async () => {
    const grace = app.app.get(ReceiptGrace);
    const target = await item('2026-12-03T09:00:00.000Z', ['thon-1']);
    clock.set('2026-12-03T09:02:00Z');
    const confirmed = (await confirm(target).expect(201)).body as PlayoutRecordView;
    // A reports; B is still silent and the grace runs: the operator's word stands meanwhile.
    await a
      .upload([a.played(airedPlay(target.id, '2026-12-03T09:00:00.010Z', ITEM_MS))])
      .expect(200);
    expect(await recordsOf(target.id)).toEqual([confirmed]);
    clock.set('2026-12-03T09:10:00Z');
    expect(await grace.settle()).toBe(0);
    expect(await recordsOf(target.id)).toEqual([confirmed]);

    // The grace is over: the receipts that came replace the confirmation (its status closed
    // the item already, so the sweep finds it by its waiting receipt), once.
    clock.set(new Date(Date.parse('2026-12-03T09:01:00.000Z') + 10 * MINUTE));
    const settled = await Promise.all([grace.settle(), grace.settle()]);
    expect(settled[0] + settled[1]).toBe(1);
    expect(await grace.settle()).toBe(0);
    const records = await recordsOf(target.id);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      source: 'devices',
      attempt: 1,
      correctsSeq: confirmed.seq,
      reason: expect.stringMatching(new RegExp(`^${REPLACES}`)),
      devices: { targeted: 2, aired: 1, partial: 0, missed: 0, unreported: 1 },
    });

    // B comes back online the next day: a late correction of the clusters' record.
    clock.set('2026-12-04T06:00:00Z');
    await b
      .upload([b.played(airedPlay(target.id, '2026-12-03T09:00:00.002Z', ITEM_MS))])
      .expect(200);
    const after = await recordsOf(target.id);
    expect(after).toHaveLength(3);
    expect(after[2]).toMatchObject({
      source: 'devices',
      correctsSeq: records[1].seq,
      reason: expect.stringMatching(/^Biên nhận đến muộn\. /),
      devices: { targeted: 2, aired: 2, unreported: 0 },
    });
    const day = await counted('2026-12-03', target.id);
    expect(day.records.filter((record) => record.inEffect)).toEqual([
      expect.objectContaining({ seq: after[2].seq, countedPlays: 1 }),
    ]);
    expect(await reconciliationLine('2026-12-03', target.id)).toMatchObject({
      recordSeq: after[2].seq,
      otherSeqs: [],
    });
    expect(await verify()).toMatchObject({ ok: true });
  });

  it("keeps the operator's record when no cluster reported by the end of the grace", async () => {
    const grace = app.app.get(ReceiptGrace);
    const target = await item('2026-12-04T07:00:00.000Z', null);
    clock.set('2026-12-04T07:02:00Z');
    const confirmed = (await confirm(target).expect(201)).body as PlayoutRecordView;
    clock.set('2026-12-04T07:30:00Z');
    await grace.settle();
    expect(await recordsOf(target.id)).toEqual([confirmed]);
    expect(await statusOf(target.id)).toBe('aired');
  });

  it('does the same for an emergency and a live announcement recorded from receipts', async () => {
    const emergency = await item('2026-12-04T08:00:00.000Z', ['thon-2'], 'emergency');
    const live = await item('2026-12-04T08:10:00.000Z', ['thon-2'], 'live');
    clock.set('2026-12-04T08:12:00Z');
    const confirmedEmergency = (await confirm(emergency).expect(201)).body as PlayoutRecordView;
    const confirmedLive = (await confirm(live, { title: 'Phát trực tiếp' }).expect(201))
      .body as PlayoutRecordView;
    await c
      .upload([
        c.played(airedPlay(emergency.id, '2026-12-04T08:00:00.003Z', ITEM_MS)),
        c.played(airedPlay(live.id, '2026-12-04T08:10:00.003Z', ITEM_MS)),
      ])
      .expect(200);
    const [, emergencyRecord] = await recordsOf(emergency.id);
    expect(emergencyRecord).toMatchObject({
      source: 'devices',
      correctsSeq: confirmedEmergency.seq,
      reason: expect.stringMatching(new RegExp(`^${REPLACES}`)),
    });
    const [, liveRecord] = await recordsOf(live.id);
    expect(liveRecord).toMatchObject({
      source: 'live',
      correctsSeq: confirmedLive.seq,
      reason: expect.stringMatching(new RegExp(`^${REPLACES}`)),
    });
    const day = await counted('2026-12-04', emergency.id);
    expect(day.records.filter((record) => record.inEffect)).toEqual([
      expect.objectContaining({ seq: emergencyRecord.seq, countedPlays: 1 }),
    ]);
    expect(await verify()).toMatchObject({ ok: true });
  });
});
