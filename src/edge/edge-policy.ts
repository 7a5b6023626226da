import {
  BroadcastPolicy,
  dayViolations,
  PolicyItemKind,
  PolicyViolation,
} from '../schedule/broadcast-policy';
import type { PlayState, StoredItem } from './edge-store';

export { policyRefusalReason } from '../playout/policy-refusal';

function kindOf(item: StoredItem): PolicyItemKind {
  if (item.priority === 'emergency') return 'emergency';
  return item.relay ? 'relay' : 'bulletin';
}

/**
 * The rule the last manifest's policy says `item` breaks, or null: checked by the box itself at
 * play time, so a stale manifest, an import or a bug on the server never plays at 3:15. The box
 * knows no windows: a session is the item itself. The day's airtime is that of the items it holds
 * for that day, before this one, walked as the server's player walks its log (`dayViolations`):
 * an item it will refuse adds nothing; one its journal has on air or receipted (`plays`) is not
 * judged again and adds its length if it went on air, nothing if not (refused or missed).
 */
export function edgePolicyViolation(
  policy: BroadcastPolicy | null,
  item: StoredItem,
  items: readonly StoredItem[],
  plays: ReadonlyMap<string, PlayState> = new Map(),
): PolicyViolation | null {
  if (!policy) return null;
  const others = items.filter((other) => other.scheduleItemId !== item.scheduleItemId);
  const day = [item, ...others].map((other) => {
    const play = other === item ? undefined : plays.get(other.scheduleItemId);
    const settled = play?.state === 'playing' || play?.state === 'done';
    return {
      id: other.scheduleItemId,
      startsAt: other.startsAt,
      endsAt: other.startsAt + other.durationMs,
      kind: kindOf(other),
      settled,
      // As the server counts its log: an item that went on air, its length; one that did not, nothing.
      ...(play?.state === 'done' && play.progressMs === 0 ? { airtimeMs: 0 } : {}),
    };
  });
  return dayViolations(policy, day).get(item.scheduleItemId) ?? null;
}
