import { localDateTime } from '../common/local-time';
import {
  containingOccurrence,
  describeWindow,
  keepsGap,
  occurrencesOn,
  touchingOccurrences,
  WindowSpec,
  windowsOverlap,
} from './window-time';

const morning: WindowSpec = {
  id: 'w-sang',
  name: 'Sáng',
  daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
  startTime: '05:30',
  durationMinutes: 30,
  validFrom: null,
  validTo: null,
};
const evening: WindowSpec = { ...morning, id: 'w-chieu', name: 'Chiều', startTime: '17:00' };

describe('window time', () => {
  it('places occurrences at local wall-clock times (UTC+7)', () => {
    const [first, second] = occurrencesOn([evening, morning], '2025-10-06');
    expect(new Date(first.startsAt).toISOString()).toBe('2025-10-05T22:30:00.000Z');
    expect(new Date(first.endsAt).toISOString()).toBe('2025-10-05T23:00:00.000Z');
    expect(second.windowId).toBe('w-chieu');
  });

  it('honours weekdays and validity dates', () => {
    const weekdays = { ...morning, daysOfWeek: [1, 2, 3, 4, 5] };
    expect(occurrencesOn([weekdays], '2025-10-11')).toHaveLength(0); // Saturday
    expect(occurrencesOn([weekdays], '2025-10-10')).toHaveLength(1); // Friday
    const october = { ...morning, validFrom: '2025-10-01', validTo: '2025-10-31' };
    expect(occurrencesOn([october], '2025-09-30')).toHaveLength(0);
    expect(occurrencesOn([october], '2025-10-31')).toHaveLength(1);
    expect(occurrencesOn([october], '2025-11-01')).toHaveLength(0);
  });

  it('finds the occurrence that holds an item, and none for one that runs past the end', () => {
    const start = localDateTime('2025-10-06', 5 * 60 + 59).getTime();
    expect(containingOccurrence([morning], start, start + 60001)?.windowId).toBeUndefined();
    expect(containingOccurrence([morning], start, start + 60000)?.windowId).toBe('w-sang');
    expect(touchingOccurrences([morning], start, start + 120000)).toHaveLength(1);
  });

  it('detects overlapping windows only when days, minutes and dates all meet', () => {
    expect(windowsOverlap(morning, { ...morning, id: 'x', startTime: '05:59' })).toBe(true);
    expect(windowsOverlap(morning, { ...morning, id: 'x', startTime: '06:00' })).toBe(false);
    expect(windowsOverlap(morning, { ...morning, id: 'x', daysOfWeek: [] })).toBe(false);
    const octoberOnly = { ...morning, validFrom: '2025-10-01', validTo: '2025-10-31' };
    const november = { ...morning, id: 'x', validFrom: '2025-11-01', validTo: null };
    expect(windowsOverlap(octoberOnly, november)).toBe(false);
    expect(windowsOverlap(morning, november)).toBe(true);
  });

  it('checks the gap on both sides', () => {
    expect(keepsGap(10000, 20000, 22000, 30000, 2000)).toBe(true);
    expect(keepsGap(10000, 20000, 21999, 30000, 2000)).toBe(false);
    expect(keepsGap(32000, 40000, 22000, 30000, 2000)).toBe(true);
    expect(keepsGap(31000, 40000, 22000, 30000, 2000)).toBe(false);
  });

  it('names a window with its times', () => {
    expect(describeWindow(morning)).toBe('Sáng (05:30–06:00)');
  });
});
