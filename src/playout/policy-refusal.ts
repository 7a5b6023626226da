import type { PolicyViolation } from '../schedule/broadcast-policy';
import type { AutomationOutcome } from './automation-recorder';

/**
 * Why an item was not played because it breaks the broadcast policy: the as-run record's and the
 * play receipt's `reason` (Vietnamese: people read it), with the rule's code for machines.
 */
export function policyRefusalReason(violation: PolicyViolation): string {
  return `Không phát vì vi phạm quy định phát sóng (${violation.rule}): ${violation.messageVi}`;
}

/** The record of an item the policy refused at play time: `failed`, nothing played. */
export function refusedByPolicy(violation: PolicyViolation, now: Date): AutomationOutcome {
  return {
    outcome: 'failed',
    startedAt: now,
    endedAt: now,
    playedMs: 0,
    reason: policyRefusalReason(violation),
  };
}
