import { deviceIsTargetable, deviceMayBeTargeted, deviceWasTargeted } from './device-targeting';

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

describe('deviceWasTargeted (under any of its enrolments)', () => {
  const device = { zones: ['thon-1'] };
  /** Enrolled at 07:00, re-keyed at 08:05, enrolled again at 08:07. */
  const enrolments = [
    { enrolledAt: at('07:00'), endedAt: at('08:05') },
    { enrolledAt: at('08:07'), endedAt: null },
  ];

  it('takes an item sent under an earlier enrolment, or a later one', () => {
    expect(deviceWasTargeted(device, enrolments, item)).toBe(true);
    const before = { ...item, startsAt: at('07:30'), endsAt: at('07:40') };
    const after = { ...item, startsAt: at('09:00'), endsAt: at('09:10') };
    expect(deviceWasTargeted(device, enrolments, before)).toBe(true);
    expect(deviceWasTargeted(device, enrolments, after)).toBe(true);
    // Only the latest enrolment: the device row alone loses the earlier item.
    expect(
      deviceIsTargetable({ ...device, enrolledAt: at('08:07'), revokedAt: null }, before),
    ).toBe(false);
  });

  it('leaves out an item of the gap between two enrolments, of other zones, or before any', () => {
    const gap = { ...item, startsAt: at('08:05'), endsAt: at('08:06') };
    expect(deviceWasTargeted(device, enrolments, gap)).toBe(false);
    expect(deviceWasTargeted(device, enrolments, { ...item, zones: ['thon-2'] })).toBe(false);
    expect(deviceWasTargeted(device, [], item)).toBe(false);
  });
});
