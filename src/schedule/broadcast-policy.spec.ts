import { localDateTime } from '../common/local-time';
import {
  BroadcastPolicy,
  checkItem,
  checkLiveStart,
  checkWindow,
  dayViolations,
  effectivePolicy,
  hoursContain,
  hoursWithin,
  loosenedFields,
  policyKindOf,
} from './broadcast-policy';

const POLICY: BroadcastPolicy = {
  quietHours: { from: '21:30', to: '05:30' },
  maxSessionMinutes: 45,
  maxDailyMinutes: 120,
  unattendedRelaysAtNight: false,
};
const OPEN: BroadcastPolicy = {
  quietHours: null,
  maxSessionMinutes: 600,
  maxDailyMinutes: 1440,
  unattendedRelaysAtNight: false,
};

/** Local `date` at `HH:mm`, in epoch ms. */
function at(date: string, time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return localDateTime(date, hours * 60 + minutes).getTime();
}

function item(date: string, time: string, minutes: number, kind = 'bulletin' as const) {
  const startsAt = at(date, time);
  return { startsAt, endsAt: startsAt + minutes * 60000, kind };
}

describe('broadcast policy', () => {
  it('refuses an item in quiet hours that cross midnight, and lets 05:30 and 21:29 through', () => {
    expect(checkItem(POLICY, item('2026-12-03', '03:15', 5))?.rule).toBe('POLICY_QUIET_HOURS');
    expect(checkItem(POLICY, item('2026-12-03', '23:00', 5))?.rule).toBe('POLICY_QUIET_HOURS');
    expect(checkItem(POLICY, item('2026-12-03', '21:20', 11))?.rule).toBe('POLICY_QUIET_HOURS');
    expect(checkItem(POLICY, item('2026-12-03', '05:25', 6))?.rule).toBe('POLICY_QUIET_HOURS');
    expect(checkItem(POLICY, item('2026-12-03', '05:30', 30))).toBeNull();
    expect(checkItem(POLICY, item('2026-12-03', '21:20', 10))).toBeNull();
    const violation = checkItem(POLICY, item('2026-12-03', '03:15', 5));
    expect(violation?.messageVi).toContain('giờ yên tĩnh 21:30–05:30');
  });

  it('exempts emergencies from every rule', () => {
    const night = { ...item('2026-12-03', '03:15', 600), kind: 'emergency' as const };
    expect(checkItem(POLICY, night, { dayAirtimeBeforeMs: 10 ** 9 })).toBeNull();
  });

  it('measures a session from the start of its window occurrence', () => {
    const start = at('2026-12-03', '17:00');
    const late = {
      startsAt: start + 44 * 60000,
      endsAt: start + 46 * 60000,
      kind: 'bulletin' as const,
    };
    expect(checkItem(POLICY, late, { sessionStartsAt: start })?.rule).toBe(
      'POLICY_SESSION_TOO_LONG',
    );
    expect(checkItem(POLICY, late)).toBeNull();
    expect(checkItem(POLICY, item('2026-12-03', '10:00', 46))?.rule).toBe(
      'POLICY_SESSION_TOO_LONG',
    );
    // Minutes in Vietnamese prose (viNumber): a decimal comma, to one decimal.
    const halfMinuteOver = { ...late, endsAt: start + 45.5 * 60000 };
    expect(checkItem(POLICY, halfMinuteOver, { sessionStartsAt: start })?.messageVi).toBe(
      'Mục phát 17:44–17:45:30 ngày 03/12/2026 kết thúc sau 45,5 phút kể từ đầu buổi phát, quá giới hạn 45 phút một buổi',
    );
  });

  it('keeps relays off the night unless unattended relays are allowed', () => {
    const relay = item('2026-12-03', '04:00', 30, 'relay' as never);
    expect(checkItem(OPEN, relay)?.rule).toBe('POLICY_UNATTENDED_RELAY');
    expect(checkItem({ ...OPEN, unattendedRelaysAtNight: true }, relay)).toBeNull();
    expect(checkItem(OPEN, item('2026-12-03', '04:00', 30))).toBeNull();
    expect(checkItem(OPEN, item('2026-12-03', '05:00', 30, 'relay' as never))).toBeNull();
    expect(policyKindOf({ source: 'manual', sourceId: 'x' })).toBe('relay');
    expect(policyKindOf({ source: 'manual' }, 'emergency')).toBe('emergency');
    expect(policyKindOf({ source: 'planner' })).toBe('bulletin');
  });

  it('walks each day in start order: the airtime before an item, emergencies aside', () => {
    const a = { id: 'a', ...item('2026-12-03', '06:00', 40) };
    const b = { id: 'b', ...item('2026-12-03', '11:00', 40) };
    const e = { id: 'e', ...item('2026-12-03', '12:00', 30), kind: 'emergency' as const };
    const c = { id: 'c', ...item('2026-12-03', '17:00', 41) };
    const d = { id: 'd', ...item('2026-12-04', '06:00', 41) };
    const found = dayViolations(POLICY, [c, a, e, b, d]);
    expect([...found.keys()]).toEqual(['c']);
    expect(found.get('c')?.message).toContain("the day's airtime reaches 121 min");
    // Refused, c adds nothing: 39 min more after it still fit.
    const f = { id: 'f', ...item('2026-12-03', '18:00', 39) };
    expect([...dayViolations(POLICY, [a, b, c, f]).keys()]).toEqual(['c']);
    // Settled (on air), c is not judged again and counts: f has no room left.
    expect([...dayViolations(POLICY, [a, b, { ...c, settled: true }, f]).keys()]).toEqual(['f']);
    // Thousands grouped with a dot, as Vietnamese prose writes them (viNumber).
    const allDay = checkItem(OPEN, c, { dayAirtimeBeforeMs: 1400.25 * 60000 });
    expect(allDay?.messageVi).toBe(
      'Thêm mục phát 17:00–17:41 ngày 03/12/2026 thì tổng thời lượng phát trong ngày là 1.441,3 phút, quá giới hạn 1.440 phút một ngày',
    );
  });

  it("counts an item's own airtime toward the day when given (a partial record)", () => {
    const partial = { ...item('2026-12-03', '17:00', 41), airtimeMs: 10 * 60000 };
    expect(checkItem(POLICY, partial, { dayAirtimeBeforeMs: 100 * 60000 })).toBeNull();
    const over = checkItem(POLICY, partial, { dayAirtimeBeforeMs: 111 * 60000 });
    expect(over?.rule).toBe('POLICY_DAILY_LIMIT');
    expect(over?.messageVi).toContain('tổng thời lượng phát trong ngày là 121 phút');
  });

  it("refuses a live session in the commune's quiet hours, naming them, and only then", () => {
    const policy = { ...OPEN, quietHours: { from: '20:00', to: '06:15' } };
    expect(checkLiveStart(policy, at('2026-12-03', '20:10'))).toEqual({
      rule: 'POLICY_QUIET_HOURS',
      message:
        'Live announcements respect the quiet hours (20:00–06:15); an urgent message goes as an emergency',
      messageVi:
        'Đang trong giờ yên tĩnh 20:00–06:15 nên không phát trực tiếp được; tin cần phát ngay hãy phát dưới dạng bản tin khẩn cấp',
    });
    expect(checkLiveStart(policy, at('2026-12-03', '06:14'))?.rule).toBe('POLICY_QUIET_HOURS');
    expect(checkLiveStart(policy, at('2026-12-03', '06:15'))).toBeNull();
    expect(checkLiveStart(policy, at('2026-12-03', '19:59'))).toBeNull();
    expect(checkLiveStart(OPEN, at('2026-12-03', '03:00'))).toBeNull();
  });

  it('checks recurring windows against quiet hours and the session length', () => {
    expect(
      checkWindow(POLICY, { name: 'Sáng', startTime: '05:00', durationMinutes: 45 })?.rule,
    ).toBe('POLICY_QUIET_HOURS');
    expect(
      checkWindow(POLICY, { name: 'Tối', startTime: '21:00', durationMinutes: 31 })?.rule,
    ).toBe('POLICY_QUIET_HOURS');
    expect(
      checkWindow(POLICY, { name: 'Chiều', startTime: '17:00', durationMinutes: 60 })?.rule,
    ).toBe('POLICY_SESSION_TOO_LONG');
    expect(
      checkWindow(POLICY, { name: 'Sáng', startTime: '05:30', durationMinutes: 45 }),
    ).toBeNull();
    expect(
      checkWindow(OPEN, { name: 'Cả ngày', startTime: '00:00', durationMinutes: 1200 })?.messageVi,
    ).toBe('Khung giờ Cả ngày (00:00–20:00) dài 1.200 phút, quá giới hạn 600 phút một buổi');
  });

  it('lets a commune only tighten, and keeps the stricter value when the province tightens later', () => {
    expect(hoursContain({ from: '21:00', to: '06:00' }, { from: '21:30', to: '05:30' })).toBe(true);
    expect(hoursContain({ from: '22:00', to: '06:00' }, { from: '21:30', to: '05:30' })).toBe(
      false,
    );
    expect(hoursContain({ from: '00:00', to: '23:59' }, { from: '21:30', to: '05:30' })).toBe(
      false,
    );
    expect(
      loosenedFields(POLICY, {
        quietHours: { from: '22:00', to: '05:00' },
        maxSessionMinutes: 60,
        maxDailyMinutes: 60,
        unattendedRelaysAtNight: true,
      }).map((loose) => loose.field),
    ).toEqual(['quietHours', 'maxSessionMinutes', 'unattendedRelaysAtNight']);
    expect(loosenedFields(POLICY, { quietHours: null })).toHaveLength(1);
    expect(loosenedFields(OPEN, { quietHours: { from: '22:00', to: '05:00' } })).toEqual([]);

    const effective = effectivePolicy(
      POLICY,
      { maxSessionMinutes: 30 },
      {
        maxSessionMinutes: 40,
        maxDailyMinutes: 90,
      },
    );
    expect(effective).toMatchObject({
      quietHours: POLICY.quietHours,
      maxSessionMinutes: 30,
      maxDailyMinutes: 90,
      sources: {
        quietHours: 'default',
        maxSessionMinutes: 'province',
        maxDailyMinutes: 'commune',
        unattendedRelaysAtNight: 'default',
      },
    });
  });

  it('finds the quiet parts of a stretch, for the planner', () => {
    const parts = hoursWithin(
      POLICY.quietHours!,
      at('2026-12-03', '20:00'),
      at('2026-12-04', '07:00'),
    );
    expect(parts).toEqual([
      { startsAt: at('2026-12-03', '21:30'), endsAt: at('2026-12-04', '05:30') },
    ]);
  });
});
