import { DomainError } from '../common/domain-error';
import type { PolicyRule, PolicyViolation } from './broadcast-policy';

/** `POLICY_*`: the rule broken and the policy's Vietnamese message, for people. */
export type PolicyRefusal = {
  rule: PolicyRule;
  messageVi: string;
};

/**
 * The refusal (409) of what breaks the broadcast policy, whatever refuses it (a window or an item
 * saved, an as-run record people write): the rule's code and English message, and beside them the
 * rule and its Vietnamese message, with the `details` that name what was refused.
 */
export function policyRefusal(
  violation: PolicyViolation,
  details: Record<string, unknown> = {},
): DomainError {
  const refusal: PolicyRefusal = { rule: violation.rule, messageVi: violation.messageVi };
  return new DomainError(violation.rule, violation.message, { ...details, ...refusal });
}
