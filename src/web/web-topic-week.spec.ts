import { Cell, cellText } from '../../web/src/compliance-cell';
import { formatShortfall } from '../../web/src/format';
import {
  airtimeText,
  missingText,
  refusedItems,
  targetText,
  TopicWeek,
  topicWeeks,
  weekMet,
} from '../../web/src/topic-week';
import type { ComplianceRow, ScheduleItem } from '../../web/src/types';

const week = (change: Partial<TopicWeek>): TopicWeek => ({
  topic: 'kinh-te-so',
  requiredSeconds: 600,
  requiredPlays: 3,
  airedSeconds: 0,
  airedPlays: 0,
  plannedSeconds: 0,
  plannedPlays: 0,
  missingSeconds: 0,
  missingPlays: 0,
  ...change,
});

describe("the operator's week of a topic in words", () => {
  it('says a shortfall under a minute in seconds, rounded up, never "0 phút" on a row not met', () => {
    // As the tester saw it: 2,149 s short, plays met.
    const short = week({ missingSeconds: 2.149 });
    expect(weekMet(short)).toBe(false);
    expect(missingText(short)).toBe('Còn thiếu 3 giây · 0 lượt');
    expect(formatShortfall(0.001)).toBe('1 giây');
    expect(formatShortfall(59.2)).toBe('60 giây');
    // From a minute on, tenths of a minute, rounded up too: 61 s is 1,1 phút, not 1 phút.
    expect(formatShortfall(61)).toBe('1,1 phút');
    expect(formatShortfall(600)).toBe('10 phút');
    expect(missingText(week({}))).toBe('Còn thiếu 0 phút · 0 lượt');
  });

  it('leaves out a target the rule does not set, instead of a target of zero', () => {
    const playsOnly = week({ requiredSeconds: 0, missingPlays: 2 });
    expect(targetText(playsOnly)).toBe(' (chỉ tiêu 3 lượt)');
    expect(missingText(playsOnly)).toBe('Còn thiếu 2 lượt');
    const secondsOnly = week({ requiredPlays: 0, missingSeconds: 30 });
    expect(targetText(secondsOnly)).toBe(' (chỉ tiêu 10 phút)');
    expect(missingText(secondsOnly)).toBe('Còn thiếu 30 giây');
    expect(targetText(week({ requiredSeconds: 45 }))).toBe(' (chỉ tiêu 45 giây, 3 lượt)');
  });

  it('says what aired and what is planned in seconds against a target under a minute', () => {
    // A 45-second target: 40 s aired read `40 giây`, not `0,7 phút`.
    const underAMinute = week({ requiredSeconds: 45, airedSeconds: 40, missingSeconds: 5 });
    expect(airtimeText(underAMinute, 40)).toBe('40 giây');
    expect(airtimeText(underAMinute, 0)).toBe('0 giây');
    // Short of the target: rounded down, never reading as the 45 s the row says it lacks.
    expect(airtimeText(week({ requiredSeconds: 45, missingSeconds: 0.4 }), 44.6)).toBe('44 giây');
    // Met: rounded as any figure; past a minute, tenths of a minute as the target would read.
    expect(airtimeText(week({ requiredSeconds: 45 }), 44.6)).toBe('45 giây');
    expect(airtimeText(week({ requiredSeconds: 45 }), 90)).toBe('1,5 phút');
    // A target of a minute or more, or none: minutes to the tenth, as before.
    expect(airtimeText(week({ requiredSeconds: 600, missingSeconds: 560 }), 40)).toBe('0,7 phút');
    expect(airtimeText(week({ requiredSeconds: 600, missingSeconds: 600 }), 0)).toBe('0 phút');
    expect(airtimeText(week({ requiredSeconds: 0 }), 750)).toBe('12,5 phút');
  });

  it('reads a grid cell of a rule without an airtime target as the minutes aired, not against 0', () => {
    const cell: Cell = {
      communeCode: '14797',
      communeName: 'Phường Hạc Thành',
      topic: 'kinh-te-so',
      airedSeconds: 750,
      plays: 2,
      requiredSeconds: 0,
      requiredPlays: 4,
      met: false,
      toDate: { requiredSeconds: 0, requiredPlays: 4 },
    } as Cell;
    expect(cellText(cell)).toBe('12,5 phút · 2/4 lượt');
  });

  it('does not count as planned an item the policy in force makes the player refuse', () => {
    const item = (id: string, breached: boolean) =>
      ({
        id,
        status: 'planned',
        topics: ['kinh-te-so'],
        durationMs: 40_000,
        policyBreaches: breached
          ? [{ rule: 'POLICY_QUIET_HOURS', message: 'quiet', messageVi: 'giờ yên tĩnh' }]
          : [],
      }) as unknown as ScheduleItem;
    const row = {
      topic: 'kinh-te-so',
      requiredSeconds: 60,
      requiredPlays: 2,
      airedSeconds: 0,
      plays: 0,
    } as ComplianceRow;
    const items = [item('05:40', true), item('06:30', false)];
    const [kinhTe] = topicWeeks([row], items);
    expect(kinhTe).toMatchObject({ plannedSeconds: 40, plannedPlays: 1, missingSeconds: 20 });
    expect(weekMet(kinhTe)).toBe(false);
    expect(refusedItems(items).map((one) => one.id)).toEqual(['05:40']);
  });
});
