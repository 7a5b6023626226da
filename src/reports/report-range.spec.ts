import { DomainError } from '../common/domain-error';
import { addDays, eachDate } from '../common/local-time';
import { baselineOf, passedPart, resolveRange, splitByMonths } from './report-range';

const CAMPAIGN = { from: '2025-10-01', to: '2025-10-31' };

describe('report ranges', () => {
  it("defaults each end to the campaign's window", () => {
    expect(resolveRange({}, CAMPAIGN)).toEqual({ ...CAMPAIGN, days: 31 });
    expect(resolveRange({ from: '2025-10-06' }, CAMPAIGN)).toEqual({
      from: '2025-10-06',
      to: '2025-10-31',
      days: 26,
    });
  });

  it('refuses dates that do not exist, a reversed range, a range too long', () => {
    const code = (query: { from?: string; to?: string }): string[] | null => {
      try {
        resolveRange(query, CAMPAIGN);
        return null;
      } catch (error) {
        if (error instanceof DomainError) return [error.code, error.message];
        throw error;
      }
    };
    expect(code({ from: '2025-02-29' })).toEqual([
      'VALIDATION_FAILED',
      'from is not a calendar date: 2025-02-29',
    ]);
    expect(code({ from: '2025-11-01' })?.[1]).toMatch(/must not be after/);
    expect(code({ from: '2024-10-30' })?.[1]).toMatch(/at most 366 days/);
    expect(code({ from: '2024-10-31' })).toBeNull();
  });

  it('takes the same number of days just before as the baseline', () => {
    expect(baselineOf({ ...CAMPAIGN, days: 31 })).toEqual({
      from: '2025-08-31',
      to: '2025-09-30',
      days: 31,
    });
  });

  it('splits a range into whole months and the days at its edges', () => {
    expect(splitByMonths({ from: '2025-01-01', to: '2025-12-31' })).toEqual({
      months: { from: '2025-01', to: '2025-12' },
      days: [],
    });
    expect(splitByMonths({ from: '2025-09-20', to: '2025-11-10' })).toEqual({
      months: { from: '2025-10', to: '2025-10' },
      days: [
        { from: '2025-09-20', to: '2025-09-30' },
        { from: '2025-11-01', to: '2025-11-10' },
      ],
    });
    expect(splitByMonths({ from: '2024-02-01', to: '2024-02-29' })).toEqual({
      months: { from: '2024-02', to: '2024-02' },
      days: [],
    });
    expect(splitByMonths({ from: '2025-12-15', to: '2026-01-31' })).toEqual({
      months: { from: '2026-01', to: '2026-01' },
      days: [{ from: '2025-12-15', to: '2025-12-31' }],
    });
    expect(splitByMonths({ from: '2025-10-02', to: '2025-10-30' })).toEqual({
      months: null,
      days: [{ from: '2025-10-02', to: '2025-10-30' }],
    });
    expect(splitByMonths({ from: '2025-10-31', to: '2025-11-01' })).toEqual({
      months: null,
      days: [{ from: '2025-10-31', to: '2025-11-01' }],
    });
  });

  it('covers every day of any range exactly once when split by months', () => {
    const starts = eachDate('2023-12-20', '2024-03-05');
    for (const from of starts) {
      for (const length of [0, 1, 10, 30, 31, 45, 70, 400]) {
        const to = addDays(from, length);
        const split = splitByMonths({ from, to });
        const covered = [
          ...split.days.flatMap((part) => eachDate(part.from, part.to)),
          ...(split.months
            ? eachDate(`${split.months.from}-01`, to).filter(
                (date) => date.slice(0, 7) <= (split.months as { to: string }).to,
              )
            : []),
        ].sort();
        expect({ from, to, covered }).toEqual({ from, to, covered: eachDate(from, to) });
      }
    }
  });
});

describe('passed days', () => {
  it('counts the days of a range before today, never today nor the future', () => {
    expect(passedPart(CAMPAIGN, '2025-10-01')).toBeNull();
    expect(passedPart(CAMPAIGN, '2025-09-15')).toBeNull();
    expect(passedPart(CAMPAIGN, '2025-10-03')).toEqual({
      from: '2025-10-01',
      to: '2025-10-02',
      days: 2,
    });
    expect(passedPart(CAMPAIGN, '2025-11-01')).toEqual({ ...CAMPAIGN, days: 31 });
    expect(passedPart(CAMPAIGN, '2026-12-03')).toEqual({ ...CAMPAIGN, days: 31 });
  });
});
