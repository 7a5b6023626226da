import type { BroadcastWindow, Person } from './types.js';

/** Dates, times and durations as Vietnamese readers write them, always in Asia/Ho_Chi_Minh. */

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 3600 * 1000;

/** The local date `YYYY-MM-DD` of an instant (Việt Nam has no daylight saving time). */
export function localDateOf(instant: Date | number | string): string {
  const ms = new Date(instant).getTime() + OFFSET_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

export function today(): string {
  return localDateOf(Date.now());
}

/** `2025-10-06` + 3 days. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO day of week: Monday = 1 … Sunday = 7. */
export function isoDayOfWeek(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the week holding `date`. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoDayOfWeek(date));
}

/**
 * The last day a plan starting `from` covers unless told otherwise: the Sunday of its week, or of
 * the next week when `from` is itself a Sunday. On a Sunday the week has that one day left, its
 * windows mostly past by the evening, and it is the day the coming week is planned.
 */
export function planWeekEnd(from: string): string {
  const sunday = addDays(mondayOf(from), 6);
  return sunday === from ? addDays(sunday, 7) : sunday;
}

export function eachDate(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** Days from `from` to `to`, both counted: `2025-10-01` … `2025-10-31` is 31. */
export function daysInclusive(from: string, to: string): number {
  return (
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
  );
}

/**
 * The longest range of days the API takes: a report (MAX_REPORT_DAYS), a program log list
 * (MAX_LIST_DAYS) and a plan (MAX_PLAN_DAYS) alike.
 */
export const MAX_RANGE_DAYS = 366;

/**
 * What is wrong with a range of days (`YYYY-MM-DD` each), in Vietnamese, or null: its start
 * after its end, or more days than `maxDays`. An end left empty (the campaign's, today) is for
 * the API to fill and is not judged here.
 */
export function dateRangeProblem(
  from: string,
  to: string,
  maxDays: number = MAX_RANGE_DAYS,
): string | null {
  if (!from || !to) return null;
  if (from > to) {
    return `Ngày bắt đầu (${formatDate(from)}) phải trước hoặc bằng ngày kết thúc (${formatDate(to)})`;
  }
  const days = daysInclusive(from, to);
  if (days > maxDays) {
    return `Khoảng ngày dài tối đa ${formatNumber(maxDays)} ngày (đang chọn ${formatNumber(days)} ngày)`;
  }
  return null;
}

const WEEKDAYS = ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];
const WEEKDAYS_SHORT = ['', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'];

export function weekdayName(isoDay: number): string {
  return WEEKDAYS[isoDay] ?? '';
}

export function weekdayShort(isoDay: number): string {
  return WEEKDAYS_SHORT[isoDay] ?? '';
}

/** `2025-10-06` → `06/10/2025`. */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

/** `2025-10-06` → `Thứ Hai, 06/10/2025`. */
export function formatDateLong(date: string): string {
  return `${weekdayName(isoDayOfWeek(date))}, ${formatDate(date)}`;
}

/** `06/10` for chart axes. */
export function formatDayMonth(date: string): string {
  const [, month, day] = date.split('-');
  return `${day}/${month}`;
}

/** `2025-12-07` → `T2 07/12`: a day in a list of days. */
export function formatDayShort(date: string): string {
  return `${weekdayShort(isoDayOfWeek(date))} ${formatDayMonth(date)}`;
}

function localParts(instant: Date | number | string): Date {
  return new Date(new Date(instant).getTime() + OFFSET_MS);
}

/** `05:30` local time of an instant. */
export function formatTime(instant: Date | number | string): string {
  const local = localParts(instant);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return `${hh}:${mm}`;
}

/** `05:30:12`. */
export function formatTimeSeconds(instant: Date | number | string): string {
  const seconds = String(localParts(instant).getUTCSeconds()).padStart(2, '0');
  return `${formatTime(instant)}:${seconds}`;
}

/**
 * When an item starts: `05:30`, or `05:30:47` when it does not start on a whole minute (an item
 * placed after another starts when that one ends, and a time to the minute would overlap it).
 */
export function formatStartTime(instant: Date | number | string): string {
  return localParts(instant).getUTCSeconds() === 0
    ? formatTime(instant)
    : formatTimeSeconds(instant);
}

/**
 * When an item plays, `05:30–05:45`; to the second, `05:30:00–05:30:11`, when an end falls within
 * a minute (an 11-second item would read `05:30–05:30`).
 */
export function formatTimeSpan(
  startsAt: Date | number | string,
  endsAt: Date | number | string,
): string {
  const wholeMinutes =
    localParts(startsAt).getUTCSeconds() === 0 &&
    localParts(endsAt).getUTCSeconds() === 0 &&
    formatTime(startsAt) !== formatTime(endsAt);
  const show = wholeMinutes ? formatTime : formatTimeSeconds;
  return `${show(startsAt)}–${show(endsAt)}`;
}

/**
 * Start times that stand in one list, all to the minute (`11:02`) or, when one of them falls
 * within a minute, all to the second (`11:02:00`, `11:02:03`), so that they line up and compare.
 */
export function formatStartTimes(instants: readonly (Date | number | string)[]): string[] {
  const toSecond = instants.some((instant) => localParts(instant).getUTCSeconds() !== 0);
  return instants.map(toSecond ? formatTimeSeconds : formatTime);
}

/**
 * Ranges of free starts, `17:03:10–17:09:47, 17:10:13–17:29:49` (one time alone when a range
 * holds one start); to the second when any of them needs it.
 */
export function formatFreeStarts(ranges: readonly { from: string; to: string }[]): string {
  const times = formatStartTimes(ranges.flatMap((range) => [range.from, range.to]));
  return ranges
    .map((range, index) => {
      const [from, to] = [times[2 * index], times[2 * index + 1]];
      return range.from === range.to ? from : `${from}–${to}`;
    })
    .join(', ');
}

/** `06/10 05:30:47`: an item's day and start, as a conflict names it. */
export function formatDayStart(instant: Date | number | string): string {
  return `${formatDayMonth(localDateOf(instant))} ${formatStartTime(instant)}`;
}

/** `06/10/2025 05:30`. */
export function formatDateTime(instant: Date | number | string): string {
  return `${formatDate(localDateOf(instant))} ${formatTime(instant)}`;
}

/** An instant with the +07:00 offset the API expects: `2025-10-06T05:30:00+07:00`. */
export function localInstant(date: string, time: string): string {
  return `${date}T${time.length === 5 ? `${time}:00` : time}+07:00`;
}

/**
 * Whether a window's occurrence on `date` that ends `endMinute` minutes after that day's local
 * midnight is over at `now`: its time can take nothing more.
 */
export function windowOver(date: string, endMinute: number, now: Date | number): boolean {
  const current = localDateOf(now);
  return date < current || (date === current && endMinute <= minutesOfDay(now));
}

export function windowAppliesOn(window: BroadcastWindow, date: string): boolean {
  return (
    window.daysOfWeek.includes(isoDayOfWeek(date)) &&
    (window.validFrom === null || window.validFrom <= date) &&
    (window.validTo === null || window.validTo >= date)
  );
}

export function windowMinutes(window: BroadcastWindow): { start: number; end: number } {
  const [hours, minutes] = window.startTime.split(':').map(Number);
  const start = hours * 60 + minutes;
  return { start, end: start + window.durationMinutes };
}

/**
 * The first time from `date` on (up to a week later) that a window is open and still ahead of
 * `now` by two minutes: its start, or a whole minute of a window under way. Null when no
 * window opens that week.
 */
export function firstOpenTime(
  windows: readonly BroadcastWindow[],
  date: string,
  now: Date | number,
): { date: string; time: string } | null {
  const current = localDateOf(now);
  for (let offset = 0; offset < 7; offset += 1) {
    const day = addDays(date, offset);
    if (day < current) continue;
    // Two whole minutes ahead at least, so that it is still ahead when the operator adds it.
    const earliest = day === current ? Math.ceil(minutesOfDay(now) + 2) : 0;
    const starts = windows
      .filter((window) => windowAppliesOn(window, day))
      .map(windowMinutes)
      .map(({ start, end }) => ({ start: Math.max(start, earliest), end }))
      .filter(({ start, end }) => start < end)
      .map(({ start }) => start);
    if (starts.length > 0) {
      const midnight = Date.parse(localInstant(day, '00:00'));
      return { date: day, time: formatTime(midnight + Math.min(...starts) * 60_000) };
    }
  }
  return null;
}

/** Minutes since local midnight of an instant. */
export function minutesOfDay(instant: Date | number | string): number {
  const local = localParts(instant);
  return local.getUTCHours() * 60 + local.getUTCMinutes() + local.getUTCSeconds() / 60;
}

/** Which way a duration rounds to the last unit it shows. */
export type Rounding = 'nearest' | 'down' | 'up';

const ROUND: Record<Rounding, (value: number) => number> = {
  nearest: Math.round,
  down: Math.floor,
  up: Math.ceil,
};

/**
 * Airtime is whole milliseconds: a sum's float noise (42,1 + 17,9 = 60,000…01) is taken off before
 * it is rounded or compared, so that it never rounds up a second nor reads as short.
 */
export function wholeMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/**
 * The whole seconds a duration reads as (formatSeconds): to the second below an hour, to the
 * minute from an hour on, rounded `round`.
 */
function shownSeconds(totalSeconds: number, round: Rounding): number {
  const ms = wholeMs(totalSeconds);
  const unit = ms >= 3_600_000 ? 60 : 1;
  return Math.max(0, ROUND[round](ms / 1000 / unit) * unit);
}

/**
 * A duration as a person says it: `42 giây`, `2 phút 30 giây`, `12 phút`; from an hour on, to the
 * minute (`3720` → `1 giờ 2 phút`). `round` says which way to that last unit: up for what is still
 * missing (2,1 s short reads `3 giây`, never nothing), down for what falls short of a target (it
 * never reads as reaching it).
 */
export function formatSeconds(totalSeconds: number, round: Rounding = 'nearest'): string {
  const whole = shownSeconds(totalSeconds, round);
  if (whole <= 0) return '0 giây';
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = whole % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} giờ`);
  if (minutes > 0) parts.push(`${minutes} phút`);
  if (seconds > 0 && hours === 0) parts.push(`${seconds} giây`);
  return parts.join(' ');
}

/**
 * Airtime beside its target, each as a person says it (formatSeconds), as the progress page reads
 * them. The target rounds up; an amount short of it rounds down, so that it never reads as
 * reaching it; an amount that reaches it rounds to the nearest and never reads below it (from an
 * hour on, to the minute: 1 giờ 28 phút 20 giây against a target of 1 giờ 28 phút 14 giây reads
 * `1 giờ 29 phút` against `1 giờ 29 phút`, not `1 giờ 28 phút`).
 */
export function airtimeAgainst(
  airedSeconds: number,
  requiredSeconds: number,
): { aired: string; required: string } {
  const required = shownSeconds(requiredSeconds, 'up');
  const aired =
    wholeMs(airedSeconds) < wholeMs(requiredSeconds)
      ? shownSeconds(airedSeconds, 'down')
      : Math.max(shownSeconds(airedSeconds, 'nearest'), required);
  return { aired: formatSeconds(aired), required: formatSeconds(required) };
}

/**
 * Airtime against its target, as a monitor reads a grid cell: `12 phút 24 giây / 20 phút`, as the
 * progress page says durations (airtimeAgainst: short of the target never reads as reaching it).
 */
export function formatAirtimeAgainst(airedSeconds: number, requiredSeconds: number): string {
  const airtime = airtimeAgainst(airedSeconds, requiredSeconds);
  return `${airtime.aired} / ${airtime.required}`;
}

export function formatDurationMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : formatSeconds(ms / 1000);
}

/** `2:05` (minutes:seconds) for compact columns. */
export function formatClock(ms: number): string {
  const whole = Math.round(ms / 1000);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

const NUMBER = new Intl.NumberFormat('vi-VN');

export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

const LOUDNESS = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

/** A loudness as Vietnamese write it: decimal comma, a real minus sign (−25,1 LUFS). */
export function formatLufs(value: number): string {
  return `${LOUDNESS.format(Math.abs(value) < 0.05 ? 0 : value).replace('-', '−')} LUFS`;
}

export function formatPercent(fraction: number): string {
  return `${NUMBER.format(Math.round(fraction * 100))}%`;
}

/** A person as people call them: the display name, else the username. */
export function personName(person: Person | null): string {
  return person ? (person.displayName ?? person.username) : 'không rõ';
}

/** Any one of them (the approvers a draft waits for): `Lê Văn Duyệt hoặc Trần Thị Ký`. */
export function anyOf(people: readonly Person[]): string {
  return people.map(personName).join(' hoặc ');
}
