import type { Receipt } from '../../fleet/protocol';
import type { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { implausibility, ReceiptTimeRules } from './receipt-plausibility';

const ITEM_MS = 17800;

function item(fields: Partial<ScheduleItem> = {}): ScheduleItem {
  const startsAt = new Date('2026-12-07T02:36:00.000Z');
  return {
    id: 'item-1',
    startsAt,
    endsAt: new Date(startsAt.getTime() + ITEM_MS),
    durationMs: ITEM_MS,
    status: 'planned',
    source: 'schedule',
    updatedAt: new Date('2026-12-06T10:00:00.000Z'),
    ...fields,
  } as ScheduleItem;
}

function receipt(startedAt: string | null, playedMs = ITEM_MS, spanMs = playedMs): Receipt {
  return {
    deviceId: 'device-1',
    seq: 1,
    scheduleItemId: 'item-1',
    startedAt,
    endedAt: startedAt === null ? null : new Date(Date.parse(startedAt) + spanMs).toISOString(),
    playedMs: startedAt === null ? 0 : playedMs,
    outcome: startedAt === null ? 'missed' : 'aired',
    reason: null,
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
    signature: '',
  };
}

/** Received a minute after the item ended; the default late tolerance. */
const RULES: ReceiptTimeRules = {
  now: new Date('2026-12-07T02:37:18.000Z'),
  lateToleranceMs: 60000,
};

describe('implausibility', () => {
  it('takes a play of the item at its time, a little off by the clock, and a missed one', () => {
    expect(implausibility(receipt('2026-12-07T02:36:00.012Z'), item(), RULES)).toBeNull();
    expect(implausibility(receipt('2026-12-07T02:35:30.000Z'), item(), RULES)).toBeNull();
    expect(implausibility(receipt('2026-12-07T02:36:00.000Z', 20000), item(), RULES)).toBeNull();
    expect(implausibility(receipt(null), item(), RULES)).toBeNull();
  });

  it('refuses a play that ends after the upload was received', () => {
    const early = { ...RULES, now: new Date('2026-12-07T02:33:46.000Z') };
    expect(implausibility(receipt('2026-12-07T02:36:00.000Z'), item(), early)?.problem).toBe(
      'future',
    );
  });

  it('refuses a play far from the planned start, either way', () => {
    const months = implausibility(receipt('2026-10-07T02:36:00.000Z'), item(), RULES);
    expect(months?.problem).toBe('off-time');
    expect(months?.message).toContain('2026-12-07T02:35:00.000Z');
    // Later than the late tolerance and the clock's minute: the box would not have started it.
    const late = { ...RULES, now: new Date('2026-12-07T03:00:00.000Z') };
    expect(implausibility(receipt('2026-12-07T02:38:01.000Z'), item(), late)?.problem).toBe(
      'off-time',
    );
    expect(implausibility(receipt('2026-12-07T02:37:59.000Z'), item(), late)).toBeNull();
  });

  it("lets a live announcement's boxes join while it lasts", () => {
    const live = item({
      source: 'live',
      durationMs: 600000,
      endsAt: new Date('2026-12-07T02:46:00.000Z'),
    });
    const later = { ...RULES, now: new Date('2026-12-07T03:00:00.000Z') };
    expect(implausibility(receipt('2026-12-07T02:40:00.000Z', 300000), live, later)).toBeNull();
  });

  it('lets a box that comes back online during an emergency play it then', () => {
    // A storm warning of 3 minutes: its command is sent again to a box back online before its end.
    const emergency = item({
      source: 'emergency',
      durationMs: 180000,
      endsAt: new Date('2026-12-07T02:39:00.000Z'),
    });
    const later = { ...RULES, now: new Date('2026-12-07T03:00:00.000Z') };
    expect(
      implausibility(receipt('2026-12-07T02:38:30.000Z', 180000), emergency, later),
    ).toBeNull();
    expect(
      implausibility(receipt('2026-12-07T02:41:00.000Z', 180000), emergency, later)?.problem,
    ).toBe('off-time');
  });

  it("refuses a play longer than the item's audio", () => {
    const played = implausibility(
      receipt('2026-12-07T02:36:00.000Z', 99999999, ITEM_MS),
      item(),
      RULES,
    );
    expect(played?.problem).toBe('too-long');
    const spanned = implausibility(receipt('2026-12-07T02:36:00.000Z', ITEM_MS, 40000), item(), {
      ...RULES,
      now: new Date('2026-12-07T02:40:00.000Z'),
    });
    expect(spanned?.problem).toBe('too-long');
  });

  it('refuses a play or a miss of an item cancelled before it, not one played before the cancellation', () => {
    const cancelledBefore = item({
      status: 'cancelled',
      updatedAt: new Date('2026-12-07T02:00:00.000Z'),
    });
    expect(
      implausibility(receipt('2026-12-07T02:36:00.000Z'), cancelledBefore, RULES)?.problem,
    ).toBe('cancelled');
    expect(implausibility(receipt(null), cancelledBefore, RULES)?.problem).toBe('cancelled');
    const cancelledAfter = item({
      status: 'cancelled',
      updatedAt: new Date('2026-12-07T02:36:10.000Z'),
    });
    expect(implausibility(receipt('2026-12-07T02:36:00.000Z'), cancelledAfter, RULES)).toBeNull();
  });
});
