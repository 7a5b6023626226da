import type { PlayedOutcome } from '../playout/player/play-outcome';
import { LIVE_LATE_JOIN_MS, liveOutcome, wholeSamples } from './edge-live';

const began = '2026-12-03T08:00:00.000Z';

function played(outcome: PlayedOutcome['outcome'], startDelayMs: number): PlayedOutcome {
  const startedAt = new Date(Date.parse(began) + startDelayMs);
  return {
    outcome,
    startedAt,
    endedAt: new Date(startedAt.getTime() + 10000),
    playedMs: 10000,
    reason: outcome === 'aired' ? null : 'Ngắt để phát bản tin khẩn cấp',
  };
}

describe('liveOutcome', () => {
  it('keeps a play that started with the speaker', () => {
    expect(liveOutcome(played('aired', 1200), { startsAt: began })).toEqual(played('aired', 1200));
  });

  it('makes a late joiner partial, saying how late', () => {
    const late = liveOutcome(played('aired', LIVE_LATE_JOIN_MS + 7000), { startsAt: began });
    expect(late.outcome).toBe('partial');
    expect(late.reason).toBe(
      'Cụm loa vào phiên phát trực tiếp muộn 12 giây (mất kết nối hoặc bận)',
    );
    expect(late.playedMs).toBe(10000);
  });

  it('groups the thousands of a long lateness with a dot, as people read numbers', () => {
    const late = liveOutcome(played('aired', 1_234_600), { startsAt: began });
    expect(late.reason).toBe(
      'Cụm loa vào phiên phát trực tiếp muộn 1.235 giây (mất kết nối hoặc bận)',
    );
  });

  it('leaves an interrupted play as it is', () => {
    const cut = played('partial', 20000);
    expect(liveOutcome(cut, { startsAt: began })).toBe(cut);
  });
});

describe('wholeSamples', () => {
  it('carries an odd byte to the next chunk', () => {
    const cut = wholeSamples();
    expect([...cut(Buffer.from([1, 2, 3]))]).toEqual([1, 2]);
    expect([...cut(Buffer.from([4, 5, 6]))]).toEqual([3, 4, 5, 6]);
    expect([...cut(Buffer.from([7]))]).toEqual([]);
    expect([...cut(Buffer.from([8]))]).toEqual([7, 8]);
  });
});
