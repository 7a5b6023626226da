import { eachDate, formatLocalTime, localDateOf, localMsOfDay } from '../common/local-time';
import {
  assessProgress,
  CampaignProgress,
  CampaignTargets,
  CountedItem,
  countedItem,
  describeDayGap,
  describeSeconds,
  describeTopicGap,
  isCampaignItem,
  WeekSegment,
  weekSegments,
} from './campaign-progress';
import { CampaignRule } from '../campaigns/entities/campaign.entity';
import type { Airtime } from '../campaigns/targets';
import { BroadcastPolicy, describeHours, hoursWithin, PolicyRule } from './broadcast-policy';
import { Occurrence, occurrencesOn, WindowSpec } from './window-time';
import {
  describeCause,
  describeFix,
  groupShortfalls,
  ShortfallCause,
  ShortfallFix,
  ShortfallGroup,
} from './shortfall-groups';
import { AddBulletinsFix, Shortfall } from './plan.view';

export { Shortfall };

/** A bulletin the planner may place: approved, audio ready, schedulable by the commune. */
export interface PlannerBulletin {
  id: string;
  topics: readonly string[];
  durationMs: number;
  /** From the province library (the commune's own come first). */
  library: boolean;
  /** Newer bulletins come first. */
  approvedAt: number;
  /** TT 39: a province `priority` bulletin goes ahead of the commune's normal ones. */
  priority?: 'normal' | 'priority' | 'emergency';
}

/** An item already on the log: it is kept, takes its time, and counts when it will or did air. */
export interface PlannerExistingItem {
  id: string;
  bulletinId: string;
  startsAt: number;
  endsAt: number;
  durationMs: number;
  topics: readonly string[];
  /**
   * What it adds to the targets: its duration and one play when it will or did air whole; a
   * partial play what its as-run records count (`airtimeOf`: the played part, no play); null
   * when it takes time but adds nothing (missed, failed, refused, a partial play without a
   * record).
   */
  counted: Airtime | null;
  /**
   * False for an item that plays on none of the devices the plan is for (other zones): it still
   * counts towards the targets but leaves its time free for the plan. Absent: true.
   */
  sharesAir?: boolean;
  /**
   * Whether the policy's daily limit counts its airtime, as the player and the breach lists count
   * it (`countsTowardDailyLimit`, policy-checks.ts: neither an emergency nor live speech).
   */
  countsTowardDailyLimit: boolean;
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
  /** The commune's broadcast policy: window time that breaks it is not used. Absent: none. */
  policy?: BroadcastPolicy;
}

/** Window time the plan left unused because it breaks the broadcast policy. */
export interface PolicyLimit {
  windowId: string;
  date: string;
  rule: PolicyRule;
  /** The unusable stretch, epoch ms (the whole day for the daily limit). */
  startsAt: number;
  endsAt: number;
  message: string;
}

export interface PlannedItem {
  bulletinId: string;
  windowId: string;
  startsAt: number;
  endsAt: number;
  durationMs: number;
}

export type ShortfallReason =
  'no-bulletin' | 'no-window-time' | 'rotation-limit' | 'past' | 'policy';

export interface PlanResult {
  items: PlannedItem[];
  shortfalls: Shortfall[];
  /** The shortfalls, one line per rule and cause, with the days each affects. */
  shortfallGroups: ShortfallGroup[];
  /** The targets measured on the log as it would be with the plan. */
  progress: CampaignProgress;
  /** Window time left unused for the broadcast policy. */
  policyLimits: PolicyLimit[];
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
  /** Indexes of the bulletins already in the occurrence. */
  bulletins: Set<number>;
  /** Earliest instant an item may start (the occurrence start, or now). */
  openFrom: number;
  /** Latest instant an item may end: the occurrence end, or sooner for the longest session. */
  closesAt: number;
  itemCount: number;
  /** Items this plan placed in the slot. */
  placed: PlannedItem[];
}

interface Failure {
  reason: ShortfallReason;
  cause: ShortfallCause;
  fix: ShortfallFix;
  bulletins: number;
  message: string;
}

const REASON_OF_CAUSE: Record<ShortfallCause, ShortfallReason> = {
  'no-bulletin': 'no-bulletin',
  past: 'past',
  'no-window': 'no-window-time',
  'no-window-time': 'no-window-time',
  'one-per-occurrence': 'rotation-limit',
  'daily-play-limit': 'rotation-limit',
  'policy-daily-limit': 'policy',
};

function failure(
  cause: ShortfallCause,
  fix: ShortfallFix,
  bulletins: number,
  message: string,
): Failure {
  return { reason: REASON_OF_CAUSE[cause], cause, fix, bulletins, message };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the planner knows of a bulletin, by index: candidates first, then others on the log. */
interface BulletinInfo {
  id: string;
  durationMs: number;
  library: boolean;
  candidate: boolean;
  /** Indexes of the campaign's rules the bulletin counts for. */
  rules: number[];
  /** Tagged with a topic of the campaign: counts toward the daily minimum. */
  campaign: boolean;
  /** Preference among equals: newer first, then by id. */
  order: number;
}

function minutesIn(instant: number): number {
  return Math.round(localMsOfDay(new Date(instant)) / 60000);
}

function ceilToSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
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

/**
 * The planner's state. Days, weeks, rules and bulletins are numbered, and the counters are flat
 * arrays indexed by them: a province plans thousands of items, and string-keyed maps were most
 * of the time.
 */
class PlanBuilder {
  private readonly dates: string[];
  private readonly dayOf = new Map<string, number>();
  private readonly today: string;
  private readonly segments: WeekSegment[];
  private readonly weekOfDay: number[] = [];
  private readonly rules: readonly CampaignRule[];
  private readonly bulletins: BulletinInfo[] = [];
  private readonly bulletinOf = new Map<string, number>();
  private readonly candidatesByRule: number[][];
  private readonly campaignCandidates: number[];
  private readonly meanMsByRule: number[];
  private readonly slotsByDay: Slot[][];
  private readonly planned: PlannedItem[] = [];
  private readonly playsByDayBulletin: Int32Array;
  private readonly playsByWeekBulletin: Int32Array;
  private readonly msByWeekRule: Float64Array;
  private readonly playsByWeekRule: Int32Array;
  private readonly playsByDayRule: Int32Array;
  private readonly campaignMsByDay: Float64Array;
  /** Airtime of each day for the policy's daily limit, as the player counts it. */
  private readonly airtimeMsByDay: Float64Array;
  private readonly policyLimits: PolicyLimit[] = [];
  private readonly dailyLimited = new Set<number>();
  private readonly weekFailures = new Map<string, Failure>();
  private readonly dayFailures = new Map<number, Failure>();

  constructor(private readonly input: PlannerInput) {
    this.today = localDateOf(new Date(input.now));
    this.dates = eachDate(input.from, input.to);
    this.dates.forEach((date, day) => this.dayOf.set(date, day));
    this.segments = weekSegments(input.from, input.to);
    this.segments.forEach((segment, week) => {
      for (let day = this.dayOf.get(segment.from) ?? 0; day < this.dates.length; day += 1) {
        if (this.dates[day] > segment.to) break;
        this.weekOfDay[day] = week;
      }
    });
    this.rules = input.targets.rules;
    this.indexBulletins();
    const candidates = this.bulletins.filter((bulletin) => bulletin.candidate);
    this.candidatesByRule = this.rules.map((_rule, rule) =>
      candidates.filter((bulletin) => bulletin.rules.includes(rule)).map((b) => this.index(b.id)),
    );
    this.campaignCandidates = candidates.filter((b) => b.campaign).map((b) => this.index(b.id));
    this.meanMsByRule = this.candidatesByRule.map(
      (list) =>
        list.reduce((sum, index) => sum + this.bulletins[index].durationMs, 0) /
        Math.max(1, list.length),
    );
    const days = this.dates.length;
    const weeks = this.segments.length;
    const count = this.bulletins.length;
    const rules = this.rules.length;
    this.playsByDayBulletin = new Int32Array(days * count);
    this.playsByWeekBulletin = new Int32Array(weeks * count);
    this.msByWeekRule = new Float64Array(weeks * rules);
    this.playsByWeekRule = new Int32Array(weeks * rules);
    this.playsByDayRule = new Int32Array(days * rules);
    this.campaignMsByDay = new Float64Array(days);
    this.airtimeMsByDay = new Float64Array(days);
    this.slotsByDay = this.buildSlots();
    for (const item of input.existing) this.countExisting(item);
  }

  build(): PlanResult {
    this.segments.forEach((_segment, week) => this.fillWeek(week));
    this.dates.forEach((_date, day) => this.fillDay(day));
    const counted: CountedItem[] = [
      ...this.input.existing.flatMap((item) =>
        countedItem(item.startsAt, item.topics, item.counted),
      ),
      ...this.planned.map((item) => ({
        startsAt: item.startsAt,
        durationMs: item.durationMs,
        topics: this.input.bulletins[this.index(item.bulletinId)]?.topics ?? [],
      })),
    ];
    const progress = assessProgress(this.input.targets, this.input.from, this.input.to, counted);
    this.slotsByDay.forEach((slots) => slots.forEach((slot) => this.priorityFirst(slot)));
    const items = [...this.planned].sort(
      (a, b) => a.startsAt - b.startsAt || a.bulletinId.localeCompare(b.bulletinId),
    );
    const policyLimits = [...this.policyLimits].sort(
      (a, b) => a.startsAt - b.startsAt || a.windowId.localeCompare(b.windowId),
    );
    const shortfalls = this.shortfalls(progress);
    const shortfallGroups = groupShortfalls(shortfalls, this.input.maxPlaysPerBulletinPerDay);
    return { items, shortfalls, shortfallGroups, progress, policyLimits };
  }

  // ----- setup -----

  /** Candidates keep their input positions (so `input.bulletins[index]` is the bulletin). */
  private indexBulletins(): void {
    const ruleIndexes = (topics: readonly string[]) =>
      this.rules.flatMap((rule, index) => (topics.includes(rule.topic) ? [index] : []));
    const preference = [...this.input.bulletins].sort(
      (a, b) => b.approvedAt - a.approvedAt || a.id.localeCompare(b.id),
    );
    const order = new Map(preference.map((bulletin, rank) => [bulletin.id, rank]));
    this.input.bulletins.forEach((bulletin, index) => {
      this.bulletinOf.set(bulletin.id, index);
      this.bulletins.push({
        id: bulletin.id,
        durationMs: bulletin.durationMs,
        library: bulletin.library,
        candidate: true,
        rules: ruleIndexes(bulletin.topics),
        campaign: isCampaignItem(this.input.targets, bulletin.topics),
        order: order.get(bulletin.id) ?? index,
      });
    });
    for (const item of this.input.existing) {
      if (this.bulletinOf.has(item.bulletinId)) continue;
      this.bulletinOf.set(item.bulletinId, this.bulletins.length);
      this.bulletins.push({
        id: item.bulletinId,
        durationMs: item.durationMs,
        library: false,
        candidate: false,
        rules: ruleIndexes(item.topics),
        campaign: isCampaignItem(this.input.targets, item.topics),
        order: this.bulletins.length,
      });
    }
  }

  private index(bulletinId: string): number {
    return this.bulletinOf.get(bulletinId) ?? -1;
  }

  private buildSlots(): Slot[][] {
    const { gapMs, now } = this.input;
    const existing = this.input.existing
      .filter((item) => item.sharesAir !== false)
      .sort((a, b) => a.startsAt - b.startsAt);
    return this.dates.map((date) =>
      occurrencesOn(this.input.windows, date).map((occurrence): Slot => {
        const near = existing.filter(
          (item) =>
            item.startsAt < occurrence.endsAt + gapMs && occurrence.startsAt - gapMs < item.endsAt,
        );
        const busy = [
          ...near.map((item) => ({ start: item.startsAt, end: item.endsAt })),
          ...this.quietParts(occurrence),
        ].sort((a, b) => a.start - b.start);
        return {
          occurrence,
          busy,
          bulletins: new Set(
            near
              .filter(
                (item) => item.startsAt >= occurrence.startsAt && item.startsAt < occurrence.endsAt,
              )
              .map((item) => this.index(item.bulletinId)),
          ),
          openFrom: Math.max(occurrence.startsAt, now),
          closesAt: this.sessionEnd(occurrence),
          itemCount: near.length,
          placed: [],
        };
      }),
    );
  }

  private countExisting(item: PlannerExistingItem): void {
    const day = this.dayOf.get(localDateOf(new Date(item.startsAt)));
    if (day === undefined) return;
    this.count(day, this.index(item.bulletinId), item.counted);
    if (item.countsTowardDailyLimit) this.airtimeMsByDay[day] += item.durationMs;
  }

  /** The quiet hours inside an occurrence, as busy time; each noted as a policy limit. */
  private quietParts(occurrence: Occurrence): Interval[] {
    const quiet = this.input.policy?.quietHours;
    if (!quiet) return [];
    return hoursWithin(quiet, occurrence.startsAt, occurrence.endsAt).map((part) => {
      this.policyLimits.push({
        windowId: occurrence.windowId,
        date: occurrence.date,
        rule: 'POLICY_QUIET_HOURS',
        startsAt: part.startsAt,
        endsAt: part.endsAt,
        message: `Window ${occurrence.name} on ${occurrence.date}: ${formatLocalTime(minutesIn(part.startsAt))}–${formatLocalTime(minutesIn(part.endsAt))} falls in the quiet hours ${describeHours(quiet)} and is not used`,
      });
      // Busy intervals keep the gap on both sides; the quiet hours themselves need none.
      return { start: part.startsAt + this.input.gapMs, end: part.endsAt - this.input.gapMs };
    });
  }

  /** The occurrence's end, or its start + the longest session when that comes first. */
  private sessionEnd(occurrence: Occurrence): number {
    const max = this.input.policy?.maxSessionMinutes;
    if (max === undefined || occurrence.endsAt - occurrence.startsAt <= max * 60000) {
      return occurrence.endsAt;
    }
    const closesAt = occurrence.startsAt + max * 60000;
    this.policyLimits.push({
      windowId: occurrence.windowId,
      date: occurrence.date,
      rule: 'POLICY_SESSION_TOO_LONG',
      startsAt: closesAt,
      endsAt: occurrence.endsAt,
      message: `Window ${occurrence.name} on ${occurrence.date} is longer than the longest session (${max} min): its time after the first ${max} min is not used`,
    });
    return closesAt;
  }

  /** A play of the bulletin on the day, and what it adds to the targets (`null`: nothing). */
  private count(day: number, bulletin: number, airtime: Airtime | null): void {
    const week = this.weekOfDay[day];
    const bulletins = this.bulletins.length;
    const rules = this.rules.length;
    this.playsByDayBulletin[day * bulletins + bulletin] += 1;
    this.playsByWeekBulletin[week * bulletins + bulletin] += 1;
    if (!airtime) return;
    const info = this.bulletins[bulletin];
    for (const rule of info.rules) {
      this.msByWeekRule[week * rules + rule] += airtime.airedMs;
      this.playsByWeekRule[week * rules + rule] += airtime.plays;
      this.playsByDayRule[day * rules + rule] += airtime.plays;
    }
    if (info.campaign) this.campaignMsByDay[day] += airtime.airedMs;
  }

  // ----- weekly rules -----

  private fillWeek(week: number): void {
    const days = this.plannableDays(week);
    const blocked = new Set<number>();
    for (;;) {
      let best = -1;
      let bestNeed = 0;
      this.rules.forEach((_rule, rule) => {
        if (blocked.has(rule)) return;
        const need = this.ruleNeed(week, rule);
        if (need > bestNeed) {
          best = rule;
          bestNeed = need;
        }
      });
      if (best === -1) return;
      if (!this.placeForRule(best, days)) {
        blocked.add(best);
        this.weekFailures.set(`${week}|${best}`, this.explainWeek(week, best, days));
      }
    }
  }

  /** What a rule still misses in the week. */
  private ruleMissing(week: number, rule: number): { missingMs: number; missingPlays: number } {
    const { minSecondsPerWeek = 0, minPlaysPerWeek = 0 } = this.rules[rule];
    const days = this.segments[week].days;
    const key = week * this.rules.length + rule;
    return {
      missingMs: Math.max(
        0,
        Math.ceil((minSecondsPerWeek * days) / 7) * 1000 - this.msByWeekRule[key],
      ),
      missingPlays: Math.max(
        0,
        Math.ceil((minPlaysPerWeek * days) / 7) - this.playsByWeekRule[key],
      ),
    };
  }

  /** How far a rule is from met in the week, in plays (missing airtime ÷ mean bulletin length). */
  private ruleNeed(week: number, rule: number): number {
    const { missingMs, missingPlays } = this.ruleMissing(week, rule);
    if (missingMs === 0 && missingPlays === 0) return 0;
    const meanMs = this.meanMsByRule[rule];
    return Math.max(missingPlays, meanMs > 0 ? missingMs / meanMs : 1);
  }

  private placeForRule(rule: number, days: readonly number[]): boolean {
    const candidates = this.candidatesByRule[rule];
    if (candidates.length === 0) return false;
    const rules = this.rules.length;
    const ordered = [...days].sort(
      (a, b) =>
        this.playsByDayRule[a * rules + rule] - this.playsByDayRule[b * rules + rule] ||
        this.campaignMsByDay[a] - this.campaignMsByDay[b] ||
        a - b,
    );
    return ordered.some((day) => this.placeOnDay(day, candidates));
  }

  // ----- daily minimum -----

  private fillDay(day: number): void {
    const requiredMs = this.input.targets.minDailySeconds * 1000;
    while (this.campaignMsByDay[day] < requiredMs) {
      if (!this.placeOnDay(day, this.campaignCandidates)) {
        this.dayFailures.set(day, this.explainDay(day));
        return;
      }
    }
  }

  // ----- placing -----

  private placeOnDay(day: number, candidates: readonly number[]): boolean {
    if (this.dates[day] < this.today) return false;
    const slots = this.slotsByDay[day];
    if (slots.length === 0) return false;
    const week = this.weekOfDay[day];
    const count = this.bulletins.length;
    const max = this.input.maxPlaysPerBulletinPerDay;
    const short = this.rules.map((_rule, rule) => this.ruleNeed(week, rule) > 0);
    const ranked = candidates
      .filter((bulletin) => this.playsByDayBulletin[day * count + bulletin] < max)
      .map((bulletin) => ({ bulletin, key: this.rank(bulletin, day, week, short) }))
      .sort((a, b) => compareKeys(a.key, b.key));
    const bySpace = [...slots].sort(
      (a, b) => a.itemCount - b.itemCount || a.occurrence.startsAt - b.occurrence.startsAt,
    );
    const dailyMs = (this.input.policy?.maxDailyMinutes ?? Infinity) * 60000;
    for (const { bulletin } of ranked) {
      if (this.airtimeMsByDay[day] + this.bulletins[bulletin].durationMs > dailyMs) {
        this.noteDailyLimit(day);
        continue;
      }
      for (const slot of bySpace) {
        if (slot.bulletins.has(bulletin)) continue;
        const startsAt = this.fit(slot, this.bulletins[bulletin].durationMs);
        if (startsAt !== null) {
          this.place(day, slot, bulletin, startsAt);
          return true;
        }
      }
    }
    return false;
  }

  private noteDailyLimit(day: number): void {
    if (this.dailyLimited.has(day)) return;
    this.dailyLimited.add(day);
    const date = this.dates[day];
    const max = this.input.policy!.maxDailyMinutes;
    const first = this.slotsByDay[day][0]?.occurrence;
    this.policyLimits.push({
      windowId: first?.windowId ?? '',
      date,
      rule: 'POLICY_DAILY_LIMIT',
      startsAt: first?.startsAt ?? 0,
      endsAt: this.slotsByDay[day].at(-1)?.occurrence.endsAt ?? 0,
      message: `${date}: the day's airtime reached the daily limit of ${max} min; no more items that day`,
    });
  }

  /**
   * TT 39's order inside a window: the province's `priority` bulletins this plan put in the slot
   * go first, then the rest in their order, laid out again from the same free time. Kept as it
   * was when the new order does not fit (other items split the free time unevenly).
   */
  private priorityFirst(slot: Slot): void {
    const ahead = (item: PlannedItem) => (this.isProvincePriority(item.bulletinId) ? 0 : 1);
    const byStart = [...slot.placed].sort((a, b) => a.startsAt - b.startsAt);
    const order = [...byStart].sort((a, b) => ahead(a) - ahead(b) || a.startsAt - b.startsAt);
    if (order.every((item, index) => item === byStart[index])) return;
    const mine = new Set(slot.placed);
    const others = slot.busy.filter(
      (busy) => ![...mine].some((item) => item.startsAt === busy.start && item.endsAt === busy.end),
    );
    const trial: Slot = { ...slot, busy: [...others] };
    const starts: number[] = [];
    for (const item of order) {
      const start = this.fit(trial, item.durationMs);
      if (start === null) return;
      starts.push(start);
      const index = trial.busy.findIndex((busy) => busy.start > start);
      trial.busy.splice(index === -1 ? trial.busy.length : index, 0, {
        start,
        end: start + item.durationMs,
      });
    }
    order.forEach((item, index) => {
      item.startsAt = starts[index];
      item.endsAt = starts[index] + item.durationMs;
    });
  }

  private isProvincePriority(bulletinId: string): boolean {
    const bulletin = this.input.bulletins[this.index(bulletinId)];
    return bulletin !== undefined && bulletin.library && bulletin.priority === 'priority';
  }

  /**
   * Preference, lowest first: a province `priority` bulletin (TT 39); the commune's own before the library; fewer plays that day; more
   * rules still short this week; fewer plays this week; newer; by id.
   */
  private rank(bulletin: number, day: number, week: number, short: readonly boolean[]): number[] {
    const info = this.bulletins[bulletin];
    const count = this.bulletins.length;
    return [
      this.isProvincePriority(info.id) ? 0 : 1,
      info.library ? 1 : 0,
      this.playsByDayBulletin[day * count + bulletin],
      -info.rules.filter((rule) => short[rule]).length,
      this.playsByWeekBulletin[week * count + bulletin],
      info.order,
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
    return start + durationMs <= slot.closesAt ? start : null;
  }

  private place(day: number, slot: Slot, bulletin: number, startsAt: number): void {
    const info = this.bulletins[bulletin];
    const item: PlannedItem = {
      bulletinId: info.id,
      windowId: slot.occurrence.windowId,
      startsAt,
      endsAt: startsAt + info.durationMs,
      durationMs: info.durationMs,
    };
    this.planned.push(item);
    const { gapMs } = this.input;
    for (const other of this.slotsByDay[day]) {
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
    slot.bulletins.add(bulletin);
    slot.itemCount += 1;
    slot.placed.push(item);
    this.airtimeMsByDay[day] += info.durationMs;
    this.count(day, bulletin, { airedMs: info.durationMs, plays: 1 });
  }

  // ----- explaining what cannot be met -----

  private plannableDays(week: number): number[] {
    const { from, to } = this.segments[week];
    const days: number[] = [];
    for (let day = this.dayOf.get(from) ?? 0; day <= (this.dayOf.get(to) ?? -1); day += 1) {
      if (this.dates[day] >= this.today && this.slotsByDay[day].length > 0) days.push(day);
    }
    return days;
  }

  /** The day's occurrences not over by the plan's `now`: those something can still start in. */
  private openSlots(day: number): Slot[] {
    return this.slotsByDay[day].filter((slot) => slot.openFrom < slot.closesAt);
  }

  private freeMs(slot: Slot): number {
    const { gapMs } = this.input;
    let cursor = ceilToSecond(slot.openFrom);
    let free = 0;
    for (const busy of slot.busy) {
      if (busy.end + gapMs <= cursor) continue;
      const until = Math.min(busy.start - gapMs, slot.closesAt);
      if (until > cursor) free += until - cursor;
      cursor = Math.max(cursor, ceilToSecond(busy.end + gapMs));
    }
    if (slot.closesAt > cursor) free += slot.closesAt - cursor;
    return free;
  }

  /**
   * Why none of `candidates` can go on `day` now, checked in the order the placing checks:
   * plays a day, the policy's daily airtime, then room in a window the bulletin is not yet in.
   */
  private dayCause(day: number, candidates: readonly number[]): ShortfallCause {
    if (this.dates[day] < this.today) return 'past';
    if (this.slotsByDay[day].length === 0) return 'no-window';
    // Today's windows that are over by now are as past as yesterday's: none can take a play.
    const slots = this.openSlots(day);
    if (slots.length === 0) return 'past';
    const count = this.bulletins.length;
    const eligible = candidates.filter(
      (bulletin) =>
        this.playsByDayBulletin[day * count + bulletin] < this.input.maxPlaysPerBulletinPerDay,
    );
    if (eligible.length === 0) return 'daily-play-limit';
    const dailyMs = (this.input.policy?.maxDailyMinutes ?? Infinity) * 60000;
    const allowed = eligible.filter(
      (bulletin) => this.airtimeMsByDay[day] + this.bulletins[bulletin].durationMs <= dailyMs,
    );
    if (allowed.length === 0) return 'policy-daily-limit';
    const fits = allowed.some((bulletin) =>
      slots.some((slot) => this.fit(slot, this.bulletins[bulletin].durationMs) !== null),
    );
    // It fits a window but was not placed: only the window's own copy of it stood in the way.
    return fits ? 'one-per-occurrence' : 'no-window-time';
  }

  /** The cause over several days: the bulletins' limits first (more bulletins help there). */
  private daysCause(days: readonly number[], candidates: readonly number[]): ShortfallCause {
    const causes = days.map((day) => this.dayCause(day, candidates));
    const tally = (cause: ShortfallCause) => causes.filter((item) => item === cause).length;
    const perOccurrence = tally('one-per-occurrence');
    const perDay = tally('daily-play-limit');
    if (perOccurrence + perDay > 0) {
      return perOccurrence >= perDay ? 'one-per-occurrence' : 'daily-play-limit';
    }
    if (tally('no-window-time') > 0) return 'no-window-time';
    if (tally('policy-daily-limit') > 0) return 'policy-daily-limit';
    return causes.every((cause) => cause === 'past') && causes.length > 0 ? 'past' : 'no-window';
  }

  /**
   * The fewest new bulletins that close the gap. A new bulletin (taken to be as long as the
   * candidates on average; any length when there are none) plays at most once in each occurrence
   * still open that has room for it, and at most `maxPlaysPerBulletinPerDay` a day: on an evening
   * with one occurrence left, once. Missing plays and missing airtime each ask for their count.
   */
  private bulletinsNeeded(
    days: readonly number[],
    candidates: readonly number[],
    missingMs: number,
    missingPlays: number,
  ): AddBulletinsFix {
    const meanMs =
      candidates.reduce((sum, index) => sum + this.bulletins[index].durationMs, 0) /
      Math.max(1, candidates.length);
    const playsEach = days.reduce((sum, day) => {
      const open = this.openSlots(day).filter(
        (slot) => meanMs === 0 || this.fit(slot, meanMs) !== null,
      );
      return sum + Math.min(this.input.maxPlaysPerBulletinPerDay, open.length);
    }, 0);
    const perBulletin = Math.max(1, playsEach);
    const forPlays = Math.ceil(missingPlays / perBulletin);
    const forAirtime = meanMs > 0 ? Math.ceil(missingMs / (meanMs * perBulletin)) : 0;
    return {
      action: 'add-bulletins',
      topic: null,
      count: Math.max(1, forPlays, forAirtime),
      // Without a bulletin to measure, the airtime's count depends on lengths nobody knows yet.
      atLeast: meanMs === 0 && missingMs > 0,
      bulletinSeconds: meanMs > 0 ? Math.round(meanMs / 100) / 10 : null,
      playsEach: perBulletin,
    };
  }

  /**
   * The window to lengthen (the one on most of the days, the later of the day among equals) and by
   * how much: each day's share of the missing airtime, at least the shortest bulletin, plus the gaps.
   */
  private extendFix(days: readonly number[], missingMs: number, shortestMs: number): ShortfallFix {
    const tally = new Map<string, { name: string; count: number; minute: number }>();
    for (const day of days) {
      // A window that is over by now cannot take the missing time, however long it were.
      for (const { occurrence } of this.openSlots(day)) {
        const entry = tally.get(occurrence.windowId) ?? {
          name: occurrence.name,
          count: 0,
          minute: minutesIn(occurrence.startsAt),
        };
        entry.count += 1;
        tally.set(occurrence.windowId, entry);
      }
    }
    const [windowId, chosen] = [...tally.entries()].sort(
      ([, a], [, b]) => b.count - a.count || b.minute - a.minute,
    )[0] ?? ['', { name: '' }];
    if (!windowId) return { action: 'add-window' };
    const perDay = Math.max(shortestMs, Math.ceil(missingMs / Math.max(1, days.length)));
    return {
      action: 'extend-window',
      windowId,
      windowName: chosen.name,
      // Each bulletin that fits in the new time brings its gap.
      minutes: Math.ceil(
        (perDay + this.input.gapMs * Math.ceil(perDay / Math.max(1, shortestMs))) / 60000,
      ),
    };
  }

  private explainTime(
    days: readonly number[],
    candidates: readonly number[],
    where: string,
    what: string,
    topic: string | null,
    missing: { missingMs: number; missingPlays: number },
  ): Failure {
    const cause = this.daysCause(days, candidates);
    const bulletins = candidates.length;
    const max = this.input.maxPlaysPerBulletinPerDay;
    const shortest = Math.min(...candidates.map((index) => this.bulletins[index].durationMs));
    switch (cause) {
      case 'past':
        return failure(
          cause,
          { action: 'none' },
          bulletins,
          `The on-air windows ${where} are over`,
        );
      case 'no-window':
        return failure(
          cause,
          { action: 'add-window' },
          bulletins,
          `No on-air window falls ${where}`,
        );
      case 'policy-daily-limit':
        return failure(
          cause,
          { action: 'raise-daily-limit' },
          bulletins,
          `The broadcast policy's daily limit of ${this.input.policy?.maxDailyMinutes} min of airtime is reached ${where}`,
        );
      case 'no-window-time': {
        const slots = days.flatMap((day) => this.slotsByDay[day]);
        const free = slots.reduce((sum, slot) => sum + this.freeMs(slot), 0);
        const fix = this.extendFix(days, missing.missingMs, shortest);
        return failure(
          cause,
          fix,
          bulletins,
          `Only ${describeSeconds(free / 1000)} of window time is left ${where}, too little for the shortest ${what} bulletin (${describeSeconds(shortest / 1000)}); ${describeFix(fix)}`,
        );
      }
      default: {
        const fix: ShortfallFix = {
          ...this.bulletinsNeeded(days, candidates, missing.missingMs, missing.missingPlays),
          topic,
        };
        return failure(
          cause,
          fix,
          bulletins,
          `${capitalized(describeCause(cause, bulletins, max, topic))} ${where}; ${describeFix(fix)}`,
        );
      }
    }
  }

  private explainWeek(week: number, rule: number, days: readonly number[]): Failure {
    const segment = this.segments[week];
    const topic = this.rules[rule].topic;
    const missing = this.ruleMissing(week, rule);
    if (this.candidatesByRule[rule].length === 0) {
      const fix = this.bulletinsNeeded(days, [], missing.missingMs, missing.missingPlays);
      return failure(
        'no-bulletin',
        { ...fix, topic },
        0,
        `No approved bulletin with ready audio is tagged ${topic}`,
      );
    }
    if (segment.to < this.today) {
      return failure(
        'past',
        { action: 'none' },
        this.candidatesByRule[rule].length,
        `Week ${segment.week} is already past`,
      );
    }
    const where = `in week ${segment.week} (${segment.from} – ${segment.to})`;
    return this.explainTime(days, this.candidatesByRule[rule], where, topic, topic, missing);
  }

  private explainDay(day: number): Failure {
    const date = this.dates[day];
    const missingMs = Math.max(
      0,
      this.input.targets.minDailySeconds * 1000 - this.campaignMsByDay[day],
    );
    if (this.campaignCandidates.length === 0) {
      return failure(
        'no-bulletin',
        this.bulletinsNeeded([day], [], missingMs, 0),
        0,
        'No approved bulletin with ready audio is tagged with a topic of the campaign',
      );
    }
    if (date < this.today) {
      return failure(
        'past',
        { action: 'none' },
        this.campaignCandidates.length,
        `${date} is already past`,
      );
    }
    return this.explainTime([day], this.campaignCandidates, `on ${date}`, 'campaign', null, {
      missingMs,
      missingPlays: 0,
    });
  }

  private shortfalls(progress: CampaignProgress): Shortfall[] {
    const shortfalls: Shortfall[] = [];
    progress.weeks.forEach((week, weekIndex) => {
      week.topics.forEach((row, rule) => {
        if (row.met) return;
        const failure =
          this.weekFailures.get(`${weekIndex}|${rule}`) ??
          this.explainWeek(weekIndex, rule, this.plannableDays(weekIndex));
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
          cause: failure.cause,
          fix: failure.fix,
          bulletins: failure.bulletins,
          message: `${describeTopicGap(week, row)}: ${failure.message}`,
        });
      });
    });
    progress.days.forEach((row, day) => {
      if (row.met) return;
      const failure = this.dayFailures.get(day) ?? this.explainDay(day);
      shortfalls.push({
        kind: 'daily',
        topic: null,
        week: this.segments[this.weekOfDay[day]].week,
        from: row.date,
        to: row.date,
        date: row.date,
        requiredSeconds: row.requiredSeconds,
        scheduledSeconds: row.scheduledSeconds,
        missingSeconds: row.missingSeconds,
        requiredPlays: 0,
        scheduledPlays: 0,
        missingPlays: 0,
        reason: failure.reason,
        cause: failure.cause,
        fix: failure.fix,
        bulletins: failure.bulletins,
        message: `${describeDayGap(row)}: ${failure.message}`,
      });
    });
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
