import { ProblemDto } from '../common/problem.dto';
import { POLICY_RULES, PolicyRule } from './broadcast-policy';
import type { PolicyRefusal } from './policy-refusal';

/** The codes of the policy's refusals, as an operation's document lists them. */
export const POLICY_REFUSAL_CODES = POLICY_RULES.map((rule) => `\`${rule}\``).join(', ');

/**
 * 409 `POLICY_QUIET_HOURS`, `POLICY_SESSION_TOO_LONG`, `POLICY_DAILY_LIMIT`,
 * `POLICY_UNATTENDED_RELAY`: what the commune's broadcast policy does not allow (emergencies are
 * exempt), refused with the rule and the policy's message in Vietnamese. An as-run record's
 * refusal carries these fields; a window's and an item's add what they name.
 */
export class PolicyRefusalView extends ProblemDto implements PolicyRefusal {
  /** The rule broken (the same as `code`). */
  rule!: PolicyRule;
  /** The policy's message in Vietnamese, for people (the times are local). */
  messageVi!: string;
}

/** An item of the log that a save would take past the daily limit. */
export class PushedItemView {
  id!: string;
  /** Local, ISO 8601 with offset. */
  startsAt!: string;
  endsAt!: string;
}

/** A new or moved item (a bulletin or a relay) that the policy refuses: its times. */
export class ItemPolicyRefusalView extends PolicyRefusalView {
  /** The item's start as it would be saved (local, ISO 8601 with offset). */
  startsAt!: string;
  /** Its end. */
  endsAt!: string;
  /**
   * `POLICY_DAILY_LIMIT` only, when the item itself is within the limit: the later item of its
   * day that the player would then refuse, past the limit (and does not without the item).
   */
  pushedItem?: PushedItemView;
}

/** The window a policy refusal names. */
export class RefusedWindowView {
  /** Only for a saved window (a change refused); a new window has none yet. */
  id?: string;
  name!: string;
  /** Its name and time, e.g. `Sáng (05:30–06:00)`. */
  description!: string;
}

/** A new window, or a window's new time, that the policy refuses: the window. */
export class WindowPolicyRefusalView extends PolicyRefusalView {
  window!: RefusedWindowView;
}
