import { AiredRecord, PlannedItem, reconcile, ReconcileInput } from './reconciliation';

const RANGE = { from: '2025-10-06', to: '2025-10-06' };
/** 2025-10-06 05:30 local. */
const MORNING = Date.parse('2025-10-05T22:30:00.000Z');
const MINUTE = 60_000;

function item(id: string, minute: number, extra: Partial<PlannedItem> = {}): PlannedItem {
  const startsAt = new Date(MORNING + minute * MINUTE);
  return {
    id,
    bulletinId: `b-${id}`,
    title: `Bản tin ${id}`,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 120_000),
    durationMs: 120_000,
    status: 'aired',
    cancelReason: null,
    ...extra,
  };
}

let seq = 0;
function record(itemId: string | null, offsetMs: number, extra: Partial<AiredRecord> = {}) {
  seq += 1;
  // Item `iN` is planned at minute 5 × (N − 1); a play without an item at minute 50.
  const base = itemId ? 5 * (Number(itemId.slice(1)) - 1) : 50;
  return {
    id: `r${seq}`,
    seq,
    scheduleItemId: itemId,
    bulletinId: itemId ? `b-${itemId}` : null,
    title: null,
    startedAt: new Date(MORNING + base * MINUTE + offsetMs).toISOString(),
    playedMs: 120_000,
    outcome: 'aired',
    source: 'automation',
    correctsSeq: null,
    reason: null,
    inEffect: true,
    ...extra,
  } satisfies AiredRecord;
}

function run(items: PlannedItem[], records: AiredRecord[]) {
  const input: ReconcileInput = { range: RANGE, items, records };
  return reconcile(input);
}

describe('reconcile (planned versus aired)', () => {
  it('gives each kind of discrepancy its code, with the seconds and the cause', () => {
    const items = [
      item('i1', 0),
      item('i2', 5),
      item('i3', 10),
      item('i4', 15),
      item('i5', 20, { status: 'missed' }),
      item('i6', 25, { status: 'cancelled', cancelReason: 'Khung giờ bị xóa' }),
      // Closed (its record was written), yet no record in effect names it.
      item('i7', 30, { status: 'missed' }),
      item('i8', 35),
      item('i9', 40),
      item('i10', 45, { status: 'failed' }),
    ];
    const records = [
      record('i1', 1500),
      record('i2', 7250),
      record('i3', 800, { outcome: 'partial', playedMs: 90_000, reason: 'Dừng phát theo lệnh' }),
      record('i4', -5000),
      record('i5', 0, {
        outcome: 'missed',
        playedMs: 0,
        source: 'devices',
        reason: 'Theo biên nhận của 3 cụm loa: 0 phát đủ, …, 3 chưa báo cáo',
        devices: { targeted: 3, aired: 0, partial: 0, missed: 0, unreported: 3 },
      }),
      record('i8', 0, { playedMs: 116_500 }),
      record('i10', 0, { outcome: 'failed', playedMs: 0, reason: 'Lỗi phát: ALSA' }),
      record(null, 0, { title: 'Phát ngoài lịch', bulletinId: null }),
    ];
    const result = run(items, records);
    const byItem = new Map(result.lines.map((line) => [line.scheduleItemId, line]));
    expect(byItem.get('i1')).toMatchObject({ code: 'on-time', offsetSeconds: 1.5 });
    expect(byItem.get('i2')).toMatchObject({ code: 'late', lateBySeconds: 7.25 });
    expect(byItem.get('i3')).toMatchObject({
      code: 'short',
      shortBySeconds: 30,
      airedSeconds: 90,
      cause: 'Dừng phát theo lệnh',
    });
    expect(byItem.get('i4')).toMatchObject({ code: 'early', offsetSeconds: -5 });
    expect(byItem.get('i5')).toMatchObject({
      code: 'missed',
      causeCode: 'devices-offline',
      devicesTargeted: 3,
      devicesAired: 0,
    });
    expect(byItem.get('i6')).toMatchObject({ code: 'cancelled', cause: 'Khung giờ bị xóa' });
    expect(byItem.get('i7')).toMatchObject({ code: 'missed', causeCode: 'no-record' });
    // 3.5 s short of 120 s: more than the tolerance.
    expect(byItem.get('i8')).toMatchObject({ code: 'short', shortBySeconds: 3.5 });
    expect(byItem.get('i9')).toMatchObject({ code: 'missed', causeCode: 'no-record' });
    expect(byItem.get('i10')).toMatchObject({
      code: 'missed',
      causeCode: 'play-error',
      cause: 'Lỗi phát: ALSA',
    });
    expect(byItem.get(null)).toMatchObject({ code: 'unscheduled', title: 'Phát ngoài lịch' });

    const totals = Object.fromEntries(result.totals.map((total) => [total.code, total.count]));
    expect(totals).toEqual({
      'on-time': 1,
      late: 1,
      early: 1,
      short: 2,
      missed: 4,
      cancelled: 1,
      unscheduled: 1,
      pending: 0,
    });
    expect(result.totals.find((total) => total.code === 'short')?.airedSeconds).toBe(206.5);
    expect(result.lines.map((line) => line.plannedStart ?? line.airedStart)).toEqual(
      [...result.lines.map((line) => line.plannedStart ?? line.airedStart)].sort(),
    );
  });

  it("gives a record built from receipts the clusters' cause, a live announcement's too", () => {
    const devices = { targeted: 2, aired: 0, partial: 0, missed: 1, unreported: 1 };
    const missed = { outcome: 'missed', playedMs: 0, devices } as const;
    const result = run(
      [item('i1', 0), item('i2', 5), item('i3', 10)],
      [
        record('i1', 0, { ...missed, source: 'live' }),
        record('i2', 0, { ...missed, source: 'devices' }),
        // The server's own output: no clusters, the player's word.
        record('i3', 0, { outcome: 'missed', playedMs: 0, source: 'live' }),
      ],
    );
    expect(result.lines.map((line) => [line.scheduleItemId, line.causeCode])).toEqual([
      ['i1', 'devices-missed'],
      ['i2', 'devices-missed'],
      ['i3', 'not-played'],
    ]);
  });

  it('compares the correction, not the record it replaces', () => {
    const original = record('i1', 0, { outcome: 'missed', playedMs: 0, inEffect: false });
    const correction = record('i1', 30_000, { correctsSeq: original.seq });
    const [line] = run([item('i1', 0)], [original, correction]).lines;
    expect(line).toMatchObject({
      code: 'late',
      lateBySeconds: 30,
      recordSeq: correction.seq,
      replacesSeq: original.seq,
    });
  });

  it('keeps the fullest play of an item when two records stand, naming the other', () => {
    const missed = record('i1', 0, { outcome: 'missed', playedMs: 0 });
    const manual = record('i1', 500, { source: 'operator' });
    const [line] = run([item('i1', 0)], [missed, manual]).lines;
    expect(line).toMatchObject({ code: 'on-time', recordSeq: manual.seq, otherSeqs: [missed.seq] });
  });

  it('waits for the record of an item open on the log, however long past its end', () => {
    // Past the receipts' grace, before the scheduler's tick writes the record: still to come.
    for (const status of ['planned', 'dispatched'] as const) {
      expect(run([item('i1', 0, { status })], []).lines[0]).toMatchObject({
        code: 'pending',
        causeCode: null,
        recordSeq: null,
      });
    }
    // Written, then corrected by a record that names no item: the item has none in effect.
    const [line] = run(
      [item('i1', 0, { status: 'aired' })],
      [record('i1', 0, { inEffect: false })],
    ).lines;
    expect(line).toMatchObject({ code: 'missed', causeCode: 'no-record' });
  });

  it('leaves out items and plays of other days', () => {
    const before = item('i1', -24 * 60);
    const result = run([before], [record('i1', 0), record(null, 24 * 60 * MINUTE)]);
    expect(result.lines).toEqual([]);
  });
});
