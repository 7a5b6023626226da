import { deadAirAlertText } from './dead-air-alert';

describe('deadAirAlertText', () => {
  const at = new Date('2025-10-01T05:31:12.000+07:00');

  it('names the station, the silence it outlasted, the item and when', () => {
    expect(deadAirAlertText('14797', 8, 'Bản tin sáng', at)).toBe(
      'Đài xã 14797 phát im lặng quá 8 giây trong "Bản tin sáng" (lúc 2025-10-01T05:31:12.000+07:00)',
    );
  });

  it('groups the thousands of the seconds with a dot, as people read numbers', () => {
    expect(deadAirAlertText('14797', 1200, 'Tiếp âm VOV1', at)).toContain(
      'phát im lặng quá 1.200 giây trong "Tiếp âm VOV1"',
    );
  });
});
