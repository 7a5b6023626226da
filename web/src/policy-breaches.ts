import type { BreachedRule } from './types.js';

/**
 * Whether the server found a rule of the policy in force that this item or window breaks (its
 * `policyBreaches`). No DOM: the progress figures (`topic-week.ts`) and the views share it.
 */
export function breaches(entry: { policyBreaches?: readonly BreachedRule[] }): boolean {
  return (entry.policyBreaches?.length ?? 0) > 0;
}
