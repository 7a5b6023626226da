import ical, { ICalEventStatus } from 'ical-generator';
import { eventDescription, VietnamTime, withVietnamTimezone } from './calendar-format';

describe('calendar format', () => {
  it('writes Vietnam wall-clock times under TZID, DTSTAMP in UTC, and the VTIMEZONE', () => {
    const calendar = ical({ name: 'Lịch phát sóng' });
    calendar.createEvent({
      id: 'item-1@loa-xa',
      start: new VietnamTime(new Date('2025-10-05T22:30:00.000Z')),
      end: new VietnamTime(new Date('2025-10-05T22:30:41.500Z')),
      timezone: 'Asia/Ho_Chi_Minh',
      stamp: new Date('2025-10-01T01:02:03.000Z'),
      summary: 'Chính quyền số',
      status: ICalEventStatus.CONFIRMED,
    });
    const text = withVietnamTimezone(calendar.toString());
    expect(text).toContain('DTSTART;TZID=Asia/Ho_Chi_Minh:20251006T053000\r\n');
    expect(text).toContain('DTEND;TZID=Asia/Ho_Chi_Minh:20251006T053041\r\n');
    expect(text).toContain('DTSTAMP:20251001T010203Z\r\n');
    expect(text.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(text.indexOf('BEGIN:VEVENT'));
    expect(text).toContain('TZOFFSETTO:+0700');
  });

  it('leaves a calendar without events alone', () => {
    const text = ical({ name: 'x' }).toString();
    expect(withVietnamTimezone(text)).toBe(text);
  });

  it('formats in UTC when asked, and refuses other zones', () => {
    const time = new VietnamTime(new Date('2025-10-05T22:30:00.000Z'));
    expect(time.setZone('utc').toFormat('HHmmss')).toBe('223000');
    expect(time.toFormat('yyyyLLdd')).toBe('20251006');
    expect(() => time.setZone('Europe/Berlin')).toThrow(/only knows/);
  });

  it("describes an event's topics, length, status and cancellation, one line each", () => {
    expect(
      eventDescription('Chính quyền số, Kinh tế số', {
        durationMs: 41_500,
        status: 'cancelled',
        cancelReason: 'Trùng lịch họp dân',
      }),
    ).toBe(
      'Chủ đề: Chính quyền số, Kinh tế số\nThời lượng: 42 giây\nTrạng thái: Đã huỷ\nLý do huỷ: Trùng lịch họp dân',
    );
    expect(
      eventDescription('', { durationMs: 40_000, status: 'planned', cancelReason: null }),
    ).toBe('Chủ đề: không có\nThời lượng: 40 giây\nTrạng thái: Đã lên lịch');
  });

  it("groups the thousands of a long item's seconds with a dot, as people read numbers", () => {
    const relay = { durationMs: 3_600_000, status: 'aired' as const, cancelReason: null };
    expect(eventDescription('Tiếp âm', relay)).toContain('Thời lượng: 3.600 giây');
  });
});
