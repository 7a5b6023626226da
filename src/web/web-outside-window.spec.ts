import { DomainError } from '../common/domain-error';
import { assertInsideWindow } from '../schedule/schedule-rules';
import { WindowSpec } from '../schedule/window-time';
import { vietnameseError } from '../../web/src/errors-vi';

const sang: WindowSpec = {
  id: 'sang',
  name: 'Sáng',
  daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
  startTime: '06:00',
  durationMinutes: 15,
  validFrom: null,
  validTo: null,
};

/** What the web app says of the refusal the server's rule throws, as the API serves it. */
function said(startsAt: string, durationMs: number): string {
  const start = new Date(startsAt);
  try {
    assertInsideWindow([sang], start, new Date(start.getTime() + durationMs));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return vietnameseError(409, error.code, error.message, { ...error.details, code: error.code });
  }
  throw new Error('not refused');
}

describe('an item refused for its window, in Vietnamese', () => {
  it('says the item would end after the window closes, and the latest start that fits', () => {
    expect(said('2025-10-06T06:14:59+07:00', 11_000)).toBe(
      'Bản tin dài 11 giây, nếu bắt đầu lúc 06:14:59 sẽ kết thúc sau giờ đóng khung Sáng (06:15). Giờ bắt đầu muộn nhất: 06:14:49',
    );
  });

  it('says the item would start before the window opens, and the earliest start', () => {
    expect(said('2025-10-06T05:59:50+07:00', 20_000)).toBe(
      'Khung Sáng mở lúc 06:00: bản tin bắt đầu lúc 05:59:50 là trước giờ mở khung. Giờ bắt đầu sớm nhất: 06:00',
    );
  });

  it('says an item longer than its window is, and names the windows of a day it misses', () => {
    expect(said('2025-10-06T06:00:00+07:00', 20 * 60_000)).toBe(
      'Bản tin dài 20 phút, dài hơn cả khung Sáng (06:00–06:15)',
    );
    expect(said('2025-10-06T12:00:00+07:00', 11_000)).toBe(
      'Thời điểm này nằm ngoài các khung giờ phát của xã; các khung giờ trong ngày: Sáng (06:00–06:15)',
    );
  });
});
