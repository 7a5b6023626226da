import { AuditEvent } from '../auth/entities/audit-event.entity';
import { sendBackHistories, sendBackReason } from './send-back-history';

function event(targetId: string, at: string, reason?: string): AuditEvent {
  return {
    id: `${targetId}-${at}`,
    at: new Date(at),
    action: 'bulletin.sent-back',
    actorId: 'approver-1',
    actorUsername: 'lanh-dao',
    targetType: 'bulletin',
    targetId,
    communeCode: '14797',
    provinceCode: '38',
    ip: null,
    detail: { title: 'Bản tin', topics: ['kinh-te-so'], ...(reason ? { reason } : {}) },
  };
}

describe('sendBackHistories', () => {
  it('counts each bulletin’s send-backs and keeps the latest', () => {
    const histories = sendBackHistories([
      event('a', '2025-10-03T07:05:00.000Z', 'Thiếu nguồn'),
      event('b', '2025-10-03T08:00:00.000Z', 'Sai tên xã'),
      event('a', '2025-10-04T01:00:00.000Z', 'Vẫn thiếu nguồn'),
    ]);
    expect([...histories.keys()].sort()).toEqual(['a', 'b']);
    expect(histories.get('a')?.count).toBe(2);
    expect(histories.get('a')?.latest.at.toISOString()).toBe('2025-10-04T01:00:00.000Z');
    expect(histories.get('b')?.count).toBe(1);
  });

  it('leaves out other actions and events without a target', () => {
    const approved = {
      ...event('a', '2025-10-03T07:05:00.000Z'),
      action: 'bulletin.approved' as const,
    };
    const untargeted = { ...event('b', '2025-10-03T07:05:00.000Z'), targetId: null };
    expect(sendBackHistories([approved, untargeted]).size).toBe(0);
  });
});

describe('sendBackReason', () => {
  it('reads the reason of the event, or null when it has none', () => {
    expect(sendBackReason(event('a', '2025-10-03T07:05:00.000Z', 'Thiếu nguồn'))).toBe(
      'Thiếu nguồn',
    );
    expect(sendBackReason(event('a', '2025-10-03T07:05:00.000Z'))).toBeNull();
    expect(sendBackReason({ ...event('a', '2025-10-03T07:05:00.000Z'), detail: null })).toBeNull();
  });
});
