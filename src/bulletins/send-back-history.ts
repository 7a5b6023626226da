import { AuditEvent } from '../auth/entities/audit-event.entity';

/** A bulletin's send-backs as the audit trail recorded them: how many, and the latest. */
export interface SendBackHistory {
  count: number;
  latest: AuditEvent;
}

/**
 * The send-back history of each bulletin named by these `bulletin.sent-back` events, oldest first
 * as `AuditService.sendBacksOf` gives them. The audit trail is where a send-back stays: the
 * bulletin's own `sentBack*` columns are cleared by the edit that answers it.
 */
export function sendBackHistories(events: readonly AuditEvent[]): Map<string, SendBackHistory> {
  const histories = new Map<string, SendBackHistory>();
  for (const event of events) {
    if (event.action !== 'bulletin.sent-back' || event.targetId === null) continue;
    const count = (histories.get(event.targetId)?.count ?? 0) + 1;
    histories.set(event.targetId, { count, latest: event });
  }
  return histories;
}

/** The reason the approver gave, as the send-back's audit event keeps it. */
export function sendBackReason(event: AuditEvent): string | null {
  const reason = event.detail?.reason;
  return typeof reason === 'string' ? reason : null;
}
