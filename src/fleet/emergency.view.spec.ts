import type { EmergencyTarget } from './emergencies.repository';
import { Emergency } from './entities/emergency.entity';
import { emergencyReport } from './emergency.view';

const emergency: Emergency = {
  id: 'e1',
  scope: 'commune',
  provinceCode: '38',
  communeCode: '14797',
  bulletinId: 'b1',
  zones: ['thon-1'],
  createdBy: 'u1',
  createdAt: new Date('2026-12-03T07:00:00.000Z'),
  endsAt: new Date('2026-12-03T07:01:00.000Z'),
};

function target(name: string, values: Partial<EmergencyTarget>): EmergencyTarget {
  return {
    emergencyId: 'e1',
    deviceId: `id-${name}`,
    communeCode: '14797',
    deviceName: name,
    scheduleItemId: 'i1',
    commandId: `c-${name}`,
    onlineWhenSent: true,
    enrolledWhenSent: true,
    acknowledgedAt: null,
    ok: null,
    error: null,
    startedAt: null,
    deviceEnrolledAt: new Date('2026-12-01T00:00:00.000Z'),
    ...values,
  };
}

describe('emergencyReport', () => {
  const at = new Date('2026-12-03T07:00:00.200Z');
  const targets = [
    target('A', { acknowledgedAt: at, ok: true, startedAt: at }),
    target('B', { acknowledgedAt: at, ok: true }),
    target('C', {}),
    target('D', { onlineWhenSent: false }),
    target('E', { onlineWhenSent: false, acknowledgedAt: at, ok: false, error: 'expired' }),
  ];
  const names = (refs: { name: string }[]) => refs.map((ref) => ref.name);

  it('sorts the targeted devices into acknowledged, started and offline', () => {
    const report = emergencyReport(emergency, targets, new Date('2026-12-03T07:00:30Z'));
    expect(names(report.targeted)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(names(report.acknowledged)).toEqual(['A', 'B', 'E']);
    expect(report.acknowledged[2]).toMatchObject({ ok: false, error: 'expired' });
    expect(report.started).toEqual([
      { deviceId: 'id-A', name: 'A', communeCode: '14797', startedAt: at.toISOString() },
    ]);
    // Offline when sent and no answer since; an online device without answer is not offline.
    expect(names(report.offline)).toEqual(['D']);
    expect(report.notEnrolled).toEqual([]);
    expect(report.running).toBe(true);
  });

  it('tells the clusters not enrolled in time from those offline, as the record counts them', () => {
    const unenrolled = { onlineWhenSent: false, enrolledWhenSent: false };
    const report = emergencyReport(
      emergency,
      [
        target('D', { onlineWhenSent: false }),
        // Registered, never enrolled; or removed since: nothing could reach it.
        target('F', { ...unenrolled, deviceEnrolledAt: null }),
        // Enrolled during the emergency: it could have got it, and the record waits for it.
        target('G', { ...unenrolled, deviceEnrolledAt: new Date('2026-12-03T07:00:40.000Z') }),
        // Enrolled a millisecond before its end still counts; at its very end (half-open, as
        // `spanHeldDuring`) or later does not.
        target('H', { ...unenrolled, deviceEnrolledAt: new Date('2026-12-03T07:00:59.999Z') }),
        target('I', { ...unenrolled, deviceEnrolledAt: emergency.endsAt }),
        target('K', { ...unenrolled, deviceEnrolledAt: new Date('2026-12-03T07:01:00.001Z') }),
        // Enrolled during it and answered: received.
        target('J', { ...unenrolled, acknowledgedAt: at, ok: true, deviceEnrolledAt: at }),
      ],
      new Date('2026-12-03T07:02:00Z'),
    );
    expect(names(report.targeted)).toEqual(['D', 'F', 'G', 'H', 'I', 'K', 'J']);
    expect(names(report.offline)).toEqual(['D', 'G', 'H']);
    expect(names(report.notEnrolled)).toEqual(['F', 'I', 'K']);
    expect(names(report.acknowledged)).toEqual(['J']);
  });

  it('is no longer running once its items end', () => {
    expect(emergencyReport(emergency, [], emergency.endsAt).running).toBe(false);
  });
});
