import { decimalComma } from './vi-number';

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
