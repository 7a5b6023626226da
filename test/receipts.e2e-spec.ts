import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { rawPublicKeyBase64, Receipt, receiptProblem } from '../src/fleet/protocol';
import { Device } from '../src/fleet/entities/device.entity';
import { DeviceEnrolment } from '../src/fleet/entities/device-enrolment.entity';
import { DeviceReceipt } from '../src/playout/entities/device-receipt.entity';
import { AsRunLedger } from '../src/playout/as-run-ledger';
import { OverdueItems } from '../src/playout/overdue-items.service';
import { PlayoutDispatcher } from '../src/playout/playout-dispatcher.service';
import { PlayoutRecordView } from '../src/playout/playout-record.view';
import { ReceiptGrace } from '../src/playout/receipts/receipt-grace.service';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { runPython } from './support/python';
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

const MINUTE = 60000;
const VERIFIER = readFileSync(join(__dirname, '..', 'scripts', 'verify-as-run.py'), 'utf8');
const ITEM_MS = 60000;

describe('receipts: the commune as-run log from what its speakers played (e2e)', () => {
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

  async function item(startsAt: string, zones: string[] | null = null, commune = HAC_THANH) {
    return insertScheduleItem(app, {
      communeCode: commune,
      bulletinId,
      startsAt: new Date(startsAt),
      durationMs: ITEM_MS,
      zones,
    });
  }

  async function log(): Promise<PlayoutRecordView[]> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(operator))
      .expect(200);
    return response.body as PlayoutRecordView[];
  }

  async function recordsOf(itemId: string): Promise<PlayoutRecordView[]> {
    return (await log()).filter((record) => record.scheduleItemId === itemId);
  }

  async function verify(): Promise<unknown> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log/verify`)
      .set(bearer(operator))
      .expect(200);
    return response.body;
  }

  /** The device's open receipt-refused alert, as the commune's operators read it. */
  async function refusalAlert(
    deviceId: string,
  ): Promise<{ kind: string; message: string } | undefined> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/alerts`)
      .set(bearer(operator))
      .expect(200);
    return (response.body as { kind: string; deviceId?: string; message: string }[]).find(
      (alert) => alert.kind === 'receipt-refused' && alert.deviceId === deviceId,
    );
  }

  async function storedCount(device: ReceiptDevice): Promise<number> {
    return app.app.get(DataSource).manager.countBy(DeviceReceipt, { deviceId: device.id });
  }

  async function publicKeys(): Promise<Map<string, string>> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/devices`)
      .set(bearer(operator))
      .expect(200);
    return new Map(
      (response.body as { id: string; publicKey: string }[]).map((d) => [d.id, d.publicKey]),
    );
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
      topics: ['kinh-te-so'],
    });
    bulletinId = bulletin.id;
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('writes one commune record per item once every targeted device reported', async () => {
    const everyone = await item('2026-12-03T08:00:00.000Z');
    const thon1 = await item('2026-12-03T08:05:00.000Z', ['thon-1']);
    // Before the grace of either item is over: only complete coverage writes a record.
    clock.set('2026-12-03T08:07:00Z');

    const fromA = [
      a.played(airedPlay(everyone.id, '2026-12-03T08:00:00.012Z', ITEM_MS)),
      a.played(airedPlay(thon1.id, '2026-12-03T08:05:00.020Z', ITEM_MS)),
    ];
    expect((await a.upload(fromA)).body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [],
      lastSeq: 2,
    });
    expect(await log()).toEqual([]);

    const fromB = [
      b.played({
        scheduleItemId: everyone.id,
        startedAt: '2026-12-03T08:00:00.004Z',
        endedAt: '2026-12-03T08:00:30.004Z',
        playedMs: 30000,
        outcome: 'partial',
        reason: 'Mất điện giữa chừng',
      }),
      b.played(airedPlay(thon1.id, '2026-12-03T08:05:00.003Z', ITEM_MS - 5)),
    ];
    await b.upload(fromB).expect(200);
    // Zone thon-1 has reported in full: its item has its record; the other waits for C.
    const [second] = await recordsOf(thon1.id);
    expect(second).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      attempt: 1,
      startedAt: '2026-12-03T08:05:00.003Z',
      playedMs: ITEM_MS,
      devices: { targeted: 2, aired: 2, partial: 0, missed: 0, unreported: 0 },
    });
    expect(await recordsOf(everyone.id)).toEqual([]);

    await c
      .upload([
        c.played({
          scheduleItemId: everyone.id,
          startedAt: null,
          endedAt: null,
          playedMs: 0,
          outcome: 'missed',
          reason: 'Cụm loa tắt nguồn',
        }),
      ])
      .expect(200);
    const records = await recordsOf(everyone.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      startedAt: '2026-12-03T08:00:00.012Z',
      playedMs: ITEM_MS,
      devices: { targeted: 3, aired: 1, partial: 1, missed: 1, unreported: 0 },
    });
    expect(await verify()).toEqual({ ok: true, count: 2 });

    // The receipts behind the record, each as its device signed it.
    const behind = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log/${records[0].seq}/receipts`)
      .set(bearer(operator))
      .expect(200);
    const receipts = behind.body as (Receipt & { recordSeq: number })[];
    expect(receipts.map((receipt) => receipt.deviceId).sort()).toEqual([a.id, b.id, c.id].sort());
    const keys = await publicKeys();
    for (const receipt of receipts) {
      expect(receiptProblem(receipt, keys.get(receipt.deviceId)!)).toBeNull();
      expect(receipt.recordSeq).toBe(records[0].seq);
    }
    const item1 = await app.app
      .get(DataSource)
      .manager.findOneBy(ScheduleItem, { id: everyone.id });
    expect(item1?.status).toBe('aired');
  });

  it('refuses to delete a cluster with signed receipts: its public key is what checks them', async () => {
    const stored = await storedCount(c);
    expect(stored).toBeGreaterThan(0);
    const refused = await app
      .http()
      .delete(`/api/v1/communes/${HAC_THANH}/devices/${c.id}`)
      .set(bearer(operator))
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'DEVICE_HAS_RECEIPTS',
      name: 'Cụm loa thôn 2',
      receiptCount: stored,
    });
    // Nothing was taken away: the cluster, its key and its receipts stay.
    expect((await publicKeys()).get(c.id)).toBe(rawPublicKeyBase64(c.privateKey));
    expect(await storedCount(c)).toBe(stored);
  });

  it('writes the record of an item with a silent device after the grace, then corrects it', async () => {
    const grace = app.app.get(ReceiptGrace);
    const late = await item('2026-12-03T09:00:00.000Z');
    // The service's own player leaves the commune's items to its clusters: no play job before,
    // no `missed` of its own after.
    expect(await app.app.get(PlayoutDispatcher).reconcile()).toMatchObject({ added: 0 });
    clock.set('2026-12-03T09:05:00Z');
    expect(await app.app.get(OverdueItems).settle()).toBe(0);
    await a.upload([a.played(airedPlay(late.id, '2026-12-03T09:00:00.010Z', ITEM_MS))]).expect(200);
    await b.upload([b.played(airedPlay(late.id, '2026-12-03T09:00:00.008Z', ITEM_MS))]).expect(200);
    expect(await grace.settle()).toBe(0);
    expect(await recordsOf(late.id)).toEqual([]);

    // The scheduler's tick may settle it too: both are safe, one record is written.
    clock.set(new Date(Date.parse('2026-12-03T09:01:00.000Z') + 10 * MINUTE));
    const settled = await Promise.all([grace.settle(), grace.settle()]);
    expect(settled[0] + settled[1]).toBeLessThanOrEqual(1);
    expect(await grace.settle()).toBe(0);
    expect(await recordsOf(late.id)).toHaveLength(1);
    const [first] = await recordsOf(late.id);
    expect(first).toMatchObject({
      outcome: 'aired',
      correctsSeq: null,
      startedAt: '2026-12-03T09:00:00.008Z',
      devices: { targeted: 3, aired: 2, partial: 0, missed: 0, unreported: 1 },
    });

    // C comes back online the next day: a correction with the new coverage, nothing rewritten.
    clock.set('2026-12-04T06:00:00Z');
    await c.upload([c.played(airedPlay(late.id, '2026-12-03T09:00:00.001Z', ITEM_MS))]).expect(200);
    const records = await recordsOf(late.id);
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual(first);
    expect(records[1]).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      correctsSeq: first.seq,
      startedAt: '2026-12-03T09:00:00.001Z',
      devices: { targeted: 3, aired: 3, partial: 0, missed: 0, unreported: 0 },
    });
    const behind = async (seq: number) =>
      (
        await app
          .http()
          .get(`/api/v1/communes/${HAC_THANH}/playout-log/${seq}/receipts`)
          .set(bearer(operator))
          .expect(200)
      ).body as Receipt[];
    expect(await behind(first.seq)).toHaveLength(2);
    expect(await behind(records[1].seq)).toHaveLength(3);
    expect(await verify()).toEqual({ ok: true, count: 4 });
    // The outside check recomputes the chain from the served records alone.
    expect(await runPython(VERIFIER, JSON.stringify(await log()))).toMatch(/^ok/);

    // Reports: the share of targeted clusters that aired, over the records in effect
    // (3 + 2 + 3 sent, 1 + 2 + 3 aired; the corrected record no longer counts).
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'cds-thang-12',
        name: 'Chuyển đổi số tháng 12',
        startsOn: '2026-12-01',
        endsOn: '2026-12-31',
        rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 1 }],
      })
      .expect(201);
    const report = await app
      .http()
      .get(`/api/v1/reports/compliance?campaign=cds-thang-12&province=${THANH_HOA}`)
      .set(bearer(admin))
      .expect(200);
    const communes = (report.body as { communes: { communeCode: string; coverage: unknown }[] })
      .communes;
    expect(communes.find((one) => one.communeCode === HAC_THANH)?.coverage).toEqual({
      targeted: 8,
      aired: 6,
      percent: 75,
    });
    expect(communes.find((one) => one.communeCode === HAM_RONG)?.coverage).toEqual({
      targeted: 0,
      aired: 0,
      percent: null,
    });
  });

  it('refuses forged, re-signed, gapped, forked and unsent receipts, and counts none', async () => {
    const target = await item('2026-12-04T07:00:00.000Z');
    const thon2 = await item('2026-12-04T07:10:00.000Z', ['thon-2']);
    const elsewhere = await insertScheduleItem(app, {
      communeCode: HAM_RONG,
      bulletinId,
      // Past: the other commune (no devices) records it missed by the server's own rule.
      startsAt: new Date('2026-12-04T06:00:00.000Z'),
      durationMs: ITEM_MS,
    });
    clock.set('2026-12-04T07:05:00Z');
    const before = { stored: await storedCount(a), records: (await log()).length };
    const last = a.journal[a.journal.length - 1];
    const play = airedPlay(target.id, '2026-12-04T07:00:00.002Z', ITEM_MS);
    const otherKey = generateKeyPairSync('ed25519').privateKey;
    const stored = a.journal[0];
    const cases: [string, Receipt[], string][] = [
      ['forged with another key', [a.forge(last, play, otherKey)], 'bad-signature'],
      ['an edited receipt', [{ ...a.forge(last, play), playedMs: 1 }], 'bad-signature'],
      [
        'a stored receipt replayed with other content, re-signed',
        [a.forge(null, { ...airedPlay(stored.scheduleItemId, stored.startedAt!, 1000) })],
        'fork',
      ],
      ['a gap', [a.forge({ seq: last.seq + 1, hash: last.hash }, play)], 'gap'],
      ['a fork', [a.forge({ seq: last.seq, hash: 'f'.repeat(64) }, play)], 'fork'],
      [
        'an item of another commune',
        [a.forge(last, { ...play, scheduleItemId: elsewhere.id })],
        'not-sent',
      ],
      [
        'an aired receipt without its times',
        [a.forge(last, { ...play, startedAt: null, endedAt: null })],
        'invalid',
      ],
      ['another device id', [{ ...a.forge(last, play), deviceId: b.id }], 'wrong-device'],
    ];
    for (const [what, receipts, problem] of cases) {
      const response = await a.upload(receipts);
      expect({ what, status: response.status, body: response.body }).toMatchObject({
        what,
        status: 422,
        body: { code: 'RECEIPT_REFUSED', problem, accepted: 0, seq: receipts[0].seq },
      });
      expect({ what, alert: await refusalAlert(a.id) }).toMatchObject({
        what,
        alert: { kind: 'receipt-refused', deviceId: a.id },
      });
    }
    expect(await storedCount(a)).toBe(before.stored);
    expect((await log()).length).toBe(before.records);

    // An item of the commune for another zone is kept in the box's chain, not counted: refusing
    // it would stop the chain of a box that played from a manifest older than a zones change.
    const other = b.played(airedPlay(thon2.id, '2026-12-04T07:10:00.002Z', ITEM_MS));
    const kept = await b.upload([other]).expect(200);
    expect(kept.body).toMatchObject({
      accepted: 0,
      rejected: [{ seq: other.seq, problem: 'other-zones' }],
      lastSeq: other.seq,
    });
    // The box's alert says so, as for any receipt kept but not counted.
    expect((await refusalAlert(b.id))?.message).toContain('vùng phát mà cụm loa không thuộc');
    expect(await recordsOf(thon2.id)).toEqual([]);
  });

  it('keeps the receipts before a refused one, and takes an exact copy as a duplicate', async () => {
    const next = await item('2026-12-04T08:00:00.000Z', ['thon-1']);
    clock.set('2026-12-04T08:05:00Z');
    const stored = await storedCount(a);
    const good = a.played(airedPlay(next.id, '2026-12-04T08:00:00.004Z', ITEM_MS));
    const bad = {
      ...a.forge(good, airedPlay(next.id, '2026-12-04T08:00:00.004Z', ITEM_MS)),
      signature: good.signature,
    };
    const response = await a.upload([good, bad]).expect(422);
    expect(response.body).toMatchObject({
      problem: 'bad-signature',
      accepted: 1,
      seq: good.seq + 1,
    });
    expect(await storedCount(a)).toBe(stored + 1);

    // The whole journal again (what a device does after a lost answer): nothing new, 200, and
    // the device's refusal alert clears.
    expect(await refusalAlert(a.id)).toBeDefined();
    const again = await a.upload(a.journal).expect(200);
    expect(await refusalAlert(a.id)).toBeUndefined();
    expect(again.body).toEqual({
      accepted: 0,
      duplicates: a.journal.length,
      rejected: [],
      lastSeq: good.seq,
    });
    expect(await storedCount(a)).toBe(stored + 1);
    // B's upload completes the item (zone thon-1): still one record.
    await b.upload([b.played(airedPlay(next.id, '2026-12-04T08:00:00.009Z', ITEM_MS))]).expect(200);
    await b.upload(b.journal).expect(200);
    expect(await recordsOf(next.id)).toHaveLength(1);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it("refuses a device's token on another device's receipts and a user's token", async () => {
    const response = await a.upload(a.journal, b.id);
    expect(response.status).toBe(403);
    await app
      .http()
      .post(`/api/v1/devices/${a.id}/receipts`)
      .set(bearer(operator))
      .send({ receipts: a.journal })
      .expect(401);
  });

  it('links the receipts to their record before it is written: no read sees the record without them', async () => {
    const next = await item('2026-12-05T08:00:00.000Z', ['thon-2']);
    clock.set('2026-12-05T08:02:00Z');
    // What the transaction holds the moment the record is in the log: on SQLite's one
    // connection, any request read in between (the log, then the record's receipts) sees it.
    const seen: { seq: number; receipts: number }[] = [];
    const unregister = app.app.get(AsRunLedger).onAppend(async (manager, records) => {
      for (const record of records.filter((one) => one.scheduleItemId === next.id)) {
        const receipts = await manager.countBy(DeviceReceipt, {
          scheduleItemId: next.id,
          recordSeq: record.seq,
        });
        seen.push({ seq: record.seq, receipts });
      }
    });
    try {
      await c
        .upload([c.played(airedPlay(next.id, '2026-12-05T08:00:00.006Z', ITEM_MS))])
        .expect(200);
    } finally {
      unregister();
    }
    const [record] = await recordsOf(next.id);
    expect(record).toMatchObject({ outcome: 'aired', devices: { targeted: 1, aired: 1 } });
    expect(seen).toEqual([{ seq: record.seq, receipts: 1 }]);
  });

  it('believes no receipt under a small-order key a device enrolled with before such keys were refused', async () => {
    const d = await ReceiptDevice.enrol(app, operator, HAC_THANH, 'Cụm loa thôn 9', ['thon-9']);
    const target = await item('2026-12-06T08:00:00.000Z', ['thon-9']);
    clock.set('2026-12-06T08:02:00Z');
    // The identity point as its key: R = identity, S = 0 then verifies for any message. Such a
    // key is in the device row and, since enrolments are kept, its enrolment (as migrated).
    const identity = Buffer.from(`01${'00'.repeat(31)}`, 'hex');
    const { manager } = app.app.get(DataSource);
    await manager.update(Device, { id: d.id }, { publicKey: identity.toString('base64') });
    await manager.update(
      DeviceEnrolment,
      { deviceId: d.id },
      { publicKey: identity.toString('base64') },
    );
    const forged = {
      ...d.forge(null, airedPlay(target.id, '2026-12-06T08:00:00.004Z', ITEM_MS)),
      signature: Buffer.concat([identity, Buffer.alloc(32)]).toString('base64'),
    };
    const response = await d.upload([forged]).expect(422);
    expect(response.body).toMatchObject({
      code: 'RECEIPT_REFUSED',
      problem: 'bad-signature',
      accepted: 0,
      message: expect.stringMatching(/unsafe key .*small-order point.*enrol it again/),
    });
    expect(await storedCount(d)).toBe(0);
    expect(await recordsOf(target.id)).toEqual([]);
  });
});
