import {
  BroadcastPolicy,
  PolicyField,
  PolicyOrigin,
  PolicyOverrides,
  QuietHours,
} from '../schedule/broadcast-policy';
import { PolicyScope } from '../schedule/entities/broadcast-policy.entity';
import { PolicyBreach } from '../schedule/policy-checks';

export class PolicyView {
  scope!: PolicyScope;
  code!: string;
  /** The policy in force. */
  policy!: BroadcastPolicy;
  /** Where each value of `policy` comes from. */
  sources!: Record<PolicyField, PolicyOrigin>;
  /** What this province or commune set itself. */
  own!: PolicyOverrides;
  /** What it inherits: the province's policy for a commune, the defaults for a province. */
  inherited!: BroadcastPolicy;
  /** The night of `unattendedRelaysAtNight`. */
  nightHours!: QuietHours;
  updatedAt!: string | null;
  /** What on the program logs breaks the policy now (refused at play time until fixed). */
  violations!: PolicyBreach[];
}
