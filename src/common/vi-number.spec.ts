import { decimalComma, viNumber } from './vi-number';

describe('decimalComma', () => {
  it('writes a fixed number of decimals with a comma, no grouping', () => {
    expect(decimalComma(44.25, 1)).toBe('44,3');
    expect(decimalComma(315, 1)).toBe('315,0');
    expect(decimalComma(116.3, 1)).toBe('116,3');
    expect(decimalComma(12345.6, 1)).toBe('12345,6');
    expect(decimalComma(7, 0)).toBe('7');
  });

  it('drops trailing zeros down to the minimum', () => {
    expect(decimalComma(2.04, 1, 3)).toBe('2,04');
    expect(decimalComma(2.3456, 1, 3)).toBe('2,346');
    expect(decimalComma(300, 1, 3)).toBe('300,0');
    expect(decimalComma(300, 0, 3)).toBe('300');
    expect(decimalComma(0.5, 0, 3)).toBe('0,5');
  });

  it('keeps the sign of a negative number, not of one that rounds to zero', () => {
    expect(decimalComma(-3.46, 1)).toBe('-3,5');
    expect(decimalComma(-0.04, 1)).toBe('0,0');
    expect(decimalComma(-0.0001, 1, 3)).toBe('0,0');
  });
});

describe('viNumber', () => {
  it('groups thousands with a dot and writes a decimal comma', () => {
    expect(viNumber(3600)).toBe('3.600');
    expect(viNumber(3600, 0, 1)).toBe('3.600');
    expect(viNumber(1234.56, 0, 1)).toBe('1.234,6');
    expect(viNumber(1234567.891, 1, 2)).toBe('1.234.567,89');
    expect(viNumber(999)).toBe('999');
    expect(viNumber(45.5, 0, 1)).toBe('45,5');
    expect(viNumber(300, 1)).toBe('300,0');
  });

  it('keeps the sign of a negative number, not of one that rounds to zero', () => {
    expect(viNumber(-1000)).toBe('-1.000');
    expect(viNumber(-1234.56, 1)).toBe('-1.234,6');
    expect(viNumber(-0.04, 1)).toBe('0,0');
  });

  it("writes a count as the web app's formatNumber (Intl vi-VN) shows it", () => {
    const web = new Intl.NumberFormat('vi-VN');
    for (const count of [0, 7, 999, 1000, 1573, 12345, 1_000_000, -2500]) {
      expect(viNumber(count)).toBe(web.format(count));
    }
  });
});
