import { ApiProperty } from '@nestjs/swagger';
import { formatLocalInstant } from '../common/local-time';
import { POLICY_RULES, PolicyRule, PolicyViolation } from './broadcast-policy';
import { BulletinPriority } from '../bulletins/entities/bulletin.entity';
import {
  ScheduleItem,
  ScheduleItemSource,
  ScheduleItemStatus,
} from './entities/schedule-item.entity';

/** The relay title people read: "Tiếp âm: <tên nguồn>". */
export function relayTitle(sourceName: string | null): string {
  return `Tiếp âm: ${sourceName ?? 'nguồn đã xoá'}`;
}

/** A live announcement's title: who spoke (null: the user is gone). */
export function liveTitle(speaker: string | null): string {
  return speaker ? `Phát trực tiếp: ${speaker}` : 'Phát trực tiếp';
}

/**
 * A rule of the broadcast policy in force that an item or a window breaks, checked when read:
 * the player refuses such an item until it is moved or cancelled.
 */
export class PolicyBreachView {
  @ApiProperty({ enum: POLICY_RULES })
  rule!: PolicyRule;
  message!: string;
  /** What the operator reads, with the times and the rule. */
  messageVi!: string;
}

export function policyBreachViews(
  violation: PolicyViolation | null | undefined,
): PolicyBreachView[] {
  return violation
    ? [{ rule: violation.rule, message: violation.message, messageVi: violation.messageVi }]
    : [];
}

export class ScheduleItemView {
  id!: string;
  communeCode!: string;
  /** Null for a relay. */
  bulletinId!: string | null;
  /** The stream source a relay plays; null for a bulletin. */
  sourceId!: string | null;
  /** A relay's: "Tiếp âm: <tên nguồn>". */
  title!: string | null;
  topics!: string[];
  priority!: BulletinPriority | null;
  startsAt!: string;
  endsAt!: string;
  durationMs!: number;
  status!: ScheduleItemStatus;
  source!: ScheduleItemSource;
  /** The zones the item goes to; null: every device of the commune. */
  zones!: string[] | null;
  cancelReason!: string | null;
  createdBy!: string | null;
  createdAt!: string;
  updatedAt!: string;
  /**
   * What of the policy in force the item breaks (an open item that has not started): empty, or
   * the rule that makes the player refuse it until it is moved or cancelled.
   */
  policyBreaches!: PolicyBreachView[];
}

/**
 * A bulletin item shows its own copy of the bulletin (title, priority, topics): the bulletin's
 * while the item is ahead, what it was when the item ran or came off the log after. A relay's
 * view takes `sourceName` (null: the source is gone). `violation`: the rule of the policy in force
 * it breaks, if any.
 */
export function scheduleItemView(
  item: ScheduleItem,
  sourceName?: string | null,
  violation?: PolicyViolation | null,
): ScheduleItemView {
  const relay = item.bulletinId === null;
  return {
    id: item.id,
    communeCode: item.communeCode,
    bulletinId: item.bulletinId,
    sourceId: item.sourceId ?? null,
    title:
      item.source === 'live'
        ? liveTitle(null)
        : relay
          ? relayTitle(sourceName ?? null)
          : item.title,
    topics: item.topics ?? [],
    priority: item.priority,
    startsAt: formatLocalInstant(item.startsAt),
    endsAt: formatLocalInstant(item.endsAt),
    durationMs: item.durationMs,
    status: item.status,
    source: item.source,
    zones: item.zones,
    cancelReason: item.cancelReason,
    createdBy: item.createdBy,
    createdAt: formatLocalInstant(item.createdAt),
    updatedAt: formatLocalInstant(item.updatedAt),
    policyBreaches: policyBreachViews(violation),
  };
}

/** A short reference to an item, used in problems and change reports. */
export class ItemRef {
  id!: string;
  bulletinId!: string | null;
  startsAt!: string;
  endsAt!: string;
  status!: ScheduleItemStatus;
}

export function itemRef(item: ScheduleItem): ItemRef {
  return {
    id: item.id,
    bulletinId: item.bulletinId,
    startsAt: formatLocalInstant(item.startsAt),
    endsAt: formatLocalInstant(item.endsAt),
    status: item.status,
  };
}
