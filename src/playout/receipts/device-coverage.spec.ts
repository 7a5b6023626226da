import { communeCoverage, CountedReceipt, coverageReason } from './device-coverage';

const PLANNED = new Date('2026-12-03T05:30:00.000Z');
const PLAN = { startsAt: PLANNED, durationMs: 60000 };

function receipt(
  deviceId: string,
  outcome: CountedReceipt['outcome'],
  startedAt: string | null,
  playedMs: number,
): CountedReceipt {
  return { deviceId, outcome, startedAt, playedMs };
}

describe('communeCoverage', () => {
  it('is aired when one device played the whole item: earliest start, longest play', () => {
    const result = communeCoverage(
      PLAN,
      ['a', 'b', 'c'],
      [
        receipt('a', 'aired', '2026-12-03T05:30:00.020Z', 60000),
        receipt('b', 'aired', '2026-12-03T05:30:00.005Z', 59990),
        receipt('c', 'partial', '2026-12-03T05:29:59.000Z', 70000),
      ],
    );
    expect(result.outcome).toBe('aired');
    expect(result.startedAt.toISOString()).toBe('2026-12-03T05:30:00.005Z');
    expect(result.playedMs).toBe(60000);
    expect(result.endedAt.toISOString()).toBe('2026-12-03T05:31:00.005Z');
    expect(result.devices).toEqual({ targeted: 3, aired: 2, partial: 1, missed: 0, unreported: 0 });
  });

  it('is partial when only parts aired, missed when nothing did, and counts the silent', () => {
    const partial = communeCoverage(
      PLAN,
      ['a', 'b'],
      [receipt('a', 'partial', '2026-12-03T05:30:00.000Z', 1000)],
    );
    expect(partial.outcome).toBe('partial');
    expect(partial.devices).toEqual({
      targeted: 2,
      aired: 0,
      partial: 1,
      missed: 0,
      unreported: 1,
    });
    const missed = communeCoverage(PLAN, ['a', 'b'], [receipt('a', 'missed', null, 0)]);
    expect(missed).toMatchObject({
      outcome: 'missed',
      startedAt: PLANNED,
      endedAt: PLANNED,
      playedMs: 0,
    });
    expect(missed.devices).toEqual({ targeted: 2, aired: 0, partial: 0, missed: 1, unreported: 1 });
    expect(communeCoverage(PLAN, [], []).devices.targeted).toBe(0);
  });

  it("takes a device's best receipt, and counts a device that reported outside the targets", () => {
    const result = communeCoverage(
      PLAN,
      ['a'],
      [
        receipt('a', 'partial', '2026-12-03T05:30:00.000Z', 1000),
        receipt('a', 'aired', '2026-12-03T05:35:00.000Z', 60000),
        receipt('z', 'missed', null, 0),
      ],
    );
    expect(result.outcome).toBe('aired');
    expect(result.devices).toEqual({ targeted: 2, aired: 1, partial: 0, missed: 1, unreported: 0 });
  });

  it("holds one device's absurd start and length to the item", () => {
    const result = communeCoverage(
      PLAN,
      ['a', 'b'],
      [
        receipt('a', 'aired', '2026-10-03T05:30:00.000Z', 99999999),
        receipt('b', 'aired', '2026-12-03T05:30:00.010Z', 59990),
      ],
    );
    expect(result.startedAt.toISOString()).toBe('2026-12-03T05:29:00.000Z');
    expect(result.playedMs).toBe(60000);
    expect(result.endedAt.toISOString()).toBe('2026-12-03T05:30:00.000Z');
  });
});

describe('coverageReason', () => {
  it('says how many clusters aired, part-aired, missed or have not reported the item', () => {
    expect(coverageReason({ targeted: 3, aired: 1, partial: 1, missed: 0, unreported: 1 })).toBe(
      'Theo biên nhận của 3 cụm loa: 1 phát đủ, 1 phát một phần, 0 không phát, 1 chưa báo cáo',
    );
    expect(coverageReason({ targeted: 0, aired: 0, partial: 0, missed: 0, unreported: 0 })).toBe(
      'Không có cụm loa nào trong vùng phát của mục này',
    );
  });

  it('groups thousands with a dot, as people read numbers', () => {
    expect(
      coverageReason({ targeted: 1250, aired: 1180, partial: 40, missed: 12, unreported: 18 }),
    ).toBe(
      'Theo biên nhận của 1.250 cụm loa: 1.180 phát đủ, 40 phát một phần, 12 không phát, 18 chưa báo cáo',
    );
  });
});
