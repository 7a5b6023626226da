import { firstOverlap, Interval, IntervalIndex } from './log-checks';
import { PreparedRecord } from './record-preparer';

/** A deterministic generator, so a failure can be repeated. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function candidate(start: number, length: number, correctsSeq: number | null): PreparedRecord {
  return {
    communeCode: '14797',
    scheduleItemId: null,
    bulletinId: null,
    title: 'Bản tin',
    topics: [],
    startedAt: new Date(start),
    endedAt: new Date(start + length),
    playedMs: length,
    outcome: length === 0 ? 'missed' : 'aired',
    source: 'import',
    correctsSeq,
    reason: null,
    contentKey: `${start}-${length}`,
    canonicalTail: '',
  };
}

describe('IntervalIndex', () => {
  it('finds the same first overlap as a scan of the list, through adds and removals', () => {
    const random = generator(20251010);
    const base = Date.parse('2025-10-01T00:00:00.000Z');
    const list: Interval[] = [];
    const index = new IntervalIndex();
    let checked = 0;
    let clashes = 0;
    for (let step = 0; step < 3000; step += 1) {
      const start = base + Math.floor(random() * 3 * 24 * 3600 * 1000);
      const length =
        random() < 0.05 ? 0 : Math.floor(random() * (random() < 0.1 ? 30 : 0.3) * 3600 * 1000);
      const corrects =
        list.length > 0 && random() < 0.2
          ? (list[Math.floor(random() * list.length)].seq ?? null)
          : null;
      const record = candidate(start, length, corrects);
      const expected = firstOverlap(record, list);
      expect(index.firstOverlap(record)).toBe(expected);
      checked += 1;
      if (expected) {
        clashes += 1;
        continue;
      }
      if (corrects !== null) {
        const at = list.findIndex((interval) => interval.seq === corrects);
        list.splice(at, 1);
        index.remove(corrects);
      }
      const added = { seq: step + 1, startedAt: record.startedAt, endedAt: record.endedAt };
      list.push(added);
      index.add(added);
    }
    expect(checked).toBe(3000);
    expect(clashes).toBeGreaterThan(100);
    expect(list.length).toBeGreaterThan(100);
  });

  it('never reports records without a duration, nor touching ends', () => {
    const at = Date.parse('2025-10-01T05:00:00.000Z');
    const index = new IntervalIndex([
      { seq: 1, startedAt: new Date(at), endedAt: new Date(at + 60_000) },
      { seq: 2, startedAt: new Date(at + 120_000), endedAt: new Date(at + 120_000) },
    ]);
    expect(index.firstOverlap(candidate(at + 60_000, 60_000, null))).toBeUndefined();
    expect(index.firstOverlap(candidate(at + 30_000, 0, null))).toBeUndefined();
    expect(index.firstOverlap(candidate(at + 119_000, 2_000, null))).toBeUndefined();
    expect(index.firstOverlap(candidate(at + 59_999, 2_000, null))?.seq).toBe(1);
    expect(index.firstOverlap(candidate(at + 59_999, 2_000, 1))).toBeUndefined();
  });
});
