import { checkDateRange, rangeInstants, resolveDateRange } from './date-range';

describe('date ranges', () => {
  it('defaults around today or the one date given', () => {
    expect(resolveDateRange({}, '2025-10-05', 7, 366)).toEqual({
      from: '2025-10-05',
      to: '2025-10-11',
    });
    expect(resolveDateRange({ from: '2025-10-06' }, '2025-10-05', 7, 366)).toEqual({
      from: '2025-10-06',
      to: '2025-10-12',
    });
    expect(resolveDateRange({ to: '2025-10-06' }, '2025-10-05', 7, 366)).toEqual({
      from: '2025-09-30',
      to: '2025-10-06',
    });
  });

  it('refuses impossible dates, reversed ranges and ranges that are too long', () => {
    expect(() => resolveDateRange({ from: '2025-13-01' }, '2025-10-05', 7, 366)).toThrow(
      /calendar date/,
    );
    expect(() => checkDateRange({ from: '2025-10-06', to: '2025-10-05' }, 366)).toThrow(/before/);
    expect(() => checkDateRange({ from: '2025-01-01', to: '2026-01-02' }, 366)).toThrow(/366 days/);
  });

  it('turns local days into instants at local midnight', () => {
    const { start, end } = rangeInstants({ from: '2025-10-06', to: '2025-10-06' });
    expect(start.toISOString()).toBe('2025-10-05T17:00:00.000Z');
    expect(end.toISOString()).toBe('2025-10-06T17:00:00.000Z');
  });
});
