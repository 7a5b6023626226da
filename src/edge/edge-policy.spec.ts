import { localDateTime } from '../common/local-time';
import { BroadcastPolicy } from '../schedule/broadcast-policy';
import { edgePolicyViolation, policyRefusalReason } from './edge-policy';
import { PlayState, StoredItem } from './edge-store';

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

  it('counts nothing of an item it refuses: the items after it keep the room', () => {
    // 2 min at 05:00 (quiet hours) and 4 min at 07:00 (past the 3-minute limit alone): refused.
    const items = [
      stored('night', '05:00', 2),
      stored('long', '07:00', 4),
      stored('b', '11:00', 2),
      stored('c', '17:00', 1),
      stored('d', '18:00', 1),
    ];
    expect(edgePolicyViolation(POLICY, items[1], items)?.rule).toBe('POLICY_DAILY_LIMIT');
    expect(edgePolicyViolation(POLICY, items[2], items)).toBeNull();
    expect(edgePolicyViolation(POLICY, items[3], items)).toBeNull();
    expect(edgePolicyViolation(POLICY, items[4], items)?.rule).toBe('POLICY_DAILY_LIMIT');
  });

  it('counts what its journal has on air or played as it went, whatever the policy says now', () => {
    const loose = { ...POLICY, quietHours: null };
    const items = [stored('a', '06:00', 2), stored('b', '11:00', 1), stored('c', '17:00', 1)];
    const play = (id: string, state: PlayState['state'], progressMs: number): PlayState => ({
      scheduleItemId: id,
      state,
      startedAt: null,
      progressMs,
    });
    // The limit lowered to a minute after a went on air: a still counts, b has no room.
    const lowered = { ...loose, maxDailyMinutes: 1 };
    const aired = new Map([['a', play('a', 'done', 120000)]]);
    expect(edgePolicyViolation(lowered, items[1], items, aired)?.rule).toBe('POLICY_DAILY_LIMIT');
    // a missed (its audio was not there): it played nothing and counts nothing.
    const missed = new Map([['a', play('a', 'done', 0)]]);
    expect(edgePolicyViolation(lowered, items[1], items, missed)).toBeNull();
    // a on air: its whole length counts.
    const playing = new Map([['a', play('a', 'playing', 1000)]]);
    expect(edgePolicyViolation(lowered, items[1], items, playing)?.rule).toBe('POLICY_DAILY_LIMIT');
  });
});
