import { Injectable } from '@nestjs/common';
import type * as IcalGenerator from 'ical-generator';
import { Clock } from '../common/clock';
import { addDays, localDateOf, TIME_ZONE } from '../common/local-time';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { TopicsService } from '../topics/topics.service';
import { eventDescription, VietnamTime, withVietnamTimezone } from './calendar-format';
import { checkDateRange, rangeInstants } from './date-range';
import { ProgramLogRepository } from './program-log.repository';
import { ScheduleService } from './schedule.service';

/** By default the feed shows a month back and three months ahead. */
export const FEED_DAYS_BACK = 31;
export const FEED_DAYS_AHEAD = 92;
const MAX_FEED_DAYS = 400;

/** Stable across feeds, so a subscribed calendar updates an event instead of adding one. */
export function eventUid(itemId: string): string {
  return `${itemId}@loa-xa`;
}

/** ical-generator, loaded by the first calendar feed, not in every process at start. */
function loadIcalGenerator(): typeof IcalGenerator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('ical-generator') as typeof IcalGenerator;
}

/** The program log of a commune as an RFC 5545 calendar: one VEVENT per item. */
@Injectable()
export class CalendarFeedService {
  constructor(
    private readonly db: Db,
    private readonly programLog: ProgramLogRepository,
    private readonly schedule: ScheduleService,
    private readonly topics: TopicsService,
    private readonly geo: GeoService,
    private readonly clock: Clock,
  ) {}

  async feed(communeCode: string, from?: string, to?: string): Promise<string> {
    const commune = this.geo.commune(communeCode);
    const now = this.clock.now();
    const today = localDateOf(now);
    const range = checkDateRange(
      { from: from ?? addDays(today, -FEED_DAYS_BACK), to: to ?? addDays(today, FEED_DAYS_AHEAD) },
      MAX_FEED_DAYS,
    );
    const { start, end } = rangeInstants(range);
    const items = await this.programLog.itemsStarting(this.db.manager, communeCode, start, end);
    const views = await this.schedule.describe(this.db.manager, items);
    const topicNames = new Map((await this.topics.list()).map((topic) => [topic.code, topic.name]));

    const { default: ical, ICalEventStatus } = loadIcalGenerator();
    const calendar = ical({
      name: `Lịch phát sóng – ${commune.name}`,
      description: `Lịch phát sóng của đài truyền thanh ${commune.name}`,
      prodId: { company: 'Loa xa', product: 'Lich phat song', language: 'VI' },
      ttl: 3600,
    });
    calendar.x('X-WR-TIMEZONE', TIME_ZONE);
    items.forEach((item, index) => {
      const view = views[index];
      const topics = view.topics.map((code) => topicNames.get(code) ?? code).join(', ');
      calendar.createEvent({
        id: eventUid(item.id),
        start: new VietnamTime(item.startsAt),
        end: new VietnamTime(item.endsAt),
        timezone: TIME_ZONE,
        stamp: now,
        // RFC 5545: raised with each move or cancellation, or clients keep the old event.
        sequence: item.revision,
        lastModified: item.updatedAt,
        summary: view.title ?? 'Bản tin',
        location: commune.name,
        status: item.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        description: eventDescription(topics, item),
      });
    });
    return withVietnamTimezone(calendar.toString());
  }
}
