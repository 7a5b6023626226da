import { deviceIsTargetable, deviceMayBeTargeted } from './device-targeting';

const at = (time: string) => new Date(`2026-12-03T${time}:00.000Z`);
const item = { zones: null, startsAt: at('08:00'), endsAt: at('08:10') };
const enrolled = { zones: ['thon-1'], enrolledAt: at('07:00'), revokedAt: null };

describe('deviceIsTargetable', () => {
  it('takes an enrolled device of the zones', () => {
    expect(deviceIsTargetable(enrolled, item)).toBe(true);
    expect(deviceIsTargetable(enrolled, { ...item, zones: ['thon-2'] })).toBe(false);
  });

  it('leaves out a device never enrolled, or enrolled after the item ended', () => {
    expect(deviceIsTargetable({ ...enrolled, enrolledAt: null }, item)).toBe(false);
    expect(deviceIsTargetable({ ...enrolled, enrolledAt: at('08:05') }, item)).toBe(true);
    expect(deviceIsTargetable({ ...enrolled, enrolledAt: at('08:11') }, item)).toBe(false);
  });

  it('leaves out a device revoked before the item started, not one revoked while it played', () => {
    expect(deviceIsTargetable({ ...enrolled, revokedAt: at('07:30') }, item)).toBe(false);
    expect(deviceIsTargetable({ ...enrolled, revokedAt: at('08:00') }, item)).toBe(false);
    expect(deviceIsTargetable({ ...enrolled, revokedAt: at('08:05') }, item)).toBe(true);
  });
});

describe('deviceMayBeTargeted (an item starting now)', () => {
  it('keeps a device not enrolled yet, not a revoked one', () => {
    expect(deviceMayBeTargeted({ ...enrolled, enrolledAt: null }, item)).toBe(true);
    expect(deviceMayBeTargeted(enrolled, item)).toBe(true);
    expect(deviceMayBeTargeted({ ...enrolled, revokedAt: at('07:30') }, item)).toBe(false);
    expect(
      deviceMayBeTargeted(
        { ...enrolled, enrolledAt: null, zones: ['thon-2'] },
        { ...item, zones: ['thon-1'] },
      ),
    ).toBe(false);
  });
});
