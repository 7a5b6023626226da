import { localDateTime } from '../common/local-time';
import { BroadcastPolicy } from '../schedule/broadcast-policy';
import { edgePolicyViolation, policyRefusalReason } from './edge-policy';
import { StoredItem } from './edge-store';

const POLICY: BroadcastPolicy = {
  quietHours: { from: '21:30', to: '05:30' },
  maxSessionMinutes: 45,
  maxDailyMinutes: 3,
  unattendedRelaysAtNight: false,
};

function stored(id: string, time: string, minutes: number, priority = 'normal'): StoredItem {
  const [hours, mins] = time.split(':').map(Number);
  return {
    scheduleItemId: id,
    startsAt: localDateTime('2026-12-04', hours * 60 + mins).getTime(),
    durationMs: minutes * 60000,
    priority,
    zones: null,
    audio: { id: 'a', sha256: '0'.repeat(64), bytes: 1, url: '/api/v1/audio/a/content' },
    relay: null,
    firstSeenAt: 0,
  };
}

describe('edgePolicyViolation', () => {
  it('refuses an item at 3:15 from the policy of the last manifest, with the rule in the reason', () => {
    const night = stored('night', '03:15', 1);
    const violation = edgePolicyViolation(POLICY, night, [night]);
    expect(violation?.rule).toBe('POLICY_QUIET_HOURS');
    expect(policyRefusalReason(violation!)).toMatch(
      /^Không phát vì vi phạm quy định phát sóng \(POLICY_QUIET_HOURS\): .*giờ yên tĩnh 21:30–05:30/,
    );
  });

  it('lets an emergency through and plays everything when the server sent no policy', () => {
    const emergency = stored('sos', '03:15', 1, 'emergency');
    expect(edgePolicyViolation(POLICY, emergency, [emergency])).toBeNull();
    const night = stored('night', '03:15', 1);
    expect(edgePolicyViolation(null, night, [night])).toBeNull();
  });

  it('counts the day airtime of the items it holds before this one', () => {
    const items = [stored('a', '06:00', 2), stored('b', '11:00', 1), stored('c', '17:00', 1)];
    expect(edgePolicyViolation(POLICY, items[1], items)).toBeNull();
    expect(edgePolicyViolation(POLICY, items[2], items)?.rule).toBe('POLICY_DAILY_LIMIT');
  });
});
