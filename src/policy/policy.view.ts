import {
  BroadcastPolicy,
  PolicyField,
  PolicyOrigin,
  PolicyOverrides,
  QuietHours,
} from '../schedule/broadcast-policy';
import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { PolicyRule } from '../schedule/broadcast-policy';
import { PolicyScope } from '../schedule/entities/broadcast-policy.entity';
import { PolicyBreach } from '../schedule/policy-checks';

/** Local times `HH:MM`; `to` before `from` runs over midnight. */
export class QuietHoursView implements QuietHours {
  from!: string;
  to!: string;
}

export class BroadcastPolicyView implements BroadcastPolicy {
  /** No part of a window, item or relay may fall in them; null: none. */
  quietHours!: QuietHoursView | null;
  /** The longest session: a window occurrence, and what may air from its start. */
  maxSessionMinutes!: number;
  /** The most airtime of a local day (emergencies not counted). */
  maxDailyMinutes!: number;
  /** Whether relays may run during the night hours (NIGHT_HOURS) with nobody at the station. */
  unattendedRelaysAtNight!: boolean;
}

/** What a province or a commune set itself; an absent field is inherited. */
export class PolicyOverridesView implements PolicyOverrides {
  quietHours?: QuietHoursView | null;
  maxSessionMinutes?: number;
  maxDailyMinutes?: number;
  unattendedRelaysAtNight?: boolean;
}

/** Where each value of the policy in force comes from. */
export class PolicySourcesView implements Record<PolicyField, PolicyOrigin> {
  quietHours!: PolicyOrigin;
  maxSessionMinutes!: PolicyOrigin;
  maxDailyMinutes!: PolicyOrigin;
  unattendedRelaysAtNight!: PolicyOrigin;
}

/** A window that breaks the policy now. */
export class PolicyWindowBreach {
  @ApiProperty({ enum: ['window'] })
  type!: 'window';
  communeCode!: string;
  id!: string;
  name!: string;
  startTime!: string;
  durationMinutes!: number;
  rule!: PolicyRule;
  message!: string;
  messageVi!: string;
}

/** A program-log item that breaks the policy now. */
export class PolicyItemBreach {
  @ApiProperty({ enum: ['item'] })
  type!: 'item';
  communeCode!: string;
  id!: string;
  bulletinId!: string | null;
  startsAt!: string;
  endsAt!: string;
  rule!: PolicyRule;
  message!: string;
  messageVi!: string;
}

@ApiExtraModels(PolicyWindowBreach, PolicyItemBreach)
export class PolicyView {
  scope!: PolicyScope;
  code!: string;
  /** The policy in force. */
  policy!: BroadcastPolicyView;
  /** Where each value of `policy` comes from. */
  sources!: PolicySourcesView;
  /** What this province or commune set itself. */
  own!: PolicyOverridesView;
  /** What it inherits: the province's policy for a commune, the defaults for a province. */
  inherited!: BroadcastPolicyView;
  /** The night of `unattendedRelaysAtNight`. */
  nightHours!: QuietHoursView;
  updatedAt!: string | null;
  /** What on the program logs breaks the policy now (refused at play time until fixed). */
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(PolicyWindowBreach) },
        { $ref: getSchemaPath(PolicyItemBreach) },
      ],
    },
  })
  violations!: PolicyBreach[];
}
