import { localDateTime } from '../common/local-time';
import { BroadcastPolicy, PolicyItemKind, policyKindOf } from './broadcast-policy';
import { ScheduleItem } from './entities/schedule-item.entity';
import { existingItem } from './plan.service';
import { PlannedItem, planCampaign, PlannerBulletin } from './planner';
import { itemViolations, KindedItem } from './policy-checks';
import { WindowSpec } from './window-time';

const DAY = '2025-10-07';
const TOPICS = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];
const policy: BroadcastPolicy = {
  quietHours: null,
  maxSessionMinutes: 600,
  maxDailyMinutes: 3,
  unattendedRelaysAtNight: false,
};
const windows: WindowSpec[] = [
  ['sang', 'Sáng', '05:30'],
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
/** One 40 s bulletin a topic: four fit in the 3 min a day, a fifth does not. */
const bulletins: PlannerBulletin[] = TOPICS.map((topic, index) => ({
  id: `b-${topic}`,
  topics: [topic],
  durationMs: 40000,
  library: false,
  approvedAt: index,
}));

/** An item of the log at `time` on DAY, with its policy kind (its bulletin's priority). */
function logged(
  id: string,
  time: string,
  seconds: number,
  fields: Partial<ScheduleItem> & { priority?: 'normal' | 'emergency' },
): { item: ScheduleItem; kind: PolicyItemKind } {
  const [hours, minutes] = time.split(':').map(Number);
  const startsAt = localDateTime(DAY, hours * 60 + minutes);
  const item = {
    id,
    communeCode: '14818',
    bulletinId: null,
    sourceId: null,
    startsAt,
    endsAt: new Date(startsAt.getTime() + seconds * 1000),
    durationMs: seconds * 1000,
    status: 'planned',
    source: 'manual',
    zones: null,
    ...fields,
  } as ScheduleItem;
  return { item, kind: policyKindOf(item, fields.priority) };
}

/** What the planner plans for DAY over `log`, and the breach list's verdict on the log it makes. */
function planOver(log: { item: ScheduleItem; kind: PolicyItemKind }[]) {
  const now = localDateTime(DAY, 0);
  // As PlanService plans: an item of the log the player will refuse counts nothing.
  const refused = itemViolations(
    policy,
    windows,
    log.map(({ item, kind }) => ({ ...item, kind })),
    now,
  );
  const result = planCampaign({
    from: DAY,
    to: DAY,
    now: now.getTime(),
    windows,
    existing: log.map(({ item, kind }) => existingItem(item, [], kind, refused.has(item.id))),
    bulletins,
    targets: {
      rules: TOPICS.map((topic) => ({ topic, minPlaysPerWeek: 14 })),
      minDailySeconds: 0,
    },
    gapMs: 2000,
    maxPlaysPerBulletinPerDay: 3,
    policy,
  });
  const asLogged = (planned: PlannedItem, index: number): KindedItem => ({
    id: `planned-${index}`,
    startsAt: new Date(planned.startsAt),
    endsAt: new Date(planned.endsAt),
    status: 'planned',
    source: 'planner',
    kind: 'bulletin',
  });
  const breaches = (planned: PlannedItem[]) =>
    itemViolations(
      policy,
      windows,
      [...log.map(({ item, kind }) => ({ ...item, kind })), ...planned.map(asLogged)],
      now,
    );
  return { result, breaches };
}

describe('the planner counts the daily airtime as the player does', () => {
  it('plans a day that holds a long live session and a storm warning up to the limit', () => {
    const { result, breaches } = planOver([
      logged('live', '12:00', 30 * 60, { source: 'live', status: 'dispatched' }),
      logged('storm', '12:40', 60, { bulletinId: 'storm', priority: 'emergency' }),
    ]);
    // Neither the 30 min of live speech nor the storm warning counts: four 40 s bulletins fit.
    expect(result.items).toHaveLength(4);
    expect(result.policyLimits).toEqual([
      expect.objectContaining({ rule: 'POLICY_DAILY_LIMIT', date: DAY }),
    ]);
    // The player refuses none of them, and would refuse one more.
    expect(breaches(result.items).size).toBe(0);
    const fifth = { ...result.items[3], startsAt: result.items[3].endsAt + 2000 };
    fifth.endsAt = fifth.startsAt + 40000;
    expect([...breaches([...result.items, fifth]).values()]).toEqual([
      expect.objectContaining({ rule: 'POLICY_DAILY_LIMIT' }),
    ]);
  });

  it('counts what the player counts: a normal bulletin, and a partial one in full', () => {
    for (const status of ['planned', 'partial'] as const) {
      const { result, breaches } = planOver([
        logged('manual', '12:00', 60, { bulletinId: 'own', status }),
      ]);
      // 60 s on the log: three 40 s bulletins fit in the 3 min.
      expect({ status, items: result.items.length }).toEqual({ status, items: 3 });
      expect(breaches(result.items).size).toBe(0);
    }
  });

  it('leaves the room of an item the player will refuse, and counts those after it that it will play', () => {
    const { result, breaches } = planOver([
      // 4 min, past the limit on its own: refused, it takes none of the day's room.
      logged('long', '12:00', 4 * 60, { bulletinId: 'own' }),
      // 60 s the player plays (the long item counts nothing before it): they take their room.
      logged('after', '13:00', 60, { bulletinId: 'own' }),
    ]);
    expect(result.items).toHaveLength(3);
    // The player refuses the long item and none of the planned ones.
    expect([...breaches(result.items).keys()]).toEqual(['long']);
  });
});
