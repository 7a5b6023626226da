import { deadAirAlertText } from './dead-air-alert';

describe('deadAirAlertText', () => {
  const at = new Date('2025-10-01T05:31:12.000+07:00');

  it('names the station, the silence it outlasted, the item and when', () => {
    expect(deadAirAlertText('14797', 8, 'Bản tin sáng', at)).toBe(
      'Đài xã 14797 phát im lặng quá 8 giây trong "Bản tin sáng" (lúc 01/10 05:31)',
    );
  });

  it("writes when in the commune's local day and time, not as an ISO instant", () => {
    // 10:00 UTC is 17:00 in Asia/Ho_Chi_Minh; 20:30 UTC is the next local day.
    expect(deadAirAlertText('14797', 8, 'Tiếp âm', new Date('2026-12-07T10:00:00.000Z'))).toMatch(
      /\(lúc 07\/12 17:00\)$/,
    );
    expect(deadAirAlertText('14797', 8, 'Tiếp âm', new Date('2026-12-07T20:30:00.000Z'))).toMatch(
      /\(lúc 08\/12 03:30\)$/,
    );
  });

  it('groups the thousands of the seconds with a dot, as people read numbers', () => {
    expect(deadAirAlertText('14797', 1200, 'Tiếp âm VOV1', at)).toContain(
      'phát im lặng quá 1.200 giây trong "Tiếp âm VOV1"',
    );
  });
});
