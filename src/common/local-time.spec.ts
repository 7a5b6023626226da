import {
  addDays,
  daysInclusive,
  eachDate,
  formatLocalInstant,
  isIsoInstant,
  isLocalDate,
  isoDayOfWeek,
  isoWeek,
  localDateOf,
  localDateTime,
  localMidnight,
  localMsOfDay,
  parseLocalTime,
  utcIso,
} from './local-time';

describe('local time (Asia/Ho_Chi_Minh, UTC+7)', () => {
  it('recognizes real calendar dates only', () => {
    expect(isLocalDate('2025-10-01')).toBe(true);
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2025-02-29')).toBe(false);
    expect(isLocalDate('2025-13-01')).toBe(false);
    expect(isLocalDate('01/10/2025')).toBe(false);
    expect(isLocalDate('2000-02-29')).toBe(true);
    expect(isLocalDate('1900-02-29')).toBe(false);
    expect(isLocalDate('2025-04-31')).toBe(false);
    expect(isLocalDate('2025-12-31')).toBe(true);
    expect(isLocalDate('2025-00-10')).toBe(false);
    expect(isLocalDate('2025-10-00')).toBe(false);
    expect(isLocalDate('0099-01-01')).toBe(false);
  });

  it('recognizes ISO 8601 instants with an offset on real calendar days only', () => {
    expect(isIsoInstant('2025-10-01T05:30:00.000+07:00')).toBe(true);
    expect(isIsoInstant('2024-02-29T23:59:59Z')).toBe(true);
    expect(isIsoInstant('2025-10-01T05:30Z')).toBe(true);
    // Date.parse reads these as 2 March and 1 December: refused.
    expect(isIsoInstant('2026-02-30T05:00:00Z')).toBe(false);
    expect(isIsoInstant('2025-11-31T05:00:00+07:00')).toBe(false);
    expect(isIsoInstant('2025-02-29T05:00:00Z')).toBe(false);
    expect(isIsoInstant('2025-10-01T24:00:00Z')).toBe(false);
    expect(isIsoInstant('2025-10-01T05:30:00')).toBe(false);
    expect(isIsoInstant('2025-10-01 05:30:00Z')).toBe(false);
    expect(isIsoInstant('2025-10-01')).toBe(false);
    expect(isIsoInstant(1759271400000)).toBe(false);
  });

  it('parses HH:mm', () => {
    expect(parseLocalTime('05:30')).toBe(330);
    expect(parseLocalTime('23:59')).toBe(1439);
    expect(parseLocalTime('24:00')).toBeNull();
    expect(parseLocalTime('5:30')).toBeNull();
  });

  it('places local midnight seven hours before UTC midnight', () => {
    expect(localMidnight('2025-10-01').toISOString()).toBe('2025-09-30T17:00:00.000Z');
    expect(localDateTime('2025-10-01', 330).toISOString()).toBe('2025-09-30T22:30:00.000Z');
  });

  it('finds the local date and time of day of an instant', () => {
    expect(localDateOf(new Date('2025-09-30T17:00:00.000Z'))).toBe('2025-10-01');
    expect(localDateOf(new Date('2025-09-30T16:59:59.999Z'))).toBe('2025-09-30');
    expect(localMsOfDay(new Date('2025-09-30T22:30:00.000Z'))).toBe(330 * 60000);
  });

  it('counts days inclusively', () => {
    expect(daysInclusive('2025-10-01', '2025-10-31')).toBe(31);
    expect(eachDate('2025-12-30', '2026-01-02')).toEqual([
      '2025-12-30',
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
    ]);
    expect(addDays('2025-10-01', -1)).toBe('2025-09-30');
  });

  it('numbers ISO weeks and weekdays', () => {
    expect(isoDayOfWeek('2025-10-01')).toBe(3);
    expect(isoDayOfWeek('2025-10-05')).toBe(7);
    expect(isoWeek('2025-10-06')).toEqual({ year: 2025, week: 41 });
    expect(isoWeek('2025-12-29')).toEqual({ year: 2026, week: 1 });
    expect(isoWeek('2027-01-01')).toEqual({ year: 2026, week: 53 });
  });

  it('serves instants with the +07:00 offset', () => {
    expect(formatLocalInstant(new Date('2025-09-30T22:30:00.000Z'))).toBe(
      '2025-10-01T05:30:00.000+07:00',
    );
  });

  it('writes an instant exactly as toISOString does, and refuses what it refuses', () => {
    const edges = [
      0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999,
      4_107_542_400_000, 4_107_628_799_999, 1_759_296_600_000, 253_402_300_799_999,
      253_402_300_800_000, -1, -86_400_001, -62_198_755_200_000, 8.64e15, -8.64e15, 1.5, -0.5,
    ];
    // Every day of 1970–2100 at a moving time of day, and a spread over the rest.
    const spread = Array.from(
      { length: 48_000 },
      (_, day) => day * 86_400_000 + ((day * 7_919_017) % 86_400_000),
    );
    const years = Array.from({ length: 20_000 }, (_, index) => index * 12_670_115_213 + 3_599_999);
    const wrong = [...edges, ...spread, ...years].filter(
      (ms) => utcIso(ms) !== new Date(ms).toISOString(),
    );
    expect(wrong).toEqual([]);
    for (const ms of [Number.NaN, Infinity, 8.64e15 + 1]) {
      expect(() => utcIso(ms)).toThrow(RangeError);
    }
  });
});
