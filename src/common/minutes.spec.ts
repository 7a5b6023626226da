import { minutesAgainst, tenthsOfMinute } from './minutes';

describe('minutes to a tenth', () => {
  it('rounds seconds to six-second tenths the way asked, from whole milliseconds', () => {
    expect(tenthsOfMinute(2658)).toBe(44.3);
    expect(tenthsOfMinute(2659)).toBe(44.3);
    expect(tenthsOfMinute(2659, 'up')).toBe(44.4);
    expect(tenthsOfMinute(2663, 'down')).toBe(44.3);
    expect(tenthsOfMinute(2663)).toBe(44.4);
    expect(tenthsOfMinute(60 - 32.166 - 27.834 + 600, 'up')).toBe(10);
    expect(tenthsOfMinute(0.4, 'up')).toBe(0.1);
    expect(tenthsOfMinute(0, 'up')).toBe(0);
  });

  it('never shows airtime short of its target as reaching it, nor airtime that reaches it below it', () => {
    expect(minutesAgainst(599.6, 600)).toEqual({ aired: 9.9, required: 10 });
    expect(minutesAgainst(600, 600)).toEqual({ aired: 10, required: 10 });
    expect(minutesAgainst(2658, 2659)).toEqual({ aired: 44.3, required: 44.4 });
    expect(minutesAgainst(2659, 2659)).toEqual({ aired: 44.4, required: 44.4 });
    expect(minutesAgainst(2700, 2659)).toEqual({ aired: 45, required: 44.4 });
    for (let requiredMs = 590_000; requiredMs <= 610_000; requiredMs += 700) {
      for (let airedMs = requiredMs - 7000; airedMs <= requiredMs + 7000; airedMs += 300) {
        const shown = minutesAgainst(airedMs / 1000, requiredMs / 1000);
        if (airedMs < requiredMs) expect(shown.aired).toBeLessThan(shown.required);
        else expect(shown.aired).toBeGreaterThanOrEqual(shown.required);
      }
    }
  });
});
