import { eachDate, localDateOf } from '../common/local-time';
import {
  assessProgress,
  CampaignProgress,
  CampaignTargets,
  CountedItem,
  describeDayGap,
  describeSeconds,
  describeTopicGap,
  isCampaignItem,
  WeekSegment,
  weekLabel,
  weekSegments,
} from './campaign-progress';
import { Occurrence, occurrencesOn, WindowSpec } from './window-time';

/** A bulletin the planner may place: approved, audio ready, schedulable by the commune. */
export interface PlannerBulletin {
  id: string;
  topics: readonly string[];
  durationMs: number;
  /** From the province library (the commune's own come first). */
  library: boolean;
  /** Newer bulletins come first. */
  approvedAt: number;
}

/** An item already on the log: it is kept, takes its time, and counts when it will or did air. */
export interface PlannerExistingItem {
  id: string;
  bulletinId: string;
  startsAt: number;
  endsAt: number;
  durationMs: number;
  topics: readonly string[];
  /** False for items that take time but will not add airtime (missed, failed, partial). */
  counts: boolean;
}

export interface PlannerInput {
  /** Local dates, both included, already inside the campaign. */
  from: string;
  to: string;
  /** Nothing is planned before this instant. */
  now: number;
  windows: readonly WindowSpec[];
  /** Every non-cancelled item of the commune near the range. */
  existing: readonly PlannerExistingItem[];
  bulletins: readonly PlannerBulletin[];
  targets: CampaignTargets;
  gapMs: number;
  maxPlaysPerBulletinPerDay: number;
}

export interface PlannedItem {
  bulletinId: string;
  windowId: string;
  startsAt: number;
  endsAt: number;
  durationMs: number;
}

export type ShortfallReason = 'no-bulletin' | 'no-window-time' | 'rotation-limit' | 'past';

/** A rule the plan cannot meet, with the numbers and the reason in words. */
export interface Shortfall {
  kind: 'weekly' | 'daily';
  /** The rule's topic (weekly), null for the daily campaign minimum. */
  topic: string | null;
  week: string;
  from: string;
  to: string;
  date: string | null;
  requiredSeconds: number;
  scheduledSeconds: number;
  missingSeconds: number;
  requiredPlays: number;
  scheduledPlays: number;
  missingPlays: number;
  reason: ShortfallReason;
  message: string;
}

export interface PlanResult {
  items: PlannedItem[];
  shortfalls: Shortfall[];
  /** The targets measured on the log as it would be with the plan. */
  progress: CampaignProgress;
}

interface Interval {
  start: number;
  end: number;
}

/** One window occurrence and what already fills it. */
interface Slot {
  occurrence: Occurrence;
  /** Items near or inside the occurrence, by start. */
  busy: Interval[];
  bulletinIds: Set<string>;
  /** Earliest instant an item may start (the occurrence start, or now). */
  openFrom: number;
  itemCount: number;
}

interface Failure {
  reason: ShortfallReason;
  message: string;
}

function ceilToSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/**
 * Fills free window time so that every rule of the campaign is met in every ISO week of the
 * range and every day reaches the daily minimum. Pure and deterministic: the same input gives
 * the same plan. Rotation: a bulletin never twice in one window occurrence, at most
 * `maxPlaysPerBulletinPerDay` a day, spread over days; the commune's own and newer bulletins
 * before the province library.
 */
export function planCampaign(input: PlannerInput): PlanResult {
  return new PlanBuilder(input).build();
}

class PlanBuilder {
  private readonly today: string;
  private readonly slotsByDate = new Map<string, Slot[]>();
  private readonly bulletinsByTopic = new Map<string, PlannerBulletin[]>();
  private readonly campaignBulletins: PlannerBulletin[];
  private readonly planned: PlannedItem[] = [];
  private readonly playsByDayBulletin = new Map<string, number>();
  private readonly playsByWeekBulletin = new Map<string, number>();
  private readonly msByWeekTopic = new Map<string, number>();
  private readonly playsByWeekTopic = new Map<string, number>();
  private readonly playsByDayTopic = new Map<string, number>();
  private readonly campaignMsByDay = new Map<string, number>();
  private readonly weekFailures = new Map<string, Failure>();
  private readonly dayFailures = new Map<string, Failure>();
  private readonly segmentsByWeek = new Map<string, WeekSegment>();
  private readonly topicsByBulletin = new Map<string, readonly string[]>();

  constructor(private readonly input: PlannerInput) {
    this.today = localDateOf(new Date(input.now));
    const bulletins = [...input.bulletins].sort((a, b) => a.id.localeCompare(b.id));
    for (const segment of weekSegments(input.from, input.to)) {
      this.segmentsByWeek.set(segment.week, segment);
    }
    for (const bulletin of bulletins) {
      this.topicsByBulletin.set(bulletin.id, bulletin.topics);
      for (const topic of new Set(bulletin.topics)) {
        const list = this.bulletinsByTopic.get(topic) ?? [];
        list.push(bulletin);
        this.bulletinsByTopic.set(topic, list);
      }
    }
    this.campaignBulletins = bulletins.filter((bulletin) =>
      isCampaignItem(input.targets, bulletin.topics),
    );
    this.buildSlots();
    for (const item of input.existing) this.countExisting(item);
  }

  build(): PlanResult {
    for (const segment of this.segmentsByWeek.values()) this.fillWeek(segment);
    for (const date of eachDate(this.input.from, this.input.to)) this.fillDay(date);
    const counted: CountedItem[] = [
      ...this.input.existing.filter((item) => item.counts),
      ...this.planned.map((item) => ({
        startsAt: item.startsAt,
        durationMs: item.durationMs,
        topics: this.bulletinTopics(item.bulletinId),
      })),
    ];
    const progress = assessProgress(this.input.targets, this.input.from, this.input.to, counted);
    const items = [...this.planned].sort(
      (a, b) => a.startsAt - b.startsAt || a.bulletinId.localeCompare(b.bulletinId),
    );
    return { items, shortfalls: this.shortfalls(progress), progress };
  }

  // ----- setup -----

  private buildSlots(): void {
    const { gapMs, now } = this.input;
    const existing = [...this.input.existing].sort((a, b) => a.startsAt - b.startsAt);
    for (const date of eachDate(this.input.from, this.input.to)) {
      const slots = occurrencesOn(this.input.windows, date).map((occurrence): Slot => {
        const near = existing.filter(
          (item) =>
            item.startsAt < occurrence.endsAt + gapMs && occurrence.startsAt - gapMs < item.endsAt,
        );
        return {
          occurrence,
          busy: near.map((item) => ({ start: item.startsAt, end: item.endsAt })),
          bulletinIds: new Set(
            near
              .filter(
                (item) => item.startsAt >= occurrence.startsAt && item.startsAt < occurrence.endsAt,
              )
              .map((item) => item.bulletinId),
          ),
          openFrom: Math.max(occurrence.startsAt, now),
          itemCount: near.length,
        };
      });
      this.slotsByDate.set(date, slots);
    }
  }

  private countExisting(item: PlannerExistingItem): void {
    const date = localDateOf(new Date(item.startsAt));
    const week = weekLabel(date);
    increment(this.playsByDayBulletin, `${date}|${item.bulletinId}`);
    increment(this.playsByWeekBulletin, `${week}|${item.bulletinId}`);
    if (item.counts) this.countAirtime(date, week, item.topics, item.durationMs);
  }

  private countAirtime(date: string, week: string, topics: readonly string[], ms: number): void {
    for (const topic of new Set(topics)) {
      increment(this.msByWeekTopic, `${week}|${topic}`, ms);
      increment(this.playsByWeekTopic, `${week}|${topic}`);
      increment(this.playsByDayTopic, `${date}|${topic}`);
    }
    if (isCampaignItem(this.input.targets, topics)) increment(this.campaignMsByDay, date, ms);
  }

  private bulletinTopics(bulletinId: string): readonly string[] {
    return this.topicsByBulletin.get(bulletinId) ?? [];
  }

  // ----- weekly rules -----

  private fillWeek(segment: WeekSegment): void {
    const days = this.plannableDays(segment);
    const blocked = new Set<string>();
    for (;;) {
      let best: { topic: string; need: number } | undefined;
      for (const rule of this.input.targets.rules) {
        if (blocked.has(rule.topic)) continue;
        const need = this.topicNeed(segment, rule.topic);
        if (need > 0 && (!best || need > best.need)) best = { topic: rule.topic, need };
      }
      if (!best) return;
      if (!this.placeForTopic(segment.week, best.topic, days)) {
        blocked.add(best.topic);
        this.weekFailures.set(
          `${segment.week}|${best.topic}`,
          this.explainWeek(segment, best.topic, days),
        );
      }
    }
  }

  /** How far the topic is from its rule in the week, in plays (airtime divided by mean length). */
  private topicNeed(segment: WeekSegment, topic: string): number {
    const rule = this.input.targets.rules.find((candidate) => candidate.topic === topic);
    if (!rule) return 0;
    const requiredMs = Math.ceil(((rule.minSecondsPerWeek ?? 0) * segment.days) / 7) * 1000;
    const requiredPlays = Math.ceil(((rule.minPlaysPerWeek ?? 0) * segment.days) / 7);
    const key = `${segment.week}|${topic}`;
    const missingMs = Math.max(0, requiredMs - (this.msByWeekTopic.get(key) ?? 0));
    const missingPlays = Math.max(0, requiredPlays - (this.playsByWeekTopic.get(key) ?? 0));
    if (missingMs === 0 && missingPlays === 0) return 0;
    const candidates = this.bulletinsByTopic.get(topic) ?? [];
    const meanMs =
      candidates.reduce((sum, bulletin) => sum + bulletin.durationMs, 0) /
      Math.max(1, candidates.length);
    return Math.max(missingPlays, meanMs > 0 ? missingMs / meanMs : 1);
  }

  private placeForTopic(week: string, topic: string, days: readonly string[]): boolean {
    const candidates = this.bulletinsByTopic.get(topic) ?? [];
    if (candidates.length === 0) return false;
    const ordered = [...days].sort(
      (a, b) =>
        (this.playsByDayTopic.get(`${a}|${topic}`) ?? 0) -
          (this.playsByDayTopic.get(`${b}|${topic}`) ?? 0) ||
        (this.campaignMsByDay.get(a) ?? 0) - (this.campaignMsByDay.get(b) ?? 0) ||
        a.localeCompare(b),
    );
    return ordered.some((date) => this.placeOnDay(date, week, candidates));
  }

  // ----- daily minimum -----

  private fillDay(date: string): void {
    const requiredMs = this.input.targets.minDailySeconds * 1000;
    const week = weekLabel(date);
    while ((this.campaignMsByDay.get(date) ?? 0) < requiredMs) {
      if (!this.placeOnDay(date, week, this.campaignBulletins)) {
        this.dayFailures.set(date, this.explainDay(date));
        return;
      }
    }
  }

  // ----- placing -----

  private placeOnDay(date: string, week: string, candidates: readonly PlannerBulletin[]): boolean {
    if (date < this.today) return false;
    const slots = this.slotsByDate.get(date) ?? [];
    if (slots.length === 0) return false;
    const max = this.input.maxPlaysPerBulletinPerDay;
    const ranked = candidates
      .filter((bulletin) => (this.playsByDayBulletin.get(`${date}|${bulletin.id}`) ?? 0) < max)
      .map((bulletin) => ({ bulletin, key: this.rank(bulletin, date, week) }))
      .sort((a, b) => compareKeys(a.key, b.key) || a.bulletin.id.localeCompare(b.bulletin.id));
    const bySpace = [...slots].sort(
      (a, b) => a.itemCount - b.itemCount || a.occurrence.startsAt - b.occurrence.startsAt,
    );
    for (const { bulletin } of ranked) {
      for (const slot of bySpace) {
        if (slot.bulletinIds.has(bulletin.id)) continue;
        const startsAt = this.fit(slot, bulletin.durationMs);
        if (startsAt !== null) {
          this.place(date, week, slot, bulletin, startsAt);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Preference, lowest first: the commune's own before the library; fewer plays that day; more
   * topics still short this week; fewer plays this week; newer.
   */
  private rank(bulletin: PlannerBulletin, date: string, week: string): number[] {
    const segment = this.segmentsByWeek.get(week);
    const short = segment
      ? bulletin.topics.filter((topic) => this.topicNeed(segment, topic) > 0).length
      : 0;
    return [
      bulletin.library ? 1 : 0,
      this.playsByDayBulletin.get(`${date}|${bulletin.id}`) ?? 0,
      -short,
      this.playsByWeekBulletin.get(`${week}|${bulletin.id}`) ?? 0,
      -bulletin.approvedAt,
    ];
  }

  /** The earliest whole-second start in the slot where `durationMs` fits with the gap, or null. */
  private fit(slot: Slot, durationMs: number): number | null {
    const { gapMs } = this.input;
    let start = ceilToSecond(slot.openFrom);
    for (const busy of slot.busy) {
      if (busy.end + gapMs <= start) continue;
      if (start + durationMs + gapMs <= busy.start) break;
      start = ceilToSecond(Math.max(start, busy.end + gapMs));
    }
    return start + durationMs <= slot.occurrence.endsAt ? start : null;
  }

  private place(
    date: string,
    week: string,
    slot: Slot,
    bulletin: PlannerBulletin,
    startsAt: number,
  ): void {
    const item: PlannedItem = {
      bulletinId: bulletin.id,
      windowId: slot.occurrence.windowId,
      startsAt,
      endsAt: startsAt + bulletin.durationMs,
      durationMs: bulletin.durationMs,
    };
    this.planned.push(item);
    const { gapMs } = this.input;
    for (const other of this.slotsByDate.get(date) ?? []) {
      const near =
        item.startsAt < other.occurrence.endsAt + gapMs &&
        other.occurrence.startsAt - gapMs < item.endsAt;
      if (!near) continue;
      const index = other.busy.findIndex((busy) => busy.start > item.startsAt);
      other.busy.splice(index === -1 ? other.busy.length : index, 0, {
        start: item.startsAt,
        end: item.endsAt,
      });
    }
    slot.bulletinIds.add(bulletin.id);
    slot.itemCount += 1;
    increment(this.playsByDayBulletin, `${date}|${bulletin.id}`);
    increment(this.playsByWeekBulletin, `${week}|${bulletin.id}`);
    this.countAirtime(date, week, bulletin.topics, bulletin.durationMs);
  }

  // ----- explaining what cannot be met -----

  private plannableDays(segment: WeekSegment): string[] {
    return eachDate(segment.from, segment.to).filter(
      (date) => date >= this.today && (this.slotsByDate.get(date)?.length ?? 0) > 0,
    );
  }

  private freeMs(slot: Slot): number {
    const { gapMs } = this.input;
    let cursor = ceilToSecond(slot.openFrom);
    let free = 0;
    for (const busy of slot.busy) {
      if (busy.end + gapMs <= cursor) continue;
      const until = Math.min(busy.start - gapMs, slot.occurrence.endsAt);
      if (until > cursor) free += until - cursor;
      cursor = Math.max(cursor, ceilToSecond(busy.end + gapMs));
    }
    if (slot.occurrence.endsAt > cursor) free += slot.occurrence.endsAt - cursor;
    return free;
  }

  private explainTime(
    dates: readonly string[],
    candidates: readonly PlannerBulletin[],
    where: string,
    what: string,
  ): Failure {
    const slots = dates.flatMap((date) => this.slotsByDate.get(date) ?? []);
    const shortest = Math.min(...candidates.map((bulletin) => bulletin.durationMs));
    const free = slots.reduce((sum, slot) => sum + this.freeMs(slot), 0);
    if (slots.length === 0) {
      return { reason: 'no-window-time', message: `No on-air window falls ${where}` };
    }
    if (!slots.some((slot) => this.fit(slot, shortest) !== null)) {
      return {
        reason: 'no-window-time',
        message: `Only ${describeSeconds(free / 1000)} of window time is left ${where}, too little for the shortest ${what} bulletin (${describeSeconds(shortest / 1000)})`,
      };
    }
    return {
      reason: 'rotation-limit',
      message: `Each of the ${candidates.length} ${what} bulletins already plays in every window with room left ${where} or reached ${this.input.maxPlaysPerBulletinPerDay} plays a day; add bulletins or window time`,
    };
  }

  private explainWeek(segment: WeekSegment, topic: string, days: readonly string[]): Failure {
    const candidates = this.bulletinsByTopic.get(topic) ?? [];
    const where = `in week ${segment.week} (${segment.from} – ${segment.to})`;
    if (candidates.length === 0) {
      return {
        reason: 'no-bulletin',
        message: `No approved bulletin with ready audio is tagged ${topic}`,
      };
    }
    if (segment.to < this.today) {
      return { reason: 'past', message: `Week ${segment.week} is already past` };
    }
    return this.explainTime(days, candidates, where, topic);
  }

  private explainDay(date: string): Failure {
    if (this.campaignBulletins.length === 0) {
      return {
        reason: 'no-bulletin',
        message: 'No approved bulletin with ready audio is tagged with a topic of the campaign',
      };
    }
    if (date < this.today) return { reason: 'past', message: `${date} is already past` };
    return this.explainTime([date], this.campaignBulletins, `on ${date}`, 'campaign');
  }

  private shortfalls(progress: CampaignProgress): Shortfall[] {
    const shortfalls: Shortfall[] = [];
    for (const week of progress.weeks) {
      for (const row of week.topics) {
        if (row.met) continue;
        const failure =
          this.weekFailures.get(`${week.week}|${row.topic}`) ??
          this.explainWeek(week, row.topic, this.plannableDays(week));
        shortfalls.push({
          kind: 'weekly',
          topic: row.topic,
          week: week.week,
          from: week.from,
          to: week.to,
          date: null,
          requiredSeconds: row.requiredSeconds,
          scheduledSeconds: row.scheduledSeconds,
          missingSeconds: row.missingSeconds,
          requiredPlays: row.requiredPlays,
          scheduledPlays: row.scheduledPlays,
          missingPlays: row.missingPlays,
          reason: failure.reason,
          message: `${describeTopicGap(week, row)}: ${failure.message}`,
        });
      }
    }
    for (const day of progress.days) {
      if (day.met) continue;
      const failure = this.dayFailures.get(day.date) ?? this.explainDay(day.date);
      shortfalls.push({
        kind: 'daily',
        topic: null,
        week: weekLabel(day.date),
        from: day.date,
        to: day.date,
        date: day.date,
        requiredSeconds: day.requiredSeconds,
        scheduledSeconds: day.scheduledSeconds,
        missingSeconds: day.missingSeconds,
        requiredPlays: 0,
        scheduledPlays: 0,
        missingPlays: 0,
        reason: failure.reason,
        message: `${describeDayGap(day)}: ${failure.message}`,
      });
    }
    return shortfalls;
  }
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < a.length; index += 1) {
    const difference = a[index] - b[index];
    if (difference !== 0) return difference;
  }
  return 0;
}
