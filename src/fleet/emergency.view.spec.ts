import { EmergencyDevice } from './entities/emergency-device.entity';
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

function target(name: string, values: Partial<EmergencyDevice>): EmergencyDevice {
  return {
    emergencyId: 'e1',
    deviceId: `id-${name}`,
    communeCode: '14797',
    deviceName: name,
    scheduleItemId: 'i1',
    commandId: `c-${name}`,
    onlineWhenSent: true,
    acknowledgedAt: null,
    ok: null,
    error: null,
    startedAt: null,
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
    expect(report.running).toBe(true);
  });

  it('is no longer running once its items end', () => {
    expect(emergencyReport(emergency, [], emergency.endsAt).running).toBe(false);
  });
});
