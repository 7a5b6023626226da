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

/** Starts an item fits at: every whole second from `from` to `to`, both included. */
export class FreeStartRange {
  from!: string;
  to!: string;
}

/**
 * A window occurrence an item could move to (`GET …/items/:itemId/slots`): its earliest free time
 * (`startsAt`), and every start it fits at there.
 */
export class FreeSlotView extends SlotDetails {
  windowId!: string;
  date!: string;
  /** The window occurrence the item is in now. */
  sameOccurrence!: boolean;
  /**
   * Every start in the occurrence where the item fits clear of the items sharing a device with
   * it, earliest first; the first range begins at `startsAt`. The broadcast policy is checked at
   * `startsAt`; a move or an addition checks the start it is given.
   */
  freeStarts!: FreeStartRange[];
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
