import {
  deviceIsTargetable,
  deviceMayBeTargeted,
  deviceWasTargeted,
  enrolmentCovers,
  spanHeldDuring,
  zonesReached,
} from './device-targeting';

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
  const zoneSpans = [{ zones: ['thon-1'], startedAt: at('06:00'), endedAt: null }];
  /** Enrolled at 07:00, re-keyed at 08:05, enrolled again at 08:07. */
  const enrolments = [
    { enrolledAt: at('07:00'), endedAt: at('08:05') },
    { enrolledAt: at('08:07'), endedAt: null },
  ];

  it('takes an item sent under an earlier enrolment, or a later one', () => {
    expect(deviceWasTargeted(zoneSpans, enrolments, item)).toBe(true);
    const before = { ...item, startsAt: at('07:30'), endsAt: at('07:40') };
    const after = { ...item, startsAt: at('09:00'), endsAt: at('09:10') };
    expect(deviceWasTargeted(zoneSpans, enrolments, before)).toBe(true);
    expect(deviceWasTargeted(zoneSpans, enrolments, after)).toBe(true);
    // Only the latest enrolment: the device row alone loses the earlier item.
    expect(
      deviceIsTargetable({ ...device, enrolledAt: at('08:07'), revokedAt: null }, before),
    ).toBe(false);
  });

  it('leaves out an item of the gap between two enrolments, of other zones, or before any', () => {
    const gap = { ...item, startsAt: at('08:05'), endsAt: at('08:06') };
    expect(deviceWasTargeted(zoneSpans, enrolments, gap)).toBe(false);
    expect(deviceWasTargeted(zoneSpans, enrolments, { ...item, zones: ['thon-2'] })).toBe(false);
    expect(deviceWasTargeted(zoneSpans, [], item)).toBe(false);
  });

  it('reads the zones the device had while the item ran, not its current ones', () => {
    const rezoned = [
      { zones: ['thon-1'], startedAt: at('06:00'), endedAt: at('08:30') },
      { zones: ['thon-2'], startedAt: at('08:30'), endedAt: null },
    ];
    const forThon1 = { ...item, zones: ['thon-1'] };
    expect(deviceWasTargeted(rezoned, enrolments, forThon1)).toBe(true);
    expect(deviceWasTargeted(rezoned, enrolments, { ...forThon1, startsAt: at('09:00') })).toBe(
      false,
    );
  });
});

describe('zonesReached (the zones a device had while an item ran)', () => {
  /** thon-4 from 06:00, thon-3 and thon-6 from 08:05 (while the item ran), thon-1 from 09:00. */
  const spans = [
    { zones: ['thon-4'], startedAt: at('06:00'), endedAt: at('08:05') },
    { zones: ['thon-3', 'thon-6'], startedAt: at('08:05'), endedAt: at('09:00') },
    { zones: ['thon-1'], startedAt: at('09:00'), endedAt: null },
  ];
  const forZone = (zone: string, startsAt = '08:00', endsAt = '08:10') => ({
    zones: [zone],
    startsAt: at(startsAt),
    endsAt: at(endsAt),
  });

  it('takes an item of the zones it had when the item started, after they changed', () => {
    expect(zonesReached(spans, forZone('thon-4', '07:00', '07:10'))).toBe(true);
    expect(zonesReached(spans, forZone('thon-4'))).toBe(true);
  });

  it('takes an item of the zones it was given while the item ran (the manifest sends it)', () => {
    expect(zonesReached(spans, forZone('thon-6'))).toBe(true);
    expect(zonesReached(spans, forZone('thon-1', '08:55', '09:05'))).toBe(true);
  });

  it('leaves out an item of old zones that started after they changed, or of zones never had', () => {
    expect(zonesReached(spans, forZone('thon-4', '08:05', '08:10'))).toBe(false);
    expect(zonesReached(spans, forZone('thon-4', '09:30', '09:40'))).toBe(false);
    expect(zonesReached(spans, forZone('thon-1', '08:00', '09:00'))).toBe(false);
    expect(zonesReached(spans, forZone('thon-2'))).toBe(false);
  });

  it('leaves out an item that ended before the device existed', () => {
    expect(zonesReached(spans, forZone('thon-4', '05:00', '06:00'))).toBe(false);
    expect(zonesReached(spans, { ...forZone('thon-4', '05:00', '05:10'), zones: null })).toBe(
      false,
    );
    expect(zonesReached([], { ...item, zones: null })).toBe(false);
  });
});

describe('spanHeldDuring (one rule for zone spans and enrolments)', () => {
  const span = (from: string, until: string | null) => ({
    from: at(from),
    until: until === null ? null : at(until),
  });

  it('takes a span that overlaps the item, however little', () => {
    expect(spanHeldDuring(span('07:00', null), item)).toBe(true);
    expect(spanHeldDuring(span('08:09', '08:20'), item)).toBe(true);
    expect(spanHeldDuring(span('07:00', '08:01'), item)).toBe(true);
    expect(spanHeldDuring(span('08:02', '08:03'), item)).toBe(true);
  });

  it('leaves out a span that ended as the item started, or began as it ended', () => {
    expect(spanHeldDuring(span('07:00', '08:00'), item)).toBe(false);
    expect(spanHeldDuring(span('08:10', null), item)).toBe(false);
    expect(spanHeldDuring(span('08:10', '08:20'), item)).toBe(false);
  });

  it('takes, for an item of no length, the span that holds at its instant', () => {
    const instant = { ...item, endsAt: item.startsAt };
    expect(spanHeldDuring(span('08:00', null), instant)).toBe(true);
    expect(spanHeldDuring(span('07:00', '08:00'), instant)).toBe(false);
    expect(spanHeldDuring(span('08:01', null), instant)).toBe(false);
  });
});

describe('the boundaries of zonesReached and enrolmentCovers agree', () => {
  const zones = (startedAt: string, endedAt: string | null) => [
    {
      zones: ['thon-1'],
      startedAt: at(startedAt),
      endedAt: endedAt === null ? null : at(endedAt),
    },
  ];
  const enrolment = (enrolledAt: string, endedAt: string | null) => ({
    enrolledAt: at(enrolledAt),
    endedAt: endedAt === null ? null : at(endedAt),
  });

  it('a span that ends exactly when the item starts did not hold during it', () => {
    expect(zonesReached(zones('07:00', '08:00'), item)).toBe(false);
    expect(enrolmentCovers(enrolment('07:00', '08:00'), item)).toBe(false);
  });

  it('a span that starts exactly when the item ends did not hold during it', () => {
    expect(zonesReached(zones('08:10', null), item)).toBe(false);
    expect(enrolmentCovers(enrolment('08:10', null), item)).toBe(false);
    expect(deviceIsTargetable({ ...enrolled, enrolledAt: at('08:10') }, item)).toBe(false);
    expect(deviceWasTargeted(zones('07:00', null), [enrolment('08:10', null)], item)).toBe(false);
  });

  it('a span a millisecond inside either end held', () => {
    const justIn = new Date(at('08:10').getTime() - 1);
    expect(zonesReached([{ zones: ['thon-1'], startedAt: justIn, endedAt: null }], item)).toBe(
      true,
    );
    expect(enrolmentCovers({ enrolledAt: justIn, endedAt: null }, item)).toBe(true);
  });
});
