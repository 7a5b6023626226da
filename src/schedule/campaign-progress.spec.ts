import { localDateTime } from '../common/local-time';
import { assessProgress, describeSeconds, weekSegments } from './campaign-progress';

const at = (date: string, hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return localDateTime(date, h * 60 + m).getTime();
};

describe('campaign progress', () => {
  it('cuts a range into ISO weeks, partial at both ends', () => {
    expect(weekSegments('2025-10-01', '2025-10-31')).toEqual([
      { week: '2025-W40', from: '2025-10-01', to: '2025-10-05', days: 5 },
      { week: '2025-W41', from: '2025-10-06', to: '2025-10-12', days: 7 },
      { week: '2025-W42', from: '2025-10-13', to: '2025-10-19', days: 7 },
      { week: '2025-W43', from: '2025-10-20', to: '2025-10-26', days: 7 },
      { week: '2025-W44', from: '2025-10-27', to: '2025-10-31', days: 5 },
    ]);
    expect(weekSegments('2025-12-29', '2026-01-04')).toEqual([
      { week: '2026-W01', from: '2025-12-29', to: '2026-01-04', days: 7 },
    ]);
  });

  it('measures rules pro rata and days against the minimum, and says what is missing', () => {
    const targets = {
      rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 600, minPlaysPerWeek: 7 }],
      minDailySeconds: 60,
    };
    const progress = assessProgress(targets, '2025-10-10', '2025-10-12', [
      { startsAt: at('2025-10-10', '05:30'), durationMs: 45000, topics: ['kinh-te-so'] },
      { startsAt: at('2025-10-11', '05:30'), durationMs: 60000, topics: ['kinh-te-so', 'x'] },
      { startsAt: at('2025-10-11', '17:00'), durationMs: 30000, topics: ['x'] },
      { startsAt: at('2025-10-13', '05:30'), durationMs: 99000, topics: ['kinh-te-so'] },
    ]);
    // 3 days of a 7-day week: ceil(600 × 3 / 7) = 258 s, ceil(7 × 3 / 7) = 3 plays.
    expect(progress.weeks).toEqual([
      {
        week: '2025-W41',
        from: '2025-10-10',
        to: '2025-10-12',
        days: 3,
        topics: [
          {
            topic: 'kinh-te-so',
            requiredSeconds: 258,
            scheduledSeconds: 105,
            missingSeconds: 153,
            requiredPlays: 3,
            scheduledPlays: 2,
            missingPlays: 1,
            met: false,
          },
        ],
      },
    ]);
    expect(progress.days.map((day) => [day.date, day.scheduledSeconds, day.met])).toEqual([
      ['2025-10-10', 45, false],
      ['2025-10-11', 60, true],
      ['2025-10-12', 0, false],
    ]);
    expect(progress.met).toBe(false);
    expect(progress.gaps[0]).toBe(
      'The log is 2 min 33 s and 1 play short on kinh-te-so in week 2025-W41 (2025-10-10 – 2025-10-12)',
    );
    expect(progress.gaps).toContain(
      'The log is 1 min short of the 1 min of campaign airtime required on 2025-10-12',
    );
  });

  it('writes durations for people', () => {
    expect(describeSeconds(360)).toBe('6 min');
    expect(describeSeconds(3725)).toBe('1 h 2 min 5 s');
    expect(describeSeconds(0.2)).toBe('1 s');
  });
});
