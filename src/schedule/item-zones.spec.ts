import { itemTargetsDevice } from './item-zones';

describe('itemTargetsDevice', () => {
  it('sends an item without zones to every device, zoned or not', () => {
    expect(itemTargetsDevice(null, [])).toBe(true);
    expect(itemTargetsDevice(null, ['thon-1'])).toBe(true);
  });

  it('sends a zoned item to the devices of its zones only', () => {
    expect(itemTargetsDevice(['thon-1'], ['thon-1', 'thon-2'])).toBe(true);
    expect(itemTargetsDevice(['thon-1', 'tdp-bac-son'], ['tdp-bac-son'])).toBe(true);
    expect(itemTargetsDevice(['thon-1'], ['thon-2'])).toBe(false);
    expect(itemTargetsDevice(['thon-1'], [])).toBe(false);
  });
});
