import { firstOpenTime, formatFreeStarts } from '../../web/src/format';
import type { BroadcastWindow } from '../../web/src/types';

const window = (startTime: string, daysOfWeek = [1, 2, 3, 4, 5, 6, 7]): BroadcastWindow =>
  ({
    id: startTime,
    name: startTime,
    startTime,
    durationMinutes: 30,
    daysOfWeek,
    validFrom: null,
    validTo: null,
  }) as unknown as BroadcastWindow;

const at = (local: string): number => Date.parse(`${local}+07:00`);

describe('the program log: where a new item first fits', () => {
  const windows = [window('17:00'), window('05:30')];

  it("is the next window's start that day, or within a window under way, two minutes on", () => {
    // Monday 07/12/2026.
    expect(firstOpenTime(windows, '2026-12-07', at('2026-12-07T04:00:00'))).toEqual({
      date: '2026-12-07',
      time: '05:30',
    });
    // Two minutes ahead at least: an operator who takes a minute over the dialog is still ahead.
    expect(firstOpenTime(windows, '2026-12-07', at('2026-12-07T05:40:30'))).toEqual({
      date: '2026-12-07',
      time: '05:43',
    });
    expect(firstOpenTime(windows, '2026-12-07', at('2026-12-07T05:40:00'))).toEqual({
      date: '2026-12-07',
      time: '05:42',
    });
    expect(firstOpenTime(windows, '2026-12-07', at('2026-12-07T06:10:00'))).toEqual({
      date: '2026-12-07',
      time: '17:00',
    });
    // Too late for the evening's last minute: the next morning.
    expect(firstOpenTime(windows, '2026-12-07', at('2026-12-07T17:29:00'))).toEqual({
      date: '2026-12-08',
      time: '05:30',
    });
  });

  it('takes a later day as it is, and skips the days a window does not play', () => {
    expect(firstOpenTime(windows, '2026-12-09', at('2026-12-07T20:00:00'))).toEqual({
      date: '2026-12-09',
      time: '05:30',
    });
    // Saturdays only (6): from Monday, the Saturday.
    expect(firstOpenTime([window('07:00', [6])], '2026-12-07', at('2026-12-07T08:00:00'))).toEqual({
      date: '2026-12-12',
      time: '07:00',
    });
    expect(firstOpenTime([], '2026-12-07', at('2026-12-07T08:00:00'))).toBeNull();
  });
});

describe('the move dialog: the free starts of a window', () => {
  const range = (from: string, to: string) => ({
    from: `2025-10-06T${from}+07:00`,
    to: `2025-10-06T${to}+07:00`,
  });

  it('reads to the minute when every start is on one, to the second when one is not', () => {
    expect(formatFreeStarts([range('17:00:00', '17:29:00')])).toBe('17:00–17:29');
    expect(formatFreeStarts([range('17:03:10', '17:09:47'), range('17:10:13', '17:29:49')])).toBe(
      '17:03:10–17:09:47, 17:10:13–17:29:49',
    );
  });

  it('names a range of one start by that start alone', () => {
    expect(formatFreeStarts([range('17:00:00', '17:00:00'), range('17:10:00', '17:29:30')])).toBe(
      '17:00:00, 17:10:00–17:29:30',
    );
  });
});
