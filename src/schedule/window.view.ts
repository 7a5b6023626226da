import { formatLocalInstant } from '../common/local-time';
import { BroadcastWindow } from './entities/broadcast-window.entity';
import { ItemRef, PolicyBreachView, policyBreachViews } from './schedule-item.view';
import { BroadcastPolicy, checkWindow } from './broadcast-policy';

import { formatLocalTime } from '../common/local-time';
import { endMinutes } from './window-time';

export class WindowView {
  id!: string;
  communeCode!: string;
  name!: string;
  daysOfWeek!: number[];
  startTime!: string;
  endTime!: string;
  durationMinutes!: number;
  validFrom!: string | null;
  validTo!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

export function windowView(window: BroadcastWindow): WindowView {
  return {
    id: window.id,
    communeCode: window.communeCode,
    name: window.name,
    daysOfWeek: [...window.daysOfWeek].sort((a, b) => a - b),
    startTime: window.startTime,
    endTime: formatLocalTime(endMinutes(window)),
    durationMinutes: window.durationMinutes,
    validFrom: window.validFrom,
    validTo: window.validTo,
    createdAt: formatLocalInstant(window.createdAt),
    updatedAt: formatLocalInstant(window.updatedAt),
  };
}

/** A window as the reads give it: with what of the policy in force it breaks, checked now. */
export class WindowWithPolicyView extends WindowView {
  /** Empty, or the rule the window breaks (its items are refused at play time). */
  policyBreaches!: PolicyBreachView[];
}

export function windowWithPolicyView(
  window: BroadcastWindow,
  policy: BroadcastPolicy,
): WindowWithPolicyView {
  return { ...windowView(window), policyBreaches: policyBreachViews(checkWindow(policy, window)) };
}

export class WindowChangeView extends WindowView {
  /** Future items the change left outside every window, taken off the log. */
  droppedItems!: ItemSummary[];
  /** Future items moved into the window's new time. */
  movedItems!: ItemSummary[];
  /** True when nothing was written (`?dryRun=true`). */
  dryRun!: boolean;
}

export class WindowDeletedView {
  id!: string;
  deleted!: boolean;
  droppedItems!: ItemSummary[];
  dryRun!: boolean;
}

/** An item as a window change reports it: what plays, when ("06/12 06:00"), and where it went. */
export class ItemSummary extends ItemRef {
  title!: string | null;
  localTime!: string;
  movedTo?: string;
  movedToLocalTime?: string;
}
