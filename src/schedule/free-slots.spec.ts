import { fitRanges, freeStretches, nearestFit } from './free-slots';

const MIN = 60_000;
const window = { startsAt: 0, endsAt: 30 * MIN };
const busy = [
  { startsAt: 5 * MIN, endsAt: 10 * MIN },
  { startsAt: 20 * MIN, endsAt: 25 * MIN },
];
const GAP = 30_000;

describe('free slots', () => {
  it('cuts the busy time, widened by the gap, out of the window', () => {
    expect(freeStretches(window, busy, GAP, 0)).toEqual([
      { startsAt: 0, endsAt: 5 * MIN - GAP },
      { startsAt: 10 * MIN + GAP, endsAt: 20 * MIN - GAP },
      { startsAt: 25 * MIN + GAP, endsAt: 30 * MIN },
    ]);
  });

  it('finds the first stretch long enough, not before a given instant', () => {
    const firstFit = (durationMs: number, notBefore: number): number | null =>
      fitRanges(window, busy, durationMs, GAP, notBefore)[0]?.first ?? null;
    expect(firstFit(4 * MIN, 0)).toBe(0);
    expect(firstFit(6 * MIN, 0)).toBe(10 * MIN + GAP);
    expect(firstFit(6 * MIN, 11 * MIN)).toBe(11 * MIN);
    expect(firstFit(12 * MIN, 0)).toBeNull();
  });

  it('gives every start that holds the item: each long enough stretch, first and last start', () => {
    // 4 min: the first stretch (0–4:30) holds it from 0 to 0:30, the middle one (10:30–19:30)
    // from 10:30 to 15:30, the last (25:30–30:00) from 25:30 to 26:00.
    expect(fitRanges(window, busy, 4 * MIN, GAP, 0)).toEqual([
      { first: 0, last: 30_000 },
      { first: 10 * MIN + GAP, last: 15 * MIN + GAP },
      { first: 25 * MIN + GAP, last: 26 * MIN },
    ]);
    // Exactly as long as a stretch: one start. A busy end off the second starts on the next one.
    expect(fitRanges(window, busy, 4 * MIN + GAP, GAP, 0)[0]).toEqual({ first: 0, last: 0 });
    const offSecond = [{ startsAt: 5 * MIN, endsAt: 10 * MIN + 400 }];
    expect(fitRanges(window, offSecond, MIN, GAP, 0)[1]).toEqual({
      first: 10 * MIN + GAP + 1000,
      last: 29 * MIN,
    });
    // Not before 12:00, and nothing for a bulletin longer than every stretch.
    expect(fitRanges(window, busy, 4 * MIN, GAP, 12 * MIN)).toEqual([
      { first: 12 * MIN, last: 15 * MIN + GAP },
      { first: 25 * MIN + GAP, last: 26 * MIN },
    ]);
    expect(fitRanges(window, busy, 12 * MIN, GAP, 0)).toEqual([]);
  });

  it('proposes the fit nearest to the wanted time, earlier or later', () => {
    // Wanted 8:00 for 3 min: before (ends by 4:30 → starts 1:30) is 6.5 min away, after 10:30 is 2.5.
    expect(nearestFit(window, busy, 3 * MIN, GAP, 8 * MIN, 0)).toBe(10 * MIN + GAP);
    // Wanted 22:00 for 4 min: 25:30 (3.5 min later) is nearer than 15:30 (6.5 min earlier).
    expect(nearestFit(window, busy, 4 * MIN, GAP, 22 * MIN, 0)).toBe(25 * MIN + GAP);
    // Wanted 21:00 for 9 min: only the middle stretch holds it, ending by 19:30.
    expect(nearestFit(window, busy, 9 * MIN, GAP, 21 * MIN, 0)).toBe(10 * MIN + GAP);
    expect(nearestFit(window, busy, 20 * MIN, GAP, 0, 0)).toBeNull();
  });
});
