import {
  clusterLabel,
  DeviceFacts,
  deviceAlertConditions,
  statusAlertsQuiet,
} from './device-alerts';

const MORNING = {
  id: 'w-sang',
  name: 'Sáng',
  daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
  startTime: '05:30',
  durationMinutes: 30,
  validFrom: null,
  validTo: null,
};
/** 05:30 local on 2026-12-03. */
const WINDOW_OPENS = Date.parse('2026-12-02T22:30:00Z');
const GRACE = 60_000;
/** Long enough that the fixture's last status (an hour before the window) has not aged out. */
const NO_SILENCE = 86_400_000;
const SILENT_AFTER = 90_000;

function device(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    name: 'Thôn 1',
    state: 'online',
    lastSeenAt: new Date(WINDOW_OPENS - 3_600_000),
    apiTokenHash: 'a'.repeat(64),
    enrolledAt: new Date(WINDOW_OPENS - 86_400_000),
    clockSkewMs: 0,
    cachedUntil: new Date(WINDOW_OPENS + 3 * 86_400_000),
    ...overrides,
  };
}

function at(ms: number, facts: DeviceFacts, silentAfterMs = NO_SILENCE) {
  return deviceAlertConditions(facts, {
    windows: [MORNING],
    now: new Date(ms),
    silentAfterMs,
    offlineGraceMs: GRACE,
  });
}

describe('deviceAlertConditions', () => {
  it('holds none for a healthy online device', () => {
    expect([...at(WINDOW_OPENS + 600_000, device()).keys()]).toEqual([]);
  });

  it('holds none for a device without credentials, whatever its status', () => {
    const revoked = device({ apiTokenHash: null, state: 'offline', clockSkewMs: 9000 });
    expect(at(WINDOW_OPENS + 600_000, revoked).size).toBe(0);
  });

  it('says offline only inside an open window, after the grace', () => {
    const offline = device({ state: 'offline' });
    expect(at(WINDOW_OPENS - 60_000, offline).has('device-offline')).toBe(false);
    expect(at(WINDOW_OPENS + GRACE - 1, offline).has('device-offline')).toBe(false);
    expect(at(WINDOW_OPENS + GRACE, offline).get('device-offline')).toBe(
      'Cụm loa Thôn 1 mất kết nối trong khung giờ phát Sáng (05:30–06:00)',
    );
    expect(at(WINDOW_OPENS + 30 * 60_000, offline).has('device-offline')).toBe(false);
  });

  it('counts the grace from the last status heard inside the window', () => {
    const heard = device({ state: 'offline', lastSeenAt: new Date(WINDOW_OPENS + 300_000) });
    expect(at(WINDOW_OPENS + 300_000 + GRACE - 1, heard).has('device-offline')).toBe(false);
    expect(at(WINDOW_OPENS + 300_000 + GRACE, heard).has('device-offline')).toBe(true);
  });

  it('says offline for a device silent too long (a clean DISCONNECT leaves no Last Will)', () => {
    const heard = WINDOW_OPENS + 300_000;
    const silent = device({ lastSeenAt: new Date(heard), cachedUntil: null });
    expect([...at(heard + SILENT_AFTER, silent, SILENT_AFTER).keys()]).toEqual([
      'cache-incomplete',
    ]);
    // Offline from then on: no cache alert for it, the offline one once the grace is over too.
    expect([...at(heard + SILENT_AFTER + 1, silent, SILENT_AFTER).keys()]).toEqual([
      'device-offline',
    ]);
    expect(at(heard + SILENT_AFTER + 1, silent).has('device-offline')).toBe(false);
  });

  it('says offline for an enrolled device never seen, counted from its enrolment', () => {
    const never = device({ state: null, lastSeenAt: null, cachedUntil: null });
    const conditions = at(WINDOW_OPENS + GRACE, never);
    expect([...conditions.keys()]).toEqual(['device-offline']);
  });

  it('says a cache short of 24 h for an online device, null included', () => {
    const now = WINDOW_OPENS + 600_000;
    const short = device({ cachedUntil: new Date(now + 23 * 3_600_000) });
    expect(at(now, short).get('cache-incomplete')).toBe(
      'Bộ nhớ đệm của cụm loa Thôn 1 chưa đủ cho 24 giờ tới (chỉ đến 04/12 04:40)',
    );
    expect(at(now, device({ cachedUntil: null })).get('cache-incomplete')).toBe(
      'Bộ nhớ đệm của cụm loa Thôn 1 chưa đủ cho 24 giờ tới',
    );
    expect(at(now, device({ cachedUntil: new Date(now + 86_400_000) })).size).toBe(0);
    expect(at(now, device({ state: 'offline', cachedUntil: null })).has('cache-incomplete')).toBe(
      false,
    );
  });

  it('says a clock skewed by more than 2 s, in Vietnamese seconds', () => {
    const now = WINDOW_OPENS + 600_000;
    expect(at(now, device({ clockSkewMs: 2000 })).size).toBe(0);
    expect(at(now, device({ clockSkewMs: 3200 })).get('clock-skew')).toBe(
      'Đồng hồ của cụm loa Thôn 1 lệch 3,2 giây (nhanh)',
    );
    expect(at(now, device({ clockSkewMs: -2500 })).get('clock-skew')).toBe(
      'Đồng hồ của cụm loa Thôn 1 lệch 2,5 giây (chậm)',
    );
    // Prose, as Vietnamese write it (viNumber): thousands grouped with a dot, a decimal comma.
    expect(at(now, device({ clockSkewMs: 3_600_000 })).get('clock-skew')).toBe(
      'Đồng hồ của cụm loa Thôn 1 lệch 3.600 giây (nhanh)',
    );
    expect(at(now, device({ clockSkewMs: -1_234_560 })).get('clock-skew')).toBe(
      'Đồng hồ của cụm loa Thôn 1 lệch 1.234,6 giây (chậm)',
    );
  });

  it('names a cluster once when its name says "Cụm" already', () => {
    expect(clusterLabel('Cụm loa chợ')).toBe('Cụm loa chợ');
    expect(clusterLabel('Thôn 1')).toBe('cụm loa Thôn 1');
  });
});

describe('statusAlertsQuiet (a status that needs no alert evaluation)', () => {
  const now = { now: new Date(WINDOW_OPENS + 600_000), silentAfterMs: NO_SILENCE };

  it('holds for a healthy online device, whatever the windows', () => {
    expect(statusAlertsQuiet(device(), now)).toBe(true);
  });

  it('does not hold when something could raise or clear an alert', () => {
    expect(statusAlertsQuiet(device({ state: 'offline' }), now)).toBe(false);
    expect(statusAlertsQuiet(device({ lastSeenAt: null }), now)).toBe(false);
    expect(statusAlertsQuiet(device({ apiTokenHash: null }), now)).toBe(false);
    expect(statusAlertsQuiet(device({ clockSkewMs: 60_000 }), now)).toBe(false);
    expect(statusAlertsQuiet(device({ cachedUntil: null }), now)).toBe(false);
    expect(
      statusAlertsQuiet(device({ cachedUntil: new Date(now.now.getTime() + 3_600_000) }), now),
    ).toBe(false);
    expect(statusAlertsQuiet(device(), { ...now, silentAfterMs: SILENT_AFTER })).toBe(false);
  });
});
