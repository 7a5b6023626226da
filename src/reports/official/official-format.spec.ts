import {
  airedMinutesNumber,
  datelineText,
  minutesNumber,
  minutesText,
  percentText,
  rangeTargetText,
  shareText,
  targetMinutesText,
  targetPlaysText,
} from './official-format';

describe('official report formats', () => {
  it('writes minutes with one decimal and a comma', () => {
    expect(minutesText(2658)).toBe('44,3 phút');
    expect(minutesText(300)).toBe('5,0 phút');
    expect(minutesText(0)).toBe('0,0 phút');
    expect(minutesText(2657.9)).toBe('44,3 phút');
  });

  it('groups the thousands of minutes with a dot, as prose people read does (a PDF is not Excel)', () => {
    expect(minutesText(65_130)).toBe('1.085,5 phút');
    expect(minutesNumber(65_130)).toBe('1.085,5');
    expect(minutesNumber(59_994)).toBe('999,9');
    expect(minutesNumber(60_000)).toBe('1.000,0');
    expect(minutesNumber(7_500_000)).toBe('125.000,0');
  });

  it('writes a target rounded up, and aired minutes short of it never as reaching it', () => {
    expect(targetMinutesText(2659)).toBe('44,4 phút');
    expect(rangeTargetText(2659, 31)).toBe('44,4 phút, 31 lượt');
    expect(minutesText(2659, 'up')).toBe('44,4 phút');
    expect(minutesText(2659)).toBe('44,3 phút');
    expect(airedMinutesNumber(2658, 2659)).toBe('44,3');
    expect(airedMinutesNumber(2660, 2659)).toBe('44,4');
    expect(airedMinutesNumber(599.7, 600)).toBe('9,9');
    expect(airedMinutesNumber(600, 600)).toBe('10,0');
    expect(airedMinutesNumber(65_130, 0)).toBe('1.085,5');
  });

  it('writes a target a rule does not set as "—", never as a target of zero', () => {
    expect(targetMinutesText(600)).toBe('10,0 phút');
    expect(targetMinutesText(0)).toBe('—');
    expect(targetPlaysText(7)).toBe('7');
    expect(targetPlaysText(0)).toBe('—');
    expect(rangeTargetText(2658, 31)).toBe('44,3 phút, 31 lượt');
    expect(rangeTargetText(2658, 0)).toBe('44,3 phút');
    expect(rangeTargetText(0, 31)).toBe('31 lượt');
  });

  it('writes a change in percent with its sign, or a dash without a baseline', () => {
    expect(percentText(12.5)).toBe('+12,5%');
    expect(percentText(-3)).toBe('-3,0%');
    expect(percentText(0)).toBe('0,0%');
    expect(percentText(null)).toBe('—');
    expect(percentText(108_400)).toBe('+108.400,0%');
    expect(percentText(-1234.56)).toBe('-1.234,6%');
  });

  it('writes a share in percent, or a dash when there is nothing to share', () => {
    expect(shareText(50)).toBe('50,0%');
    expect(shareText(66.666)).toBe('66,7%');
    expect(shareText(null)).toBe('—');
  });

  it('puts a 0 before days under 10 and months 1 and 2 only (NĐ 30)', () => {
    expect(datelineText('Thanh Hóa', '2026-01-05')).toBe('Thanh Hóa, ngày 05 tháng 01 năm 2026');
    expect(datelineText('Thanh Hóa', '2025-11-10')).toBe('Thanh Hóa, ngày 10 tháng 11 năm 2025');
    expect(datelineText('Thanh Hóa', '2025-03-09')).toBe('Thanh Hóa, ngày 09 tháng 3 năm 2025');
  });
});
