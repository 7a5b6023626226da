import {
  addDays,
  formatLocalInstant,
  formatLocalTime,
  formatViDate,
  localDateOf,
  localDateTime,
  localMsOfDay,
  parseLocalTime,
} from '../common/local-time';
import { viNumber } from '../common/vi-number';

/**
 * The broadcast policy (quy định phát sóng) and its rules, pure: a province sets it, its communes
 * inherit it and may only tighten it. Every save path (windows, items, plans, relays) and both
 * players (server and edge) check items with `checkItem`, so one function decides.
 */

/** Local `HH:mm` times; `from` after `to` crosses midnight (21:30–05:30). */
export interface QuietHours {
  from: string;
  to: string;
}

export interface BroadcastPolicy {
  /** No part of a window, item or relay may fall in them; null: none. */
  quietHours: QuietHours | null;
  /** The longest session: a window occurrence, and what may air from its start. */
  maxSessionMinutes: number;
  /** The most airtime of a local day (emergencies not counted). */
  maxDailyMinutes: number;
  /** Whether relays may run during the night hours (NIGHT_HOURS) with nobody at the station. */
  unattendedRelaysAtNight: boolean;
}

export const POLICY_FIELDS = [
  'quietHours',
  'maxSessionMinutes',
  'maxDailyMinutes',
  'unattendedRelaysAtNight',
] as const satisfies readonly (keyof BroadcastPolicy)[];
export type PolicyField = (typeof POLICY_FIELDS)[number];

/** What a province or a commune set itself; an absent field is inherited. */
export type PolicyOverrides = Partial<BroadcastPolicy>;

/** Where an effective value comes from. */
export type PolicyOrigin = 'default' | 'province' | 'commune';

export interface EffectivePolicy extends BroadcastPolicy {
  sources: Record<PolicyField, PolicyOrigin>;
}

/** The night of `unattendedRelaysAtNight`: no staff at a commune station from 22:00 to 05:00. */
export const NIGHT_HOURS: QuietHours = { from: '22:00', to: '05:00' };

export const POLICY_RULES = [
  'POLICY_QUIET_HOURS',
  'POLICY_SESSION_TOO_LONG',
  'POLICY_DAILY_LIMIT',
  'POLICY_UNATTENDED_RELAY',
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

/** What an item is for the policy: emergencies are exempt, relays have a rule of their own. */
export type PolicyItemKind = 'bulletin' | 'relay' | 'emergency';

/** A broken rule: the code, an English message for the API, a Vietnamese one for people. */
export interface PolicyViolation {
  rule: PolicyRule;
  message: string;
  messageVi: string;
}

/** An item as the policy sees it (epoch milliseconds). */
export interface PolicyItem {
  startsAt: number;
  endsAt: number;
  kind: PolicyItemKind;
  /** What it adds to the day's airtime; default `endsAt − startsAt` (a partial record: its played part). */
  airtimeMs?: number;
}

export interface ItemContext {
  /** Start of the window occurrence holding the item, when known (the edge player does not). */
  sessionStartsAt?: number;
  /** Airtime of the day's other counted items that play before this one. */
  dayAirtimeBeforeMs?: number;
}

const MINUTE_MS = 60000;

/** The most a day may air under the policy, in milliseconds (emergencies aside). */
export function dailyLimitMs(policy: Pick<BroadcastPolicy, 'maxDailyMinutes'>): number {
  return policy.maxDailyMinutes * MINUTE_MS;
}

/** The kind of a program-log item: `source` emergency or an emergency bulletin; a relay by its source. */
export function policyKindOf(
  item: { source: string; sourceId?: string | null },
  bulletinPriority?: string | null,
): PolicyItemKind {
  if (item.source === 'emergency' || bulletinPriority === 'emergency') return 'emergency';
  return item.sourceId ? 'relay' : 'bulletin';
}

export function describeHours(hours: QuietHours): string {
  return `${hours.from}–${hours.to}`;
}

/** The [start, end) minute intervals of `hours` within one local day. */
function minuteIntervals(hours: QuietHours): [number, number][] {
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  return from < to
    ? [[from, to]]
    : ([
        [from, 1440],
        [0, to],
      ].filter(([a, b]) => a < b) as [number, number][]);
}

function minutesOf(time: string): number {
  const minutes = parseLocalTime(time);
  if (minutes === null) throw new Error(`Bad local time ${time}`);
  return minutes;
}

/** True for `HH:mm` quiet hours that hold some time and not the whole day. */
export function quietHoursProblem(hours: QuietHours): string | null {
  if (parseLocalTime(hours.from) === null || parseLocalTime(hours.to) === null) {
    return 'quietHours.from and quietHours.to must be local times HH:mm';
  }
  if (hours.from === hours.to) return 'quietHours.from and quietHours.to must differ';
  return null;
}

/**
 * The first stretch of `hours` that [startsAt, endsAt) touches, as instants, or null. The hours
 * repeat every local day and may cross midnight.
 */
export function hoursOverlap(
  hours: QuietHours,
  startsAt: number,
  endsAt: number,
): { startsAt: number; endsAt: number } | null {
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  const first = addDays(localDateOf(new Date(startsAt)), -1);
  for (let date = first; localDateTime(date, 0).getTime() < endsAt; date = addDays(date, 1)) {
    const start = localDateTime(date, from).getTime();
    const end = localDateTime(from < to ? date : addDays(date, 1), to).getTime();
    if (start < endsAt && startsAt < end) return { startsAt: start, endsAt: end };
  }
  return null;
}

/** Whether a recurring window [startTime, +duration) touches `hours` on any day. */
export function windowTouchesHours(
  hours: QuietHours,
  startTime: string,
  durationMinutes: number,
): boolean {
  const start = minutesOf(startTime);
  const end = start + durationMinutes;
  return minuteIntervals(hours).some(([a, b]) => a < end && start < b);
}

/** Every minute of `inner` is inside `outer` (both repeat daily). */
export function hoursContain(outer: QuietHours, inner: QuietHours): boolean {
  const outerIntervals = minuteIntervals(outer);
  return minuteIntervals(inner).every(([a, b]) => {
    for (let minute = a; minute < b; minute += 1) {
      if (!outerIntervals.some(([x, y]) => x <= minute && minute < y)) return false;
    }
    return true;
  });
}

/** `candidate` is at least as strict as `base` for `field`. */
export function atLeastAsStrict<F extends PolicyField>(
  field: F,
  candidate: BroadcastPolicy[F],
  base: BroadcastPolicy[F],
): boolean {
  switch (field) {
    case 'quietHours': {
      const inner = base as QuietHours | null;
      const outer = candidate as QuietHours | null;
      if (inner === null) return true;
      return outer !== null && hoursContain(outer, inner);
    }
    case 'unattendedRelaysAtNight':
      return candidate === false || base === true;
    default:
      return (candidate as number) <= (base as number);
  }
}

export function describeValue(field: PolicyField, value: unknown): string {
  if (field === 'quietHours') return value === null ? 'none' : describeHours(value as QuietHours);
  return String(value);
}

/** The commune's fields that would loosen the province's policy: the tighten-only rule. */
export function loosenedFields(
  province: BroadcastPolicy,
  commune: PolicyOverrides,
): { field: PolicyField; province: unknown; commune: unknown }[] {
  return POLICY_FIELDS.filter(
    (field) =>
      commune[field] !== undefined && !atLeastAsStrict(field, commune[field], province[field]),
  ).map((field) => ({ field, province: province[field], commune: commune[field] }));
}

/**
 * The policy a commune lives by: its own values where they are at least as strict as the
 * province's (a province that tightened since wins), the province's, then the defaults.
 */
export function effectivePolicy(
  defaults: BroadcastPolicy,
  province: PolicyOverrides,
  commune: PolicyOverrides = {},
): EffectivePolicy {
  const policy: Record<string, unknown> = { ...defaults };
  const sources = {} as Record<PolicyField, PolicyOrigin>;
  for (const field of POLICY_FIELDS) {
    sources[field] = 'default';
    if (province[field] !== undefined) {
      policy[field] = province[field];
      sources[field] = 'province';
    }
    const own = commune[field];
    if (own !== undefined && atLeastAsStrict(field, own, policy[field] as never)) {
      policy[field] = own;
      sources[field] = 'commune';
    }
  }
  return { ...(policy as unknown as BroadcastPolicy), sources };
}

/**
 * The first rule `item` breaks, or null: quiet hours, session length, unattended relays at
 * night, daily airtime, in that order. Emergencies are exempt.
 */
export function checkItem(
  policy: BroadcastPolicy,
  item: PolicyItem,
  context: ItemContext = {},
): PolicyViolation | null {
  if (item.kind === 'emergency') return null;
  const range = describeRange(item);
  const rangeVi = describeRangeVi(item);
  if (policy.quietHours && hoursOverlap(policy.quietHours, item.startsAt, item.endsAt)) {
    const hours = describeHours(policy.quietHours);
    return {
      rule: 'POLICY_QUIET_HOURS',
      message: `The item (${range}) falls in the quiet hours ${hours}`,
      messageVi: `Mục phát ${rangeVi} rơi vào giờ yên tĩnh ${hours}`,
    };
  }
  const sessionStart = context.sessionStartsAt ?? item.startsAt;
  const sessionMs = item.endsAt - sessionStart;
  if (sessionMs > policy.maxSessionMinutes * MINUTE_MS) {
    const minutes = policy.maxSessionMinutes;
    return {
      rule: 'POLICY_SESSION_TOO_LONG',
      message: `The item (${range}) ends ${describeMinutes(sessionMs)} after its session began, beyond the longest session of ${minutes} min`,
      messageVi: `Mục phát ${rangeVi} kết thúc sau ${describeMinutesVi(sessionMs)} kể từ đầu buổi phát, quá giới hạn ${viNumber(minutes)} phút một buổi`,
    };
  }
  if (
    item.kind === 'relay' &&
    !policy.unattendedRelaysAtNight &&
    hoursOverlap(NIGHT_HOURS, item.startsAt, item.endsAt)
  ) {
    const night = describeHours(NIGHT_HOURS);
    return {
      rule: 'POLICY_UNATTENDED_RELAY',
      message: `The relay (${range}) runs at night (${night}) and the policy forbids unattended relays at night`,
      messageVi: `Tiếp âm ${rangeVi} chạy vào ban đêm (${night}) mà quy định không cho tiếp âm tự động ban đêm`,
    };
  }
  const dayMs = (context.dayAirtimeBeforeMs ?? 0) + (item.airtimeMs ?? item.endsAt - item.startsAt);
  if (dayMs > dailyLimitMs(policy)) {
    const minutes = policy.maxDailyMinutes;
    return {
      rule: 'POLICY_DAILY_LIMIT',
      message: `With the item (${range}) the day's airtime reaches ${describeMinutes(dayMs)}, beyond the daily limit of ${minutes} min`,
      messageVi: `Thêm mục phát ${rangeVi} thì tổng thời lượng phát trong ngày là ${describeMinutesVi(dayMs)}, quá giới hạn ${viNumber(minutes)} phút một ngày`,
    };
  }
  return null;
}

/**
 * The refusal of a save that leaves the item within the policy but takes a later item of its day
 * (`pushed`, which the player would then refuse) past the daily limit.
 */
export function pushedOverDailyLimit(
  policy: Pick<BroadcastPolicy, 'maxDailyMinutes'>,
  item: PolicyItem,
  pushed: PolicyItem,
): PolicyViolation {
  const minutes = policy.maxDailyMinutes;
  return {
    rule: 'POLICY_DAILY_LIMIT',
    message: `With the item (${describeRange(item)}) the later item (${describeRange(pushed)}) would pass the daily limit of ${minutes} min and be refused`,
    messageVi: `Thêm mục phát ${describeRangeVi(item)} thì mục phát ${hhmm(pushed.startsAt)}–${hhmm(pushed.endsAt)} cùng ngày sẽ vượt giới hạn ${viNumber(minutes)} phút một ngày và không được phát`,
  };
}

/** A recurring window against the policy: quiet hours, then its length as a session. */
export function checkWindow(
  policy: BroadcastPolicy,
  window: { name: string; startTime: string; durationMinutes: number },
): PolicyViolation | null {
  const endMinutes = minutesOf(window.startTime) + window.durationMinutes;
  const span = `${window.startTime}–${formatLocalTime(endMinutes)}`;
  if (
    policy.quietHours &&
    windowTouchesHours(policy.quietHours, window.startTime, window.durationMinutes)
  ) {
    const hours = describeHours(policy.quietHours);
    return {
      rule: 'POLICY_QUIET_HOURS',
      message: `Window ${window.name} (${span}) falls in the quiet hours ${hours}`,
      messageVi: `Khung giờ ${window.name} (${span}) rơi vào giờ yên tĩnh ${hours}`,
    };
  }
  if (window.durationMinutes > policy.maxSessionMinutes) {
    const minutes = policy.maxSessionMinutes;
    return {
      rule: 'POLICY_SESSION_TOO_LONG',
      message: `Window ${window.name} (${span}) lasts ${window.durationMinutes} min, beyond the longest session of ${minutes} min`,
      messageVi: `Khung giờ ${window.name} (${span}) dài ${viNumber(window.durationMinutes)} phút, quá giới hạn ${viNumber(minutes)} phút một buổi`,
    };
  }
  return null;
}

/**
 * A live session (speech from the microphone) that would start at `now`: the quiet hours hold
 * it, as they hold any item; its length has a bound of its own and the daily airtime does not
 * count live speech. A message that cannot wait goes out as an emergency, which is exempt.
 */
export function checkLiveStart(policy: BroadcastPolicy, now: number): PolicyViolation | null {
  if (!policy.quietHours || !hoursOverlap(policy.quietHours, now, now + 1)) return null;
  const hours = describeHours(policy.quietHours);
  return {
    rule: 'POLICY_QUIET_HOURS',
    message: `Live announcements respect the quiet hours (${hours}); an urgent message goes as an emergency`,
    messageVi: `Đang trong giờ yên tĩnh ${hours} nên không phát trực tiếp được; tin cần phát ngay hãy phát dưới dạng bản tin khẩn cấp`,
  };
}

/** An item of a day as a player walks it (`dayViolations`). */
export interface DayItem extends PolicyItem {
  id: string;
  /** Start of the window occurrence holding it, when known (`ItemContext.sessionStartsAt`). */
  sessionStartsAt?: number;
  /**
   * Past the player's judgement (on air, or played): not judged again, it adds its airtime
   * (`airtimeMs`) whatever the policy says now.
   */
  settled?: boolean;
}

/**
 * The rule each item breaks, by id, as a player judges a day: each local day's items in start
 * order (ties by id), each checked (`checkItem`) against the airtime of the day's items before
 * it. An item that breaks a rule is refused (the player fails it) and adds nothing to its day;
 * a settled item is not judged and adds its airtime; an emergency is exempt and adds nothing.
 * The players, the breach lists and the planner all read the daily limit through this walk.
 */
export function dayViolations(
  policy: BroadcastPolicy,
  items: readonly DayItem[],
): Map<string, PolicyViolation> {
  const sorted = [...items].sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  const byDay = new Map<string, number>();
  const found = new Map<string, PolicyViolation>();
  for (const item of sorted) {
    if (item.kind === 'emergency') continue;
    const day = localDateOf(new Date(item.startsAt));
    const before = byDay.get(day) ?? 0;
    if (!item.settled) {
      const violation = checkItem(policy, item, {
        sessionStartsAt: item.sessionStartsAt,
        dayAirtimeBeforeMs: before,
      });
      if (violation) {
        found.set(item.id, violation);
        continue;
      }
    }
    byDay.set(day, before + (item.airtimeMs ?? item.endsAt - item.startsAt));
  }
  return found;
}

/** The parts of [startsAt, endsAt) inside `hours`, as instants (for the planner: unavailable). */
export function hoursWithin(
  hours: QuietHours,
  startsAt: number,
  endsAt: number,
): { startsAt: number; endsAt: number }[] {
  const found: { startsAt: number; endsAt: number }[] = [];
  let cursor = startsAt;
  while (cursor < endsAt) {
    const overlap = hoursOverlap(hours, cursor, endsAt);
    if (!overlap) break;
    found.push({
      startsAt: Math.max(overlap.startsAt, cursor),
      endsAt: Math.min(overlap.endsAt, endsAt),
    });
    cursor = overlap.endsAt;
  }
  return found;
}

/** An item's times for the API's messages (local ISO 8601). */
function describeRange(item: PolicyItem): string {
  return `${formatLocalInstant(new Date(item.startsAt))} – ${formatLocalInstant(new Date(item.endsAt))}`;
}

/** An item's times as Vietnamese readers write them: `05:35–05:35:30 ngày 07/10/2025`. */
function describeRangeVi(item: PolicyItem): string {
  return `${hhmm(item.startsAt)}–${hhmm(item.endsAt)} ngày ${dateVi(item.startsAt)}`;
}

/** `HH:mm`, or `HH:mm:ss` when the seconds are not zero (local time). */
function hhmm(instant: number): string {
  const ms = localMsOfDay(new Date(instant));
  const time = formatLocalTime(Math.floor(ms / MINUTE_MS));
  const seconds = Math.floor(ms / 1000) % 60;
  return seconds === 0 ? time : `${time}:${String(seconds).padStart(2, '0')}`;
}

/** `dd/mm/yyyy`, as Vietnamese readers write a date. */
function dateVi(instant: number): string {
  return formatViDate(localDateOf(new Date(instant)));
}

function describeMinutes(ms: number): string {
  return `${Math.round((ms / MINUTE_MS) * 10) / 10} min`;
}

function describeMinutesVi(ms: number): string {
  return `${viNumber(ms / MINUTE_MS, 0, 1)} phút`;
}
