import {
  assertKnownZones,
  itemsShareDevice,
  itemTargetsDevice,
  normalizeItemZones,
} from './item-zones';

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

describe('itemsShareDevice', () => {
  const devices = [['thon-1'], ['thon-2'], ['thon-1', 'thon-3']];

  it('lets items of zones without a common device overlap', () => {
    expect(itemsShareDevice(['thon-1'], ['thon-2'], devices)).toBe(false);
    expect(itemsShareDevice(['thon-2'], ['thon-3'], devices)).toBe(false);
  });

  it('keeps apart items that reach one device, through any of their zones', () => {
    expect(itemsShareDevice(['thon-1'], ['thon-3'], devices)).toBe(true);
    expect(itemsShareDevice(['thon-2'], ['thon-2', 'thon-3'], devices)).toBe(true);
    expect(itemsShareDevice(null, ['thon-2'], devices)).toBe(true);
    expect(itemsShareDevice(null, null, devices)).toBe(true);
  });

  it('keeps every two items apart in a commune without devices (one server output)', () => {
    expect(itemsShareDevice(['thon-1'], ['thon-2'], [])).toBe(true);
  });
});

describe('item zones as given', () => {
  it('sorts zones without repeats; absent or null is every device', () => {
    expect(normalizeItemZones(['thon-2', 'thon-1', 'thon-2'])).toEqual(['thon-1', 'thon-2']);
    expect(normalizeItemZones(undefined)).toBeNull();
    expect(normalizeItemZones(null)).toBeNull();
  });

  it('refuses a zone no device of the commune sits in', () => {
    expect(() => assertKnownZones(['thon-1'], [['thon-1', 'thon-2']], '14797')).not.toThrow();
    expect(() => assertKnownZones(null, [], '14797')).not.toThrow();
    expect(() => assertKnownZones(['thon-1', 'thon-9'], [['thon-1']], '14797')).toThrow(
      expect.objectContaining({
        code: 'ZONE_UNKNOWN',
        details: { unknownZones: ['thon-9'], knownZones: ['thon-1'] },
      }),
    );
    expect(() => assertKnownZones(['thon-1'], [], '14797')).toThrow(/has no devices/);
  });
});
