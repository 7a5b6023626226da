import { formatLocalInstant } from '../common/local-time';
import { BulletinPriority } from '../bulletins/entities/bulletin.entity';
import {
  ScheduleItem,
  ScheduleItemSource,
  ScheduleItemStatus,
} from './entities/schedule-item.entity';

/** What an item's view shows of its bulletin. */
export interface ItemBulletin {
  title: string;
  priority: BulletinPriority;
  topics: string[];
}

export interface ScheduleItemView {
  id: string;
  communeCode: string;
  bulletinId: string;
  title: string | null;
  topics: string[];
  priority: BulletinPriority | null;
  startsAt: string;
  endsAt: string;
  durationMs: number;
  status: ScheduleItemStatus;
  source: ScheduleItemSource;
  /** The zones the item goes to; null: every device of the commune. */
  zones: string[] | null;
  cancelReason: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export function scheduleItemView(item: ScheduleItem, bulletin?: ItemBulletin): ScheduleItemView {
  return {
    id: item.id,
    communeCode: item.communeCode,
    bulletinId: item.bulletinId,
    title: bulletin?.title ?? null,
    topics: bulletin?.topics ?? [],
    priority: bulletin?.priority ?? null,
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
  };
}

/** A short reference to an item, used in problems and change reports. */
export interface ItemRef {
  id: string;
  bulletinId: string;
  startsAt: string;
  endsAt: string;
  status: ScheduleItemStatus;
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
