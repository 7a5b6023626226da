import { ScheduleItem } from './entities/schedule-item.entity';

import { ItemRef, ScheduleItemView } from './schedule-item.view';

/** How a slot reads in a problem: the instants, and "06/12 06:00" for messages. */
export class SlotDetails {
  startsAt!: string;
  endsAt!: string;
  /** "06/12 06:00". */
  localTime!: string;
  windowName!: string;
}

/** One free time an item could move to (`GET …/items/:itemId/slots`). */
export class FreeSlotView extends SlotDetails {
  windowId!: string;
  date!: string;
  /** The window occurrence the item is in now. */
  sameOccurrence!: boolean;
}

export class FreeSlotsView {
  itemId!: string;
  durationMs!: number;
  slots!: FreeSlotView[];
}

/** Free times a new item of a bulletin would fit in (`GET …/schedule/slots`). */
export class BulletinSlotsView {
  bulletinId!: string;
  durationMs!: number;
  /** One per window occurrence, earliest first; `sameOccurrence` is always false. */
  slots!: FreeSlotView[];
}

/** An emergency item written in a transaction, and the items it interrupts or delays. */
export class PlacedEmergency {
  item!: ScheduleItem;
  interrupted!: ScheduleItem[];
}

export class EmergencyView extends ScheduleItemView {
  /** Items on the log that the emergency bulletin interrupts or delays. */
  interrupts!: ItemRef[];
}
