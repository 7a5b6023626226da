import type { ICalLuxonDateTimeStub } from 'ical-generator';
import { TIME_ZONE, UTC_OFFSET_MS } from '../common/local-time';
import { viNumber } from '../common/vi-number';
import type { ScheduleItem, ScheduleItemStatus } from './entities/schedule-item.entity';

/**
 * Asia/Ho_Chi_Minh as an RFC 5545 VTIMEZONE: UTC+7 all year, no daylight saving since 1975.
 * ical-generator needs a generator for it; this one needs no time-zone database.
 */
export const VTIMEZONE_HO_CHI_MINH = [
  'BEGIN:VTIMEZONE',
  `TZID:${TIME_ZONE}`,
  'X-LIC-LOCATION:Asia/Ho_Chi_Minh',
  'BEGIN:STANDARD',
  'DTSTART:19750613T000000',
  'TZOFFSETFROM:+0700',
  'TZOFFSETTO:+0700',
  'TZNAME:+07',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/**
 * An instant that ical-generator writes as Asia/Ho_Chi_Minh wall-clock time (`DTSTART;TZID=…`)
 * whatever the process time zone. Given a plain `Date` and a time zone, ical-generator would read
 * the process's local time instead; this implements its Luxon interface for the one zone we use.
 */
export class VietnamTime implements ICalLuxonDateTimeStub {
  readonly zone: { type: string };

  constructor(
    private readonly instant: Date,
    private readonly zoneName: typeof TIME_ZONE | 'utc' = TIME_ZONE,
  ) {
    this.zone = { type: zoneName === 'utc' ? 'fixed' : 'iana' };
  }

  get isValid(): boolean {
    return !Number.isNaN(this.instant.getTime());
  }

  setZone(zone?: string): VietnamTime {
    if (zone === TIME_ZONE) return new VietnamTime(this.instant, TIME_ZONE);
    if (zone === undefined || zone.toLowerCase() === 'utc')
      return new VietnamTime(this.instant, 'utc');
    throw new Error(`VietnamTime only knows ${TIME_ZONE} and UTC, not ${zone}`);
  }

  toFormat(format: string): string {
    const offset = this.zoneName === 'utc' ? 0 : UTC_OFFSET_MS;
    const iso = new Date(this.instant.getTime() + offset).toISOString();
    switch (format) {
      case 'yyyyLLdd':
        return iso.slice(0, 10).replaceAll('-', '');
      case 'HHmmss':
        return iso.slice(11, 19).replaceAll(':', '');
      default:
        throw new Error(`VietnamTime cannot format "${format}"`);
    }
  }

  toJSDate(): Date {
    return new Date(this.instant.getTime());
  }

  toJSON(): string {
    return this.instant.toISOString();
  }
}

/**
 * Adds the VTIMEZONE that the events' TZID refers to. The calendar itself is given no time zone,
 * because ical-generator would then write DTSTAMP as local time, which RFC 5545 forbids (UTC only).
 */
export function withVietnamTimezone(ics: string): string {
  const index = ics.indexOf('BEGIN:VEVENT');
  if (index === -1) return ics;
  return `${ics.slice(0, index)}${VTIMEZONE_HO_CHI_MINH}\r\n${ics.slice(index)}`;
}

const STATUS_TEXT: Record<ScheduleItemStatus, string> = {
  planned: 'Đã lên lịch',
  dispatched: 'Đã chuyển sang phát',
  aired: 'Đã phát',
  partial: 'Phát một phần',
  failed: 'Phát lỗi',
  missed: 'Bị lỡ',
  cancelled: 'Đã huỷ',
};

/**
 * An event's description, one line each: its topics (their names), its length in seconds
 * (grouped as prose writes numbers: "3.600 giây"), its status and why it was cancelled.
 */
export function eventDescription(
  topics: string,
  item: Pick<ScheduleItem, 'durationMs' | 'status' | 'cancelReason'>,
): string {
  return [
    `Chủ đề: ${topics || 'không có'}`,
    `Thời lượng: ${viNumber(item.durationMs / 1000)} giây`,
    `Trạng thái: ${STATUS_TEXT[item.status]}`,
    ...(item.cancelReason ? [`Lý do huỷ: ${item.cancelReason}`] : []),
  ].join('\n');
}
