import { Cell, cellText } from '../../web/src/compliance-cell';
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
  it('says a shortfall in minutes and seconds, rounded up, never "0 giây" on a row not met', () => {
    // As the tester saw it: 2,149 s short, plays met.
    const short = week({ missingSeconds: 2.149 });
    expect(weekMet(short)).toBe(false);
    expect(missingText(short)).toBe('Còn thiếu 3 giây');
    const missing = (missingSeconds: number) => missingText(week({ missingSeconds }));
    expect(missing(0.001)).toBe('Còn thiếu 1 giây');
    expect(missing(59.2)).toBe('Còn thiếu 1 phút');
    // From a minute on, minutes and seconds, rounded up too: 61 s is not `1 phút`, nor `1,1 phút`.
    expect(missing(61)).toBe('Còn thiếu 1 phút 1 giây');
    expect(missing(558)).toBe('Còn thiếu 9 phút 18 giây');
    expect(missing(600)).toBe('Còn thiếu 10 phút');
    expect(missingText(week({ missingSeconds: 558, missingPlays: 2 }))).toBe(
      'Còn thiếu 9 phút 18 giây · 2 lượt',
    );
    // Only what is missing: the airtime met, the plays not, is no `0 giây`.
    expect(missingText(week({ missingPlays: 2 }))).toBe('Còn thiếu 2 lượt');
  });

  it('says a row met is met, as its head does, never "Còn thiếu 0 giây"', () => {
    expect(missingText(week({}))).toBe('Đủ chỉ tiêu');
    // Met to the millisecond: 60 s less 32,166 s aired and 27,834 s planned is 3,6e-15 s in
    // floating point, which read "Còn thiếu 0 giây" on a row without its ✓.
    const row = {
      topic: 'kinh-te-so',
      requiredSeconds: 60,
      requiredPlays: 0,
      airedSeconds: 32.166,
      plays: 1,
    } as ComplianceRow;
    const planned = {
      id: 'a',
      status: 'planned',
      topics: ['kinh-te-so'],
      durationMs: 27_834,
      policyBreaches: [],
    } as unknown as ScheduleItem;
    const [met] = topicWeeks([row], [planned]);
    expect(met.missingSeconds).toBe(0);
    expect(weekMet(met)).toBe(true);
    expect(missingText(met)).toBe('Đủ chỉ tiêu');
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

  it('says what aired and what is planned as a person would, comparable with the target', () => {
    // A 45-second target: 40 s aired read `40 giây`, not `0,7 phút`.
    const underAMinute = week({ requiredSeconds: 45, airedSeconds: 40, missingSeconds: 5 });
    expect(airtimeText(underAMinute, 40)).toBe('40 giây');
    expect(airtimeText(underAMinute, 0)).toBe('0 giây');
    // Short of the target: rounded down, never reading as the 45 s the row says it lacks.
    expect(airtimeText(week({ requiredSeconds: 45, missingSeconds: 0.4 }), 44.6)).toBe('44 giây');
    // Met: rounded as any figure.
    expect(airtimeText(week({ requiredSeconds: 45 }), 44.6)).toBe('45 giây');
    expect(airtimeText(week({ requiredSeconds: 45 }), 90)).toBe('1 phút 30 giây');
    // Against a target of a minute or more: minutes and seconds, not tenths of a minute
    // (`0,7 phút`), beside a target that reads the same way.
    const tenMinutes = week({ requiredSeconds: 600, missingSeconds: 558 });
    expect([airtimeText(tenMinutes, 42), targetText(tenMinutes)]).toEqual([
      '42 giây',
      ' (chỉ tiêu 10 phút, 3 lượt)',
    ]);
    expect(airtimeText(tenMinutes, 90)).toBe('1 phút 30 giây');
    expect(airtimeText(tenMinutes, 599.6)).toBe('9 phút 59 giây');
    expect(airtimeText(week({ requiredSeconds: 600, missingSeconds: 600 }), 0)).toBe('0 giây');
    expect(airtimeText(week({ requiredSeconds: 0 }), 750)).toBe('12 phút 30 giây');
    expect(airtimeText(week({ requiredSeconds: 0 }), 720)).toBe('12 phút');
    // From an hour on, to the minute: a target of 1 h 0 min 30 s reads up, what falls short of
    // it down, so the two never read alike on a row not met.
    const anHour = week({ requiredSeconds: 3630, missingSeconds: 20 });
    expect([airtimeText(anHour, 3610), targetText(anHour)]).toEqual([
      '1 giờ',
      ' (chỉ tiêu 1 giờ 1 phút, 3 lượt)',
    ]);
  });

  it('reads a grid cell of a rule without an airtime target as the airtime aired, not against 0', () => {
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
    expect(cellText(cell)).toBe('12 phút 30 giây · 2/4 lượt');
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
