import { MAX_REPORT_DAYS } from '../reports/report-range';
import { MAX_PLAN_DAYS } from '../schedule/plan.service';
import { MAX_LIST_DAYS } from '../schedule/schedule.service';
import { dateRangeProblem, daysInclusive, MAX_RANGE_DAYS } from '../../web/src/format';

describe('web app: a range of days checked before it is sent', () => {
  it('counts both ends', () => {
    expect(daysInclusive('2025-10-01', '2025-10-31')).toBe(31);
    expect(daysInclusive('2025-10-06', '2025-10-06')).toBe(1);
    expect(daysInclusive('2024-01-01', '2024-12-31')).toBe(366);
  });

  it('takes the same longest range as the API', () => {
    expect(MAX_RANGE_DAYS).toBe(MAX_REPORT_DAYS);
    expect(MAX_RANGE_DAYS).toBe(MAX_LIST_DAYS);
    expect(MAX_RANGE_DAYS).toBe(MAX_PLAN_DAYS);
  });

  it('says in Vietnamese that the start comes after the end, naming both days', () => {
    expect(dateRangeProblem('2025-10-20', '2025-10-10')).toBe(
      'Ngày bắt đầu (20/10/2025) phải trước hoặc bằng ngày kết thúc (10/10/2025)',
    );
  });

  it('lets one day, and 366 days, through', () => {
    expect(dateRangeProblem('2025-10-10', '2025-10-10')).toBeNull();
    expect(dateRangeProblem('2025-01-01', '2026-01-01')).toBeNull();
  });

  it('refuses 367 days and more, saying how many', () => {
    expect(dateRangeProblem('2025-01-01', '2026-01-02')).toBe(
      'Khoảng ngày dài tối đa 366 ngày (đang chọn 367 ngày)',
    );
    expect(dateRangeProblem('2020-01-01', '2025-12-31')).toBe(
      'Khoảng ngày dài tối đa 366 ngày (đang chọn 2.192 ngày)',
    );
  });

  it('takes a longer limit where the API has none, the order still checked', () => {
    expect(dateRangeProblem('2020-01-01', '2025-12-31', Number.POSITIVE_INFINITY)).toBeNull();
    expect(dateRangeProblem('2025-10-20', '2025-10-10', Number.POSITIVE_INFINITY)).not.toBeNull();
  });

  it('leaves an end left empty to the API (the campaign’s, today)', () => {
    expect(dateRangeProblem('2025-10-20', '')).toBeNull();
    expect(dateRangeProblem('', '2025-10-10')).toBeNull();
  });
});
