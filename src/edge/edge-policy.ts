import {
  airtimeBefore,
  BroadcastPolicy,
  checkItem,
  PolicyItemKind,
  PolicyViolation,
} from '../schedule/broadcast-policy';
import type { StoredItem } from './edge-store';

export { policyRefusalReason } from '../playout/policy-refusal';

function kindOf(item: StoredItem): PolicyItemKind {
  if (item.priority === 'emergency') return 'emergency';
  return item.relay ? 'relay' : 'bulletin';
}

/**
 * The rule the last manifest's policy says `item` breaks, or null: checked by the box itself at
 * play time, so a stale manifest, an import or a bug on the server never plays at 3:15. The box
 * knows no windows: a session is the item itself; the day's airtime is that of the items it holds
 * for that day, before this one.
 */
export function edgePolicyViolation(
  policy: BroadcastPolicy | null,
  item: StoredItem,
  items: readonly StoredItem[],
): PolicyViolation | null {
  if (!policy) return null;
  const before = airtimeBefore(
    items.map((other) => ({
      id: other.scheduleItemId,
      startsAt: other.startsAt,
      endsAt: other.startsAt + other.durationMs,
      kind: kindOf(other),
    })),
  );
  return checkItem(
    policy,
    { startsAt: item.startsAt, endsAt: item.startsAt + item.durationMs, kind: kindOf(item) },
    { dayAirtimeBeforeMs: before.get(item.scheduleItemId) ?? 0 },
  );
}
