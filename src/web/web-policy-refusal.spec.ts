import { DomainError } from '../common/domain-error';
import { loadConfig } from '../config/load-config';
import { checkItem, checkWindow } from '../schedule/broadcast-policy';
import { policyRefusal } from '../schedule/policy-refusal';
import { vietnameseError } from '../../web/src/errors-vi';

const policy = {
  ...loadConfig({}).policyDefaults,
  quietHours: { from: '21:30', to: '05:30' },
  maxDailyMinutes: 2,
};

/** What the web app says of a policy refusal, as the exception filter serves it. */
function said(error: DomainError): string {
  return vietnameseError(409, error.code, error.message, { ...error.details, code: error.code });
}

describe("a save the broadcast policy refuses, in the web app's words", () => {
  it("says the server's own reason for an item, with its times and the hours", () => {
    const startsAt = Date.parse('2025-10-07T05:00:00+07:00');
    const violation = checkItem(policy, { startsAt, endsAt: startsAt + 30_000, kind: 'bulletin' });
    expect(said(policyRefusal(violation!, { startsAt: '2025-10-07T05:00:00.000+07:00' }))).toBe(
      'Mục phát 05:00–05:00:30 ngày 07/10/2025 rơi vào giờ yên tĩnh 21:30–05:30',
    );
  });

  it("says the day's airtime and the limit for the daily limit, not only that it was passed", () => {
    const startsAt = Date.parse('2025-10-07T17:00:00+07:00');
    const violation = checkItem(
      policy,
      { startsAt, endsAt: startsAt + 40_000, kind: 'bulletin' },
      { dayAirtimeBeforeMs: 100_000 },
    );
    expect(said(policyRefusal(violation!))).toBe(
      'Thêm mục phát 17:00–17:00:40 ngày 07/10/2025 thì tổng thời lượng phát trong ngày là 2,3 phút, quá giới hạn 2 phút một ngày',
    );
  });

  it('names the window and its time for a window', () => {
    const window = { name: 'Khuya', startTime: '23:00', durationMinutes: 20 };
    const violation = checkWindow(policy, window);
    expect(said(policyRefusal(violation!, { window: { name: 'Khuya' } }))).toBe(
      'Khung giờ Khuya (23:00–23:20) rơi vào giờ yên tĩnh 21:30–05:30',
    );
  });
});
