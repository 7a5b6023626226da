import { requirementFor } from '../campaigns/targets';
import { eachDate, isoWeek, localDateOf, localDateTime } from '../common/local-time';
import { PlannedItem, planCampaign, PlannerBulletin, PlannerInput } from './planner';
import { containingOccurrence, WindowSpec } from './window-time';

const TOPICS = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];

const windows: WindowSpec[] = [
  {
    id: 'sang',
    name: 'Sáng',
    daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
    startTime: '05:30',
    durationMinutes: 30,
    validFrom: null,
    validTo: null,
  },
  {
    id: 'chieu',
    name: 'Chiều',
    daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
    startTime: '17:00',
    durationMinutes: 30,
    validFrom: null,
    validTo: null,
  },
];

/** Two bulletins per topic, 25–60 s. */
function bulletins(): PlannerBulletin[] {
  return TOPICS.flatMap((topic, index) => [
    {
      id: `${topic}-a`,
      topics: [topic],
      durationMs: 25000 + index * 5000,
      library: false,
      approvedAt: index,
    },
    {
      id: `${topic}-b`,
      topics: [topic],
      durationMs: 60000 - index * 3000,
      library: false,
      approvedAt: index + 10,
    },
  ]);
}

function baseInput(overrides: Partial<PlannerInput> = {}): PlannerInput {
  return {
    from: '2025-10-06',
    to: '2025-10-19',
    now: localDateTime('2025-10-05', 12 * 60).getTime(),
    windows,
    existing: [],
    bulletins: bulletins(),
    targets: {
      rules: TOPICS.map((topic) => ({ topic, minSecondsPerWeek: 120, minPlaysPerWeek: 3 })),
      minDailySeconds: 60,
    },
    gapMs: 2000,
    maxPlaysPerBulletinPerDay: 3,
    ...overrides,
  };
}

interface LogItem {
  bulletinId: string;
  startsAt: number;
  endsAt: number;
}

/** Recomputes every rule from a log, without the planner's own numbers. */
function violations(input: PlannerInput, log: LogItem[]): string[] {
  const problems: string[] = [];
  const topicsOf = new Map(input.bulletins.map((b) => [b.id, b.topics]));
  const sorted = [...log].sort((a, b) => a.startsAt - b.startsAt);
  sorted.forEach((item, index) => {
    const next = sorted[index + 1];
    if (next && item.endsAt + input.gapMs > next.startsAt)
      problems.push(`overlap at ${item.startsAt}`);
    const occurrence = containingOccurrence(input.windows, item.startsAt, item.endsAt);
    if (!occurrence) problems.push(`outside windows at ${item.startsAt}`);
  });
  const perOccurrence = new Map<string, number>();
  const perDay = new Map<string, number>();
  for (const item of log) {
    const occurrence = containingOccurrence(input.windows, item.startsAt, item.endsAt);
    const key = `${occurrence?.windowId}|${occurrence?.date}|${item.bulletinId}`;
    perOccurrence.set(key, (perOccurrence.get(key) ?? 0) + 1);
    const dayKey = `${localDateOf(new Date(item.startsAt))}|${item.bulletinId}`;
    perDay.set(dayKey, (perDay.get(dayKey) ?? 0) + 1);
  }
  for (const [key, count] of perOccurrence) if (count > 1) problems.push(`twice in ${key}`);
  for (const [key, count] of perDay) {
    if (count > input.maxPlaysPerBulletinPerDay) problems.push(`${count} plays on ${key}`);
  }
  const dates = eachDate(input.from, input.to);
  const weeks = new Map<string, string[]>();
  for (const date of dates) {
    const { year, week } = isoWeek(date);
    weeks.set(`${year}-${week}`, [...(weeks.get(`${year}-${week}`) ?? []), date]);
  }
  for (const [week, weekDates] of weeks) {
    for (const rule of input.targets.rules) {
      const items = log.filter(
        (item) =>
          weekDates.includes(localDateOf(new Date(item.startsAt))) &&
          (topicsOf.get(item.bulletinId) ?? []).includes(rule.topic),
      );
      const seconds = items.reduce((sum, item) => sum + (item.endsAt - item.startsAt) / 1000, 0);
      const required = requirementFor(rule, weekDates.length);
      if (seconds < required.requiredSeconds || items.length < required.requiredPlays) {
        problems.push(`week ${week} ${rule.topic}: ${seconds} s, ${items.length} plays`);
      }
    }
  }
  for (const date of dates) {
    const seconds = log
      .filter((item) => localDateOf(new Date(item.startsAt)) === date)
      .reduce((sum, item) => sum + (item.endsAt - item.startsAt) / 1000, 0);
    if (seconds < input.targets.minDailySeconds) problems.push(`day ${date}: ${seconds} s`);
  }
  return problems;
}

describe('planCampaign', () => {
  it('meets every weekly rule and daily minimum of a two-week campaign, within the rules', () => {
    const input = baseInput();
    const plan = planCampaign(input);
    expect(plan.shortfalls).toEqual([]);
    expect(plan.progress.met).toBe(true);
    expect(violations(input, plan.items)).toEqual([]);
    // Spread: every day has some campaign airtime, not everything on the first days.
    const days = new Set(plan.items.map((item) => localDateOf(new Date(item.startsAt))));
    expect(days.size).toBe(14);
  });

  it('is deterministic, whatever the order of its input', () => {
    const first = planCampaign(baseInput());
    const second = planCampaign(
      baseInput({ bulletins: bulletins().reverse(), windows: [...windows].reverse() }),
    );
    expect(second.items).toEqual(first.items);
  });

  it('keeps and counts items already on the log, and plans around them', () => {
    const input0 = baseInput();
    const existingStart = localDateTime('2025-10-06', 5 * 60 + 30).getTime();
    const existing = [
      {
        id: 'manual-1',
        bulletinId: 'kinh-te-so-b',
        startsAt: existingStart,
        endsAt: existingStart + 57000,
        durationMs: 57000,
        topics: ['kinh-te-so'],
        counted: { airedMs: 57000, plays: 1 },
        countsTowardDailyLimit: true,
      },
    ];
    const input = baseInput({ existing });
    const plan = planCampaign(input);
    expect(plan.shortfalls).toEqual([]);
    const log: LogItem[] = [...existing, ...plan.items];
    expect(violations(input, log)).toEqual([]);
    const without = planCampaign(input0);
    const kinhTeWeek1 = (items: PlannedItem[]) =>
      items.filter(
        (item) =>
          item.bulletinId.startsWith('kinh-te-so') && item.startsAt < existingStart + 7 * 86400000,
      ).length;
    expect(kinhTeWeek1(plan.items)).toBeLessThan(kinhTeWeek1(without.items));
  });

  it("counts a partial play's played part toward the topic's seconds, not as a play, and plans only the rest", () => {
    const start = localDateTime('2025-10-06', 5 * 60 + 30).getTime();
    // Planned 200 s, of which the as-run log says 180 s went on air.
    const partial = {
      id: 'partial-1',
      bulletinId: 'kinh-te-so-long',
      startsAt: start,
      endsAt: start + 200000,
      durationMs: 200000,
      topics: ['kinh-te-so'],
      counted: { airedMs: 180000, plays: 0 },
      countsTowardDailyLimit: true,
    };
    const input = baseInput({
      from: '2025-10-06',
      to: '2025-10-12',
      bulletins: ['a', 'b', 'c'].map((suffix, index) => ({
        id: `kinh-te-so-${suffix}`,
        topics: ['kinh-te-so'],
        durationMs: 60000,
        library: false,
        approvedAt: index,
      })),
      targets: {
        rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 300, minPlaysPerWeek: 2 }],
        minDailySeconds: 0,
      },
      existing: [partial],
    });
    const plan = planCampaign(input);
    // 300 s − 180 s = 120 s and two plays: two 60 s bulletins, not five.
    expect(plan.items.reduce((sum, item) => sum + item.durationMs, 0)).toBe(120000);
    expect(plan.shortfalls).toEqual([]);
    expect(plan.progress.weeks[0].topics[0]).toMatchObject({
      scheduledSeconds: 300,
      scheduledPlays: 2,
      met: true,
    });
    // Without a record in effect, the partial item counts nothing, as before.
    const unrecorded = planCampaign({ ...input, existing: [{ ...partial, counted: null }] });
    expect(unrecorded.items.reduce((sum, item) => sum + item.durationMs, 0)).toBe(300000);
  });

  it('plans over an item of other zones (it shares no device) but never over one that shares', () => {
    const start = localDateTime('2025-10-06', 5 * 60 + 30).getTime();
    const end = start + 30 * 60000;
    const filler = {
      id: 'thon-2-only',
      bulletinId: 'kinh-te-so-b',
      startsAt: start,
      endsAt: end,
      durationMs: end - start,
      topics: ['kinh-te-so'],
      counted: { airedMs: end - start, plays: 1 },
      countsTowardDailyLimit: true,
    };
    // One day, one window, which the item fills.
    const oneWindow = { from: '2025-10-06', to: '2025-10-06', windows: [windows[0]] };
    const blocked = planCampaign(baseInput({ ...oneWindow, existing: [filler] }));
    expect(blocked.items).toEqual([]);
    const beside = planCampaign(
      baseInput({ ...oneWindow, existing: [{ ...filler, sharesAir: false }] }),
    );
    expect(beside.items.length).toBeGreaterThan(0);
    expect(beside.items.every((item) => item.startsAt >= start && item.endsAt <= end)).toBe(true);
  });

  it('never plans before now, and says a past week cannot be met', () => {
    const input = baseInput({ now: localDateTime('2025-10-13', 0).getTime() });
    const plan = planCampaign(input);
    expect(plan.items.every((item) => item.startsAt >= input.now)).toBe(true);
    const pastWeek = plan.shortfalls.filter((s) => s.week === '2025-W41');
    expect(pastWeek.length).toBeGreaterThan(0);
    expect(pastWeek.every((s) => s.reason === 'past')).toBe(true);
    expect(plan.shortfalls.filter((s) => s.week === '2025-W42')).toEqual([]);
  });

  it('explains a topic without bulletins', () => {
    const input = baseInput({
      bulletins: bulletins().filter((b) => !b.topics.includes('xa-hoi-so')),
    });
    const plan = planCampaign(input);
    const missing = plan.shortfalls.filter((s) => s.topic === 'xa-hoi-so');
    expect(missing).toHaveLength(2);
    expect(missing[0]).toMatchObject({
      kind: 'weekly',
      week: '2025-W41',
      reason: 'no-bulletin',
      requiredSeconds: 120,
      scheduledSeconds: 0,
      missingSeconds: 120,
      requiredPlays: 3,
      missingPlays: 3,
    });
    expect(missing[0].message).toBe(
      'The log is 2 min and 3 plays short on xa-hoi-so in week 2025-W41 (2025-10-06 – 2025-10-12): No approved bulletin with ready audio is tagged xa-hoi-so',
    );
    expect(plan.shortfalls.filter((s) => s.topic !== 'xa-hoi-so')).toEqual([]);
  });

  it('explains a day without enough window time', () => {
    const tiny: WindowSpec = {
      id: 'ngan',
      name: 'Ngắn',
      daysOfWeek: [1],
      startTime: '06:00',
      durationMinutes: 1,
      validFrom: null,
      validTo: null,
    };
    const input = baseInput({
      windows: [tiny],
      from: '2025-10-06',
      to: '2025-10-06',
      targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 1 }], minDailySeconds: 120 },
    });
    const plan = planCampaign(input);
    const day = plan.shortfalls.find((s) => s.kind === 'daily');
    expect(day).toMatchObject({ date: '2025-10-06', reason: 'no-window-time' });
    expect(day?.message).toContain('of window time is left on 2025-10-06');
    expect(
      violations(input, plan.items).filter((p) => !p.startsWith('week') && !p.startsWith('day')),
    ).toEqual([]);
  });

  it('explains the rotation limit when one short bulletin cannot fill the need', () => {
    const input = baseInput({
      from: '2025-10-06',
      to: '2025-10-06',
      bulletins: [
        { id: 'only', topics: ['kinh-te-so'], durationMs: 10000, library: false, approvedAt: 0 },
      ],
      targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 35 }], minDailySeconds: 0 },
    });
    const plan = planCampaign(input);
    // ceil(35 × 1 / 7) = 5 plays, but one bulletin plays at most once per window: 2 a day.
    expect(plan.items).toHaveLength(2);
    expect(plan.shortfalls).toMatchObject([
      { topic: 'kinh-te-so', reason: 'rotation-limit', missingPlays: 3 },
    ]);
  });

  it("prefers the commune's own bulletins to the province library", () => {
    const own = {
      id: 'own',
      topics: ['kinh-te-so'],
      durationMs: 30000,
      library: false,
      approvedAt: 1,
    };
    const library = {
      id: 'lib',
      topics: ['kinh-te-so'],
      durationMs: 30000,
      library: true,
      approvedAt: 9,
    };
    const input = baseInput({
      from: '2025-10-06',
      to: '2025-10-06',
      bulletins: [library, own],
      targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 21 }], minDailySeconds: 0 },
    });
    const plan = planCampaign(input);
    expect(plan.items.map((item) => item.bulletinId)).toEqual(['own', 'lib', 'own']);
  });
  describe('TT 39 order and the broadcast policy', () => {
    const evening: WindowSpec = { ...windows[1], id: 'toi', name: 'Tối', startTime: '21:00' };
    const oneDay = (overrides: Partial<PlannerInput>) =>
      baseInput({
        from: '2025-10-06',
        to: '2025-10-06',
        windows: [windows[1]],
        targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 21 }], minDailySeconds: 0 },
        ...overrides,
      });
    const bulletin = (id: string, extra: Partial<PlannerBulletin> = {}): PlannerBulletin => ({
      id,
      topics: ['kinh-te-so'],
      durationMs: 30000,
      library: false,
      approvedAt: 5,
      ...extra,
    });

    it("puts a province priority bulletin ahead of the commune's normal ones in the window", () => {
      const plan = planCampaign(
        oneDay({
          bulletins: [
            bulletin('own-1', { approvedAt: 8 }),
            bulletin('own-2', { approvedAt: 9 }),
            bulletin('prio', { library: true, priority: 'priority', approvedAt: 1 }),
          ],
        }),
      );
      expect(plan.items.map((item) => item.bulletinId)).toEqual(['prio', 'own-2', 'own-1']);
      expect(plan.items[0].startsAt).toBe(localDateTime('2025-10-06', 17 * 60).getTime());
    });

    it('re-lays a window so the priority bulletin goes first even when placed last', () => {
      const plan = planCampaign(
        oneDay({
          targets: {
            rules: [
              { topic: 'kinh-te-so', minPlaysPerWeek: 14 },
              { topic: 'xa-hoi-so', minPlaysPerWeek: 7 },
            ],
            minDailySeconds: 0,
          },
          bulletins: [
            bulletin('own-1', { approvedAt: 8 }),
            bulletin('own-2', { approvedAt: 9 }),
            bulletin('prio', { library: true, priority: 'priority', topics: ['xa-hoi-so'] }),
          ],
        }),
      );
      expect(plan.items[0].bulletinId).toBe('prio');
      expect(plan.items).toHaveLength(3);
    });

    it('leaves window time in quiet hours and past the longest session unused, and says so', () => {
      const policy = {
        quietHours: { from: '21:20', to: '05:30' },
        maxSessionMinutes: 60,
        maxDailyMinutes: 1440,
        unattendedRelaysAtNight: false,
      };
      const plan = planCampaign(
        oneDay({
          windows: [evening],
          policy,
          bulletins: ['a', 'b', 'c'].map((id) => bulletin(id, { durationMs: 9 * 60000 })),
          targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 210 }], minDailySeconds: 0 },
          maxPlaysPerBulletinPerDay: 100,
        }),
      );
      const quietFrom = localDateTime('2025-10-06', 21 * 60 + 20).getTime();
      // Three 9-minute bulletins fit in 21:00–21:30, two in 21:00–21:20.
      expect(plan.items).toHaveLength(2);
      expect(plan.items.every((item) => item.endsAt <= quietFrom)).toBe(true);
      expect(plan.policyLimits).toEqual([
        expect.objectContaining({
          windowId: 'toi',
          rule: 'POLICY_QUIET_HOURS',
          startsAt: quietFrom,
        }),
      ]);

      const session = planCampaign(
        oneDay({
          policy: { ...policy, quietHours: null, maxSessionMinutes: 10 },
          bulletins: ['a', 'b', 'c'].map((id) => bulletin(id, { durationMs: 4 * 60000 })),
          targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 210 }], minDailySeconds: 0 },
          maxPlaysPerBulletinPerDay: 100,
        }),
      );
      const closes = localDateTime('2025-10-06', 17 * 60 + 10).getTime();
      expect(session.items).toHaveLength(2);
      expect(session.items.every((item) => item.endsAt <= closes)).toBe(true);
      expect(session.policyLimits[0]).toMatchObject({ rule: 'POLICY_SESSION_TOO_LONG' });
    });

    it('stops at the daily airtime limit and names the policy as the reason', () => {
      const plan = planCampaign(
        oneDay({
          policy: {
            quietHours: null,
            maxSessionMinutes: 600,
            maxDailyMinutes: 1,
            unattendedRelaysAtNight: false,
          },
          bulletins: [bulletin('a'), bulletin('b'), bulletin('c')],
        }),
      );
      expect(plan.items).toHaveLength(2);
      expect(plan.shortfalls[0]).toMatchObject({ reason: 'policy' });
      expect(plan.policyLimits).toEqual([expect.objectContaining({ rule: 'POLICY_DAILY_LIMIT' })]);
    });
  });
});

describe('planCampaign: grouped shortfalls and their true causes', () => {
  /** One 60 s bulletin per topic, as a commune's first week has. */
  const fourBulletins = (): PlannerBulletin[] =>
    TOPICS.map((topic, index) => ({
      id: `only-${topic}`,
      topics: [topic],
      durationMs: 60000,
      library: false,
      approvedAt: index,
    }));

  const week = (overrides: Partial<PlannerInput>): PlannerInput =>
    baseInput({ from: '2025-10-06', to: '2025-10-12', bulletins: fourBulletins(), ...overrides });

  it('says one line for seven days short for one reason: one play per window occurrence', () => {
    // Two windows a day and four bulletins: at most 8 plays (8 min) a day, 10 min required.
    const plan = planCampaign(
      week({
        targets: {
          rules: TOPICS.map((topic) => ({ topic, minPlaysPerWeek: 1 })),
          minDailySeconds: 600,
        },
      }),
    );
    expect(plan.shortfalls.filter((s) => s.kind === 'daily')).toHaveLength(7);
    const daily = plan.shortfallGroups.filter((group) => group.kind === 'daily');
    expect(daily).toHaveLength(1);
    expect(daily[0]).toMatchObject({
      topic: null,
      cause: 'one-per-occurrence',
      count: 7,
      dates: eachDate('2025-10-06', '2025-10-12'),
      maxMissingSeconds: 120,
      // Each new bulletin adds two plays a day (one per window): one more covers 2 min.
      fix: {
        action: 'add-bulletins',
        topic: null,
        count: 1,
        atLeast: false,
        bulletinSeconds: 60,
        playsEach: 2,
      },
    });
    // No topic advice for a total that has no topic.
    expect(daily[0].message).toBe(
      'Daily campaign airtime is short on 7 days (2025-10-06, 2025-10-07, 2025-10-08 and 4 more): a bulletin plays at most once per window occurrence, and each of the 4 bulletins is already in every occurrence with room; add 1 bulletin of about 60 s tagged with a campaign topic (each can play 2 times in the window occurrences left)',
    );
    expect(plan.shortfalls[0].reason).toBe('rotation-limit');
  });

  it('names the topic and the number of bulletins to add when one per window is the limit', () => {
    const plan = planCampaign(
      week({
        to: '2025-10-19',
        targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 20 }], minDailySeconds: 0 },
      }),
    );
    // One kinh-te-so bulletin: 2 plays a day, 14 a week, 6 missing in each of two weeks.
    expect(plan.shortfallGroups).toEqual([
      expect.objectContaining({
        kind: 'weekly',
        topic: 'kinh-te-so',
        cause: 'one-per-occurrence',
        weeks: [
          { week: '2025-W41', from: '2025-10-06', to: '2025-10-12' },
          { week: '2025-W42', from: '2025-10-13', to: '2025-10-19' },
        ],
        missingPlays: 12,
        // The one new bulletin can play 14 times in each week as well.
        fix: expect.objectContaining({ topic: 'kinh-te-so', count: 1, playsEach: 14 }),
      }),
    ]);
  });

  it('names the daily play limit (PLANNER_MAX_PLAYS_PER_BULLETIN_PER_DAY) when that is the limit', () => {
    const many: WindowSpec[] = ['05:00', '07:00', '11:00', '17:00', '19:00'].map((startTime) => ({
      id: `w${startTime}`,
      name: `Khung ${startTime}`,
      daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
      startTime,
      durationMinutes: 10,
      validFrom: null,
      validTo: null,
    }));
    const plan = planCampaign(
      week({
        windows: many,
        maxPlaysPerBulletinPerDay: 3,
        targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 28 }], minDailySeconds: 0 },
      }),
    );
    // Five windows a day but three plays a day: 21 of 28.
    expect(plan.items).toHaveLength(21);
    expect(plan.shortfallGroups).toEqual([
      expect.objectContaining({
        cause: 'daily-play-limit',
        missingPlays: 7,
        // A new bulletin plays three times a day as well: 21 plays in the week.
        fix: expect.objectContaining({ topic: 'kinh-te-so', count: 1, playsEach: 21 }),
      }),
    ]);
    expect(plan.shortfallGroups[0].message).toContain(
      'each of the 1 bulletins already plays 3 times a day (PLANNER_MAX_PLAYS_PER_BULLETIN_PER_DAY)',
    );
  });

  it('asks for more minutes in a named window when the time is what lacks', () => {
    const short: WindowSpec[] = [
      { ...windows[0], durationMinutes: 2 },
      { ...windows[1], durationMinutes: 3 },
    ];
    const plan = planCampaign(
      week({
        windows: short,
        bulletins: [
          ...fourBulletins(),
          ...TOPICS.map((topic, index) => ({
            id: `second-${topic}`,
            topics: [topic],
            durationMs: 60000,
            library: false,
            approvedAt: 10 + index,
          })),
        ],
        targets: {
          rules: TOPICS.map((topic) => ({ topic, minPlaysPerWeek: 1 })),
          minDailySeconds: 600,
        },
      }),
    );
    const daily = plan.shortfallGroups.filter((group) => group.kind === 'daily');
    expect(daily).toHaveLength(1);
    // 2 + 3 min of windows hold three one-minute bulletins with their 2 s gaps: 7 min a day are
    // missing, 7 more bulletins with their gaps need 7 min 14 s: 8 more minutes in Chiều.
    expect(daily[0]).toMatchObject({
      cause: 'no-window-time',
      count: 7,
      fix: { action: 'extend-window', windowId: 'chieu', windowName: 'Chiều', minutes: 8 },
    });
  });

  it("says a day's windows are over on its evening, and asks for no window to be lengthened", () => {
    // Sunday 12/10 at 20:00: Sáng (05:30) and Chiều (17:00) are over; so is the day for a plan.
    const evening = week({
      from: '2025-10-12',
      to: '2025-10-12',
      now: localDateTime('2025-10-12', 20 * 60).getTime(),
      targets: { rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 1 }], minDailySeconds: 60 },
    });
    const plan = planCampaign(evening);
    expect(plan.items).toEqual([]);
    expect(plan.shortfalls.map((s) => [s.kind, s.reason])).toEqual([
      ['weekly', 'past'],
      ['daily', 'past'],
    ]);
    expect(plan.shortfalls[1].message).toContain('The on-air windows on 2025-10-12 are over');
    expect(plan.shortfallGroups.map((group) => [group.cause, group.fix])).toEqual([
      ['past', { action: 'none' }],
      ['past', { action: 'none' }],
    ]);

    // At 17:10 Chiều still has 20 minutes: the day is planned there.
    const lateInput = { ...evening, now: localDateTime('2025-10-12', 17 * 60 + 10).getTime() };
    const late = planCampaign(lateInput);
    expect(late.shortfalls).toEqual([]);
    expect(late.items.length).toBeGreaterThan(0);
    for (const item of late.items) {
      expect(item.startsAt).toBeGreaterThanOrEqual(lateInput.now);
      expect(containingOccurrence(windows, item.startsAt, item.endsAt)?.windowId).toBe('chieu');
    }
  });

  it('keeps different causes on different lines and groups the weeks of a missing topic', () => {
    const plan = planCampaign(
      baseInput({ bulletins: bulletins().filter((b) => !b.topics.includes('xa-hoi-so')) }),
    );
    expect(plan.shortfallGroups).toEqual([
      expect.objectContaining({
        topic: 'xa-hoi-so',
        cause: 'no-bulletin',
        count: 2,
        dates: eachDate('2025-10-06', '2025-10-19'),
        // Nothing tagged xa-hoi-so to measure the airtime by: the count is a floor.
        fix: expect.objectContaining({ topic: 'xa-hoi-so', count: 1, atLeast: true }),
      }),
    ]);
  });
});

describe('the advice to add bulletins counts the plays each new one can still get', () => {
  const threeWindows: WindowSpec[] = [
    ['sang', 'Sáng', '05:30'],
    ['trua', 'Trưa', '11:00'],
    ['chieu', 'Chiều', '17:00'],
  ].map(([id, name, startTime]) => ({
    id,
    name,
    daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
    startTime,
    durationMinutes: 30,
    validFrom: null,
    validTo: null,
  }));

  /** `perTopic` bulletins of 12.7 s for each of the four topics, named `prefix-topic-n`. */
  const short = (prefix: string, perTopic: number): PlannerBulletin[] =>
    TOPICS.flatMap((topic, index) =>
      Array.from({ length: perTopic }, (_unused, n) => ({
        id: `${prefix}-${topic}-${n}`,
        topics: [topic],
        durationMs: 12700,
        library: false,
        approvedAt: index * 10 + n,
      })),
    );

  /** More bulletins of 12.7 s, spread over the topics. */
  const added = (count: number): PlannerBulletin[] =>
    Array.from({ length: count }, (_unused, n) => ({
      id: `added-${n}`,
      topics: [TOPICS[n % TOPICS.length]],
      durationMs: 12700,
      library: false,
      approvedAt: 100 + n,
    }));

  /** The tester's campaign (600 s and 7 plays a week a topic, 5 min a day) on 07/12/2026. */
  const scenario = (overrides: Partial<PlannerInput>): PlannerInput =>
    baseInput({
      from: '2026-12-07',
      to: '2026-12-13',
      // 13:00: Sáng and Trưa are over, Chiều is the one occurrence left today.
      now: localDateTime('2026-12-07', 13 * 60).getTime(),
      windows: threeWindows,
      targets: {
        rules: TOPICS.map((topic) => ({ topic, minSecondsPerWeek: 600, minPlaysPerWeek: 7 })),
        minDailySeconds: 300,
      },
      ...overrides,
    });

  const dailyGroup = (input: PlannerInput) =>
    planCampaign(input).shortfallGroups.find(
      (group) => group.kind === 'daily' && group.dates.includes('2026-12-07'),
    );

  it('asks for as many bulletins as the one occurrence left needs (the tester’s 07/12)', () => {
    // Twelve bulletins of 12.7 s each play once in Chiều: 152.4 s of 300, 147.6 s missing.
    const input = scenario({ bulletins: short('own', 3) });
    const group = dailyGroup(input);
    expect(group).toMatchObject({
      cause: 'one-per-occurrence',
      dates: ['2026-12-07'],
      maxMissingSeconds: 147.6,
      // Three plays a day were assumed before ("add 4"): one play each is left, 147.6 ÷ 12.7.
      fix: {
        action: 'add-bulletins',
        topic: null,
        count: 12,
        atLeast: false,
        bulletinSeconds: 12.7,
        playsEach: 1,
      },
    });
    expect(group?.message).toContain(
      'add 12 bulletins of about 12.7 s tagged with a campaign topic (each can play 1 time in the window occurrences left)',
    );
    // Following the advice closes the day; one bulletin fewer does not: it is the minimum.
    expect(dailyGroup({ ...input, bulletins: [...input.bulletins, ...added(12)] })).toBeUndefined();
    expect(
      dailyGroup({ ...input, bulletins: [...input.bulletins, ...added(11)] })?.maxMissingSeconds,
    ).toBeGreaterThan(0);
  });

  it('on the last day of the period, with one occurrence left, gives the same count', () => {
    const input = scenario({ to: '2026-12-07', bulletins: short('own', 3) });
    expect(dailyGroup(input)?.fix).toMatchObject({ count: 12, playsEach: 1 });
    expect(dailyGroup({ ...input, bulletins: [...input.bulletins, ...added(12)] })).toBeUndefined();
  });

  it('counts two plays each when two occurrences are left', () => {
    // 10:00: Trưa and Chiều are left. Six bulletins play twice: 152.4 s, 147.6 s missing.
    const input = scenario({
      now: localDateTime('2026-12-07', 10 * 60).getTime(),
      bulletins: short('own', 1).concat(short('more', 1)).slice(0, 6),
    });
    expect(dailyGroup(input)?.fix).toMatchObject({ count: 6, playsEach: 2 });
    expect(dailyGroup({ ...input, bulletins: [...input.bulletins, ...added(6)] })).toBeUndefined();
    expect(dailyGroup({ ...input, bulletins: [...input.bulletins, ...added(5)] })).toBeDefined();
  });

  it('counts the daily play limit on a day whose occurrences are all left', () => {
    // 08/12 from the evening before: three occurrences, but at most two plays a day each.
    const input = scenario({
      from: '2026-12-08',
      to: '2026-12-08',
      now: localDateTime('2026-12-07', 20 * 60).getTime(),
      maxPlaysPerBulletinPerDay: 2,
      bulletins: short('own', 1).concat(short('more', 1)).slice(0, 6),
    });
    const group = planCampaign(input).shortfallGroups.find((g) => g.kind === 'daily');
    // Six bulletins twice: 152.4 s; each new one adds 2 × 12.7 s.
    expect(group).toMatchObject({
      cause: 'daily-play-limit',
      fix: { count: 6, playsEach: 2 },
    });
  });

  it('says "at least" when no bulletin exists to measure the airtime by', () => {
    const plan = planCampaign(scenario({ bulletins: [] }));
    const daily = plan.shortfallGroups.find((group) => group.kind === 'daily');
    expect(daily?.fix).toMatchObject({ count: 1, atLeast: true, bulletinSeconds: null });
    expect(daily?.message).toContain('add at least 1 bulletin tagged with a campaign topic');
  });
});
