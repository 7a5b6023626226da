import { ShortfallGroup } from './plan.view';
import type { ShortfallFix } from './plan.view';

export { ShortfallGroup };
export type { ShortfallFix };

/**
 * What stopped the planner, precisely:
 * - `no-bulletin`: no approved bulletin with ready audio carries the topic (or any campaign topic);
 * - `past`: the days are over;
 * - `no-window`: no on-air window falls on the days left;
 * - `no-window-time`: the windows' free time is shorter than the bulletins that could fill it;
 * - `one-per-occurrence`: a bulletin plays at most once per window occurrence, and every bulletin
 *   that could go is already in every occurrence that still has room;
 * - `daily-play-limit`: every bulletin that could go already plays
 *   `PLANNER_MAX_PLAYS_PER_BULLETIN_PER_DAY` times that day;
 * - `policy-daily-limit`: the broadcast policy's daily airtime is reached.
 */
export type ShortfallCause =
  | 'no-bulletin'
  | 'past'
  | 'no-window'
  | 'no-window-time'
  | 'one-per-occurrence'
  | 'daily-play-limit'
  | 'policy-daily-limit';

/** The fields of a shortfall the grouping reads (see `Shortfall` in planner.ts). */
export interface GroupableShortfall {
  kind: 'weekly' | 'daily';
  topic: string | null;
  week: string;
  from: string;
  to: string;
  missingSeconds: number;
  missingPlays: number;
  cause: ShortfallCause;
  fix: ShortfallFix;
  /** How many bulletins could have gone (for the cause's wording). */
  bulletins: number;
}

function fixKey(fix: ShortfallFix): string {
  switch (fix.action) {
    case 'add-bulletins':
      return `${fix.action}|${fix.topic ?? ''}`;
    case 'extend-window':
      return `${fix.action}|${fix.windowId}`;
    default:
      return fix.action;
  }
}

/** Two fixes of one kind: the larger one covers both. */
function mergeFix(a: ShortfallFix, b: ShortfallFix): ShortfallFix {
  if (a.action === 'add-bulletins' && b.action === 'add-bulletins') {
    const larger = b.count > a.count ? b : a;
    return { ...larger, atLeast: a.atLeast || b.atLeast };
  }
  if (a.action === 'extend-window' && b.action === 'extend-window') {
    return { ...a, minutes: Math.max(a.minutes, b.minutes) };
  }
  return a;
}

function daysOf(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); ; day.setUTCDate(day.getUTCDate() + 1)) {
    const date = day.toISOString().slice(0, 10);
    if (date > to) return dates;
    dates.push(date);
  }
}

function listDates(dates: readonly string[]): string {
  return dates.length <= 3
    ? dates.join(', ')
    : `${dates.slice(0, 3).join(', ')} and ${dates.length - 3} more`;
}

export function describeCause(
  cause: ShortfallCause,
  bulletins: number,
  maxPlaysPerBulletinPerDay: number,
  topic: string | null,
): string {
  switch (cause) {
    case 'no-bulletin':
      return `no approved bulletin with ready audio is tagged ${topic ?? 'with a topic of the campaign'}`;
    case 'past':
      return "the days' on-air windows are over";
    case 'no-window':
      return 'no on-air window falls on these days';
    case 'no-window-time':
      return "the windows' free time is shorter than the bulletins that could fill it";
    case 'one-per-occurrence':
      return `a bulletin plays at most once per window occurrence, and each of the ${bulletins} bulletins is already in every occurrence with room`;
    case 'daily-play-limit':
      return `each of the ${bulletins} bulletins already plays ${maxPlaysPerBulletinPerDay} times a day (PLANNER_MAX_PLAYS_PER_BULLETIN_PER_DAY)`;
    case 'policy-daily-limit':
      return "the broadcast policy's daily airtime limit is reached";
  }
}

export function describeFix(fix: ShortfallFix): string {
  switch (fix.action) {
    case 'add-bulletins': {
      const count = `${fix.atLeast ? 'at least ' : ''}${fix.count} bulletin${fix.count === 1 ? '' : 's'}`;
      const length = fix.bulletinSeconds === null ? '' : ` of about ${fix.bulletinSeconds} s`;
      const plays = `each can play ${fix.playsEach} time${fix.playsEach === 1 ? '' : 's'} in the window occurrences left`;
      return `add ${count}${length} tagged ${fix.topic ?? 'with a campaign topic'} (${plays})`;
    }
    case 'extend-window':
      return `open ${fix.minutes} more min in window ${fix.windowName}`;
    case 'add-window':
      return 'add an on-air window on these days';
    case 'raise-daily-limit':
      return "raise the policy's daily airtime limit";
    case 'none':
      return 'nothing can be planned';
  }
}

/**
 * One line per rule and cause, with the days it affects, instead of one sentence per day or week:
 * seven days short for the same reason are one line naming seven days. Order: weekly rules in
 * their order of first appearance, then the daily minimum.
 */
export function groupShortfalls(
  shortfalls: readonly GroupableShortfall[],
  maxPlaysPerBulletinPerDay: number,
): ShortfallGroup[] {
  const groups = new Map<string, ShortfallGroup>();
  for (const shortfall of shortfalls) {
    const key = [
      shortfall.kind,
      shortfall.topic ?? '',
      shortfall.cause,
      fixKey(shortfall.fix),
    ].join('|');
    let group = groups.get(key);
    if (!group) {
      group = {
        kind: shortfall.kind,
        topic: shortfall.topic,
        cause: shortfall.cause,
        fix: shortfall.fix,
        dates: [],
        weeks: [],
        missingSeconds: 0,
        missingPlays: 0,
        maxMissingSeconds: 0,
        maxMissingPlays: 0,
        bulletins: shortfall.bulletins,
        maxPlaysPerBulletinPerDay,
        count: 0,
        message: '',
      };
      groups.set(key, group);
    }
    group.fix = mergeFix(group.fix, shortfall.fix);
    group.bulletins = Math.max(group.bulletins, shortfall.bulletins);
    group.count += 1;
    group.dates.push(...daysOf(shortfall.from, shortfall.to));
    if (!group.weeks.some((week) => week.week === shortfall.week)) {
      group.weeks.push({ week: shortfall.week, from: shortfall.from, to: shortfall.to });
    } else if (shortfall.kind === 'daily') {
      const week = group.weeks.find((item) => item.week === shortfall.week)!;
      if (shortfall.from < week.from) week.from = shortfall.from;
      if (shortfall.to > week.to) week.to = shortfall.to;
    }
    group.missingSeconds =
      Math.round((group.missingSeconds + shortfall.missingSeconds) * 1000) / 1000;
    group.missingPlays += shortfall.missingPlays;
    group.maxMissingSeconds = Math.max(group.maxMissingSeconds, shortfall.missingSeconds);
    group.maxMissingPlays = Math.max(group.maxMissingPlays, shortfall.missingPlays);
  }
  const ordered = [...groups.values()].sort((a, b) =>
    a.kind === b.kind ? 0 : a.kind === 'weekly' ? -1 : 1,
  );
  for (const group of ordered) {
    group.dates = [...new Set(group.dates)].sort();
    const subject =
      group.kind === 'daily'
        ? `Daily campaign airtime is short on ${group.dates.length} day${group.dates.length === 1 ? '' : 's'} (${listDates(group.dates)})`
        : `${group.topic} is short in ${group.weeks.length} week${group.weeks.length === 1 ? '' : 's'} (${group.weeks.map((week) => week.week).join(', ')})`;
    const cause = describeCause(
      group.cause,
      group.bulletins,
      maxPlaysPerBulletinPerDay,
      group.topic,
    );
    group.message = `${subject}: ${cause}; ${describeFix(group.fix)}`;
  }
  return ordered;
}
