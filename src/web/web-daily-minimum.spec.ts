import { dailyMinimum, dailyMinimumSummary, dayMinimumText } from '../../web/src/daily-minimum';
import type { DayProgress } from '../../web/src/types';

const day = (date: string, scheduledSeconds: number, requiredSeconds = 300): DayProgress => ({
  date,
  requiredSeconds,
  scheduledSeconds,
  missingSeconds: Math.max(0, requiredSeconds - scheduledSeconds),
  met: scheduledSeconds >= requiredSeconds,
});

describe('Tiến độ tuần: the daily minimum', () => {
  // Monday 07/12/2026 is today; the tester's day was 2 min 28 s short.
  const week = [
    day('2026-12-05', 120),
    day('2026-12-06', 300),
    day('2026-12-07', 152.4),
    day('2026-12-08', 300),
  ];

  it('tells the days still to fill from the days past, and is met only with none short', () => {
    const minimum = dailyMinimum(week, 300, '2026-12-07')!;
    expect(minimum.met).toBe(false);
    expect(minimum.open.map((row) => row.date)).toEqual(['2026-12-07']);
    expect(minimum.missed.map((row) => row.date)).toEqual(['2026-12-05']);
    expect(dailyMinimumSummary(minimum)).toBe(
      'Chưa đủ mức tối thiểu 5 phút tuyên truyền chiến dịch mỗi ngày: 1 ngày còn thiếu (07/12); 1 ngày đã qua không đạt (05/12).',
    );
    const met = dailyMinimum([week[1], week[3]], 300, '2026-12-07')!;
    expect(met.met).toBe(true);
    expect(dailyMinimumSummary(met)).toBe(
      '✓ Đủ mức tối thiểu 5 phút tuyên truyền chiến dịch mỗi ngày trong cả tuần.',
    );
  });

  it('says each day what it has and what it lacks', () => {
    expect(dayMinimumText(week[2], '2026-12-07')).toBe(
      'T2 07/12: có 2 phút 32 giây; còn thiếu 2 phút 28 giây',
    );
    expect(dayMinimumText(week[0], '2026-12-07')).toBe(
      'T7 05/12: có 2 phút; thiếu 3 phút (ngày đã qua)',
    );
    expect(dayMinimumText(week[1], '2026-12-07')).toBe('CN 06/12: có 5 phút ✓');
  });

  it('rounds what a day lacks up and what it has down while short: 0,4 s is not "0 giây"', () => {
    // It read "có 5 phút; còn thiếu 0 giây": the day looked met and was not.
    expect(dayMinimumText(day('2026-12-08', 299.6), '2026-12-07')).toBe(
      'T3 08/12: có 4 phút 59 giây; còn thiếu 1 giây',
    );
    expect(dayMinimumText(day('2026-12-06', 299.999), '2026-12-07')).toBe(
      'CN 06/12: có 4 phút 59 giây; thiếu 1 giây (ngày đã qua)',
    );
    expect(dayMinimumText(day('2026-12-08', 300.6), '2026-12-07')).toBe(
      'T3 08/12: có 5 phút 1 giây ✓',
    );
  });

  it('has nothing to say when the campaign asks for no daily minimum', () => {
    expect(dailyMinimum(week, 0, '2026-12-07')).toBeNull();
  });
});
