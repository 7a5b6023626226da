import { datelineText, minutesText, percentText } from './official-format';

describe('official report formats', () => {
  it('writes minutes with one decimal and a comma', () => {
    expect(minutesText(2658)).toBe('44,3 phút');
    expect(minutesText(300)).toBe('5,0 phút');
    expect(minutesText(0)).toBe('0,0 phút');
    expect(minutesText(2657.9)).toBe('44,3 phút');
  });

  it('writes a change in percent with its sign, or a dash without a baseline', () => {
    expect(percentText(12.5)).toBe('+12,5%');
    expect(percentText(-3)).toBe('-3,0%');
    expect(percentText(0)).toBe('0,0%');
    expect(percentText(null)).toBe('—');
  });

  it('puts a 0 before days under 10 and months 1 and 2 only (NĐ 30)', () => {
    expect(datelineText('Thanh Hóa', '2026-01-05')).toBe('Thanh Hóa, ngày 05 tháng 01 năm 2026');
    expect(datelineText('Thanh Hóa', '2025-11-10')).toBe('Thanh Hóa, ngày 10 tháng 11 năm 2025');
    expect(datelineText('Thanh Hóa', '2025-03-09')).toBe('Thanh Hóa, ngày 09 tháng 3 năm 2025');
  });
});
