import { silentTailText } from './relay-player';

describe('silentTailText', () => {
  it('says in whole seconds how much of the relay was silence, thousands grouped with a dot', () => {
    expect(silentTailText(12_400)).toBe('12 giây tiếp âm là khoảng lặng (mọi luồng đều hỏng)');
    expect(silentTailText(3_600_000)).toBe(
      '3.600 giây tiếp âm là khoảng lặng (mọi luồng đều hỏng)',
    );
  });
});
