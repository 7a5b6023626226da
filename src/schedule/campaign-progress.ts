import { CampaignRule } from '../campaigns/entities/campaign.entity';
import { Airtime, isMet, requirementFor } from '../campaigns/targets';
import { eachDate, isoWeek, localDateOf } from '../common/local-time';
import {
  CampaignProgress,
  DayProgress,
  TopicProgress,
  WeekProgress,
  WeekSegment,
} from './plan.view';

export { CampaignProgress, DayProgress, TopicProgress, WeekProgress, WeekSegment };

/** The rules of a campaign that a program log is measured against. */
export interface CampaignTargets {
  rules: readonly CampaignRule[];
  minDailySeconds: number;
}

/** A program-log item as the targets count it: its airtime counts for every topic it carries. */
export interface CountedItem {
  startsAt: number;
  durationMs: number;
  /** The plays it adds: absent, one; a partial play adds none (`airtimeOf`). */
  plays?: number;
  topics: readonly string[];
}

/**
 * An item of the log as the targets count it, from what it adds (`countedAirtime` in
 * plan.service.ts): nothing (`null`), or its airtime and plays.
 */
export function countedItem(
  startsAt: number,
  topics: readonly string[],
  counted: Airtime | null,
): CountedItem[] {
  return counted ? [{ startsAt, durationMs: counted.airedMs, plays: counted.plays, topics }] : [];
}

const weekLabels = new Map<string, string>();

/** `2025-W41`: the ISO week of a date (remembered: a province's plan asks for it per item). */
export function weekLabel(date: string): string {
  let label = weekLabels.get(date);
  if (label === undefined) {
    const { year, week } = isoWeek(date);
    label = `${year}-W${String(week).padStart(2, '0')}`;
    if (weekLabels.size < 100000) weekLabels.set(date, label);
  }
  return label;
}

/** The ISO weeks of [from, to], each cut to the range (pro rata weeks at both ends). */
export function weekSegments(from: string, to: string): WeekSegment[] {
  const segments: WeekSegment[] = [];
  for (const date of eachDate(from, to)) {
    const week = weekLabel(date);
    const last = segments.at(-1);
    if (last && last.week === week) {
      last.to = date;
      last.days += 1;
    } else {
      segments.push({ week, from: date, to: date, days: 1 });
    }
  }
  return segments;
}

/** Seconds with millisecond precision (item durations are in milliseconds). */
export function msToSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** "6 min 5 s", "45 s", "1 h 2 min": how a shortfall of airtime reads. */
export function describeSeconds(seconds: number): string {
  const whole = Math.ceil(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const parts = [
    hours > 0 ? `${hours} h` : '',
    minutes > 0 ? `${minutes} min` : '',
    rest > 0 || whole === 0 ? `${rest} s` : '',
  ];
  return parts.filter((part) => part !== '').join(' ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function isCampaignItem(targets: CampaignTargets, topics: readonly string[]): boolean {
  return targets.rules.some((rule) => topics.includes(rule.topic));
}

/**
 * How a set of items measures against the campaign over [from, to]: every rule in every ISO week
 * (pro rata for the parts of weeks at the ends), and the campaign airtime of every day.
 */
export function assessProgress(
  targets: CampaignTargets,
  from: string,
  to: string,
  items: readonly CountedItem[],
): CampaignProgress {
  const msByWeekTopic = new Map<string, number>();
  const playsByWeekTopic = new Map<string, number>();
  const campaignMsByDay = new Map<string, number>();
  for (const item of items) {
    const date = localDateOf(new Date(item.startsAt));
    if (date < from || date > to) continue;
    const week = weekLabel(date);
    for (const topic of new Set(item.topics)) {
      const key = `${week}|${topic}`;
      msByWeekTopic.set(key, (msByWeekTopic.get(key) ?? 0) + item.durationMs);
      playsByWeekTopic.set(key, (playsByWeekTopic.get(key) ?? 0) + (item.plays ?? 1));
    }
    if (isCampaignItem(targets, item.topics)) {
      campaignMsByDay.set(date, (campaignMsByDay.get(date) ?? 0) + item.durationMs);
    }
  }

  const gaps: string[] = [];
  const weeks = weekSegments(from, to).map((segment): WeekProgress => {
    const topics = targets.rules.map((rule): TopicProgress => {
      const requirement = requirementFor(rule, segment.days);
      const key = `${segment.week}|${rule.topic}`;
      const scheduledSeconds = msToSeconds(msByWeekTopic.get(key) ?? 0);
      const scheduledPlays = playsByWeekTopic.get(key) ?? 0;
      const row: TopicProgress = {
        topic: rule.topic,
        requiredSeconds: requirement.requiredSeconds,
        scheduledSeconds,
        missingSeconds: msToSeconds(
          Math.max(0, requirement.requiredSeconds * 1000 - (msByWeekTopic.get(key) ?? 0)),
        ),
        requiredPlays: requirement.requiredPlays,
        scheduledPlays,
        missingPlays: Math.max(0, requirement.requiredPlays - scheduledPlays),
        met: isMet(requirement, scheduledSeconds, scheduledPlays),
      };
      if (!row.met) gaps.push(describeTopicGap(segment, row));
      return row;
    });
    return { ...segment, topics };
  });

  const days = eachDate(from, to).map((date): DayProgress => {
    const ms = campaignMsByDay.get(date) ?? 0;
    const requiredMs = targets.minDailySeconds * 1000;
    const row: DayProgress = {
      date,
      requiredSeconds: targets.minDailySeconds,
      scheduledSeconds: msToSeconds(ms),
      missingSeconds: msToSeconds(Math.max(0, requiredMs - ms)),
      met: ms >= requiredMs,
    };
    if (!row.met) gaps.push(describeDayGap(row));
    return row;
  });

  return {
    from,
    to,
    met: gaps.length === 0,
    weeks,
    days,
    gaps,
  };
}

export function describeDayGap(row: DayProgress): string {
  return `The log is ${describeSeconds(row.missingSeconds)} short of the ${describeSeconds(row.requiredSeconds)} of campaign airtime required on ${row.date}`;
}

export function describeTopicGap(segment: WeekSegment, row: TopicProgress): string {
  const short: string[] = [];
  if (row.missingSeconds > 0) short.push(describeSeconds(row.missingSeconds));
  if (row.missingPlays > 0) short.push(plural(row.missingPlays, 'play'));
  const span = segment.from === segment.to ? segment.from : `${segment.from} – ${segment.to}`;
  return `The log is ${short.join(' and ')} short on ${row.topic} in week ${segment.week} (${span})`;
}
