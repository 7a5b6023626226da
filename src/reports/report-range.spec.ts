import { DomainError } from '../common/domain-error';
import { baselineOf, resolveRange } from './report-range';

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
});
