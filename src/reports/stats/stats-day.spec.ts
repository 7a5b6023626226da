import { dayKey, isRelayItem, msToMinutes, PlannedItem, plannedDays } from './stats-day';

function item(spec: Partial<Omit<PlannedItem, 'startsAt'>> & { startsAt: string }): PlannedItem {
  return {
    id: Math.random().toString(36),
    communeCode: '14797',
    durationMs: 60_000,
    source: 'manual',
    sourceId: null,
    topics: [],
    ...spec,
    startsAt: new Date(spec.startsAt),
  };
}

describe('the feed day of a program log', () => {
  it('counts items, emergencies and planned time per topic on the local day they start', () => {
    const days = plannedDays([
      // 23:30 local on 1 October is 16:30 UTC.
      item({ startsAt: '2025-10-01T16:30:00Z', topics: ['kinh-te-so'], durationMs: 90_000 }),
      item({ startsAt: '2025-10-01T17:30:00Z', topics: ['kinh-te-so', 'xa-hoi-so'] }),
      item({ startsAt: '2025-10-02T01:00:00Z', source: 'emergency', topics: ['xa-hoi-so'] }),
    ]);
    expect(days.get(dayKey('14797', '2025-10-01'))).toEqual({
      items: 1,
      emergencies: 0,
      topicMs: new Map([['kinh-te-so', 90_000]]),
      relayMs: 0,
    });
    expect(days.get(dayKey('14797', '2025-10-02'))).toEqual({
      items: 2,
      emergencies: 1,
      topicMs: new Map([
        ['kinh-te-so', 60_000],
        ['xa-hoi-so', 120_000],
      ]),
      relayMs: 0,
    });
  });

  it('puts relay items in relay time, not among the bulletins', () => {
    const relay = { ...item({ startsAt: '2025-10-02T01:00:00Z' }), sourceId: 'vov1' };
    expect(isRelayItem(relay)).toBe(true);
    expect(isRelayItem(item({ startsAt: '2025-10-02T01:00:00Z' }))).toBe(false);
    expect(plannedDays([relay]).get(dayKey('14797', '2025-10-02'))).toMatchObject({
      items: 0,
      relayMs: 60_000,
    });
  });

  it('writes minutes with one decimal', () => {
    expect(msToMinutes(2_658_000)).toBe(44.3);
    expect(msToMinutes(0)).toBe(0);
    expect(msToMinutes(29_999)).toBe(0.5);
  });
});
