import type { TopicNames } from '../../web/src/labels';
import { shortfallGroupText, shortfallText } from '../../web/src/shortfall-text';
import type { Shortfall, ShortfallGroup } from '../../web/src/types';

const context = {
  topics: [{ code: 'kinh-te-so', name: 'Kinh tế số' }],
} as unknown as TopicNames;

describe("the plan page's shortfalls in words", () => {
  it('rounds what is missing up and what the plan has down: 0,4 s short is not "0 giây"', () => {
    const shortfall = {
      kind: 'weekly',
      topic: 'kinh-te-so',
      week: '2026-W50',
      from: '2026-12-07',
      to: '2026-12-13',
      date: null,
      requiredSeconds: 600,
      scheduledSeconds: 599.6,
      missingSeconds: 0.4,
      requiredPlays: 0,
      scheduledPlays: 3,
      missingPlays: 0,
      reason: 'no-bulletin',
    } as Shortfall;
    // It read "Còn thiếu 0 giây … (cần 10 phút; kế hoạch có 10 phút)".
    expect(shortfallText(context, shortfall)).toMatch(
      /^Còn thiếu 1 giây cho chủ đề “Kinh tế số” trong tuần 07\/12\/2026 – 13\/12\/2026 \(cần 10 phút; kế hoạch có 9 phút 59 giây\)\. Lý do: /,
    );
  });

  it('rounds the most missing of a group up, daily or weekly', () => {
    const group = {
      kind: 'daily',
      topic: null,
      cause: 'no-bulletin',
      dates: ['2026-12-07'],
      weeks: [{ week: '2026-W50', from: '2026-12-07', to: '2026-12-13' }],
      missingSeconds: 0.4,
      missingPlays: 0,
      maxMissingSeconds: 0.4,
      maxMissingPlays: 0,
      bulletins: 1,
      maxPlaysPerBulletinPerDay: 2,
    } as unknown as ShortfallGroup;
    expect(shortfallGroupText(context, group)).toMatch(
      /^Còn thiếu tới 1 giây mỗi ngày cho tổng thời lượng tuyên truyền chiến dịch/,
    );
    expect(
      shortfallGroupText(context, {
        ...group,
        kind: 'weekly',
        topic: 'kinh-te-so',
        maxMissingSeconds: 59.2,
      }),
    ).toMatch(/^Còn thiếu 1 phút cho chủ đề “Kinh tế số”, tuần 07\/12 – 13\/12\. Lý do: /);
  });
});
