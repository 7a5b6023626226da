import { removedText, seededText } from './demo-summary';

describe('npm run demo: what it made and removed, in Vietnamese', () => {
  it('counts what it made, thousands grouped with a dot', () => {
    expect(
      seededText({
        communes: ['16066', '14797'],
        windows: 3,
        bulletins: 8,
        scheduleItems: 42,
        playoutRecords: 1240,
      }),
    ).toBe(
      'Đã tạo dữ liệu mẫu: 3 khung giờ, 8 bản tin đã duyệt, 42 mục lịch phát trong 7 ngày tới (từ hôm nay), 1.240 bản ghi nhật ký phát thanh (chiến dịch cds-2025) cho 2 xã.',
    );
  });

  it('counts what it removed, thousands grouped with a dot', () => {
    expect(
      removedText({
        windows: 3,
        bulletins: 8,
        audio: 8,
        scheduleItems: 42,
        playoutRecords: 12_480,
        keptLogs: [],
      }),
    ).toBe(
      'Đã xoá dữ liệu mẫu: 3 khung giờ, 8 bản tin, 8 tệp âm thanh, 42 mục lịch phát, 12.480 bản ghi nhật ký.',
    );
  });
});
