import { ERROR_STATUS, ErrorCode } from '../common/error-codes';
import {
  ERROR_MESSAGES,
  sessionEndText,
  statusProblemText,
  vietnameseError,
} from '../../web/src/errors-vi';
import { parseStatus } from '../fleet/protocol';
import {
  formatDate,
  airtimeAgainst,
  formatAirtimeAgainst,
  formatDayStart,
  formatLufs,
  formatNumber,
  formatSeconds,
  formatStartTime,
  formatStartTimes,
  formatTime,
  formatTimeSpan,
  localDateOf,
  localInstant,
  mondayOf,
  planWeekEnd,
  windowOver,
} from '../../web/src/format';
import {
  auditActorText,
  bulletinState,
  causeText,
  chainSummaryText,
  DISCREPANCY_DESCRIPTION,
  DISCREPANCY_LABEL,
  ITEM_STATUS_LABEL,
  OUTCOME_LABEL,
  sendBackText,
  SOURCE_LABEL,
  sourceCheckText,
} from '../../web/src/labels';
import { Cell, cellParts, cellText } from '../../web/src/compliance-cell';
import type { ShortfallGroup } from '../../web/src/types';
import { RECORD_RULES } from '../playout/record-refusal.view';
import {
  DISCREPANCY_LABELS,
  OUTCOME_LABELS,
  SOURCE_LABELS,
} from '../reports/reconciliation/reconciliation-labels';

describe('web app text', () => {
  it("words a cluster's taken name and its refused deletion, naming the cluster", () => {
    expect(
      vietnameseError(409, 'DEVICE_NAME_TAKEN', 'english', {
        name: 'Cụm loa thôn 1',
        deviceId: 'x',
      }),
    ).toBe(
      'Xã đã có cụm loa “Cụm loa thôn 1”; hãy đặt tên khác để phân biệt (tên không phân biệt chữ hoa, chữ thường)',
    );
    expect(
      vietnameseError(409, 'DEVICE_HAS_RECEIPTS', 'english', {
        name: 'Cụm loa chợ',
        receiptCount: 1200,
      }),
    ).toMatch(/^Cụm loa “Cụm loa chợ” đã gửi 1\.200 biên nhận phát có chữ ký nên không xoá được/);
    // Without the fields, the code's general words.
    expect(vietnameseError(409, 'DEVICE_NAME_TAKEN', 'english', {})).toBe(
      ERROR_MESSAGES.DEVICE_NAME_TAKEN,
    );
  });

  it("words a window's taken name, naming the window", () => {
    expect(
      vietnameseError(409, 'WINDOW_NAME_TAKEN', 'english', { name: 'Sáng', windowId: 'x' }),
    ).toBe(
      'Xã đã có khung giờ phát “Sáng”; hãy đặt tên khác để phân biệt (tên không phân biệt chữ hoa, chữ thường)',
    );
    expect(vietnameseError(409, 'WINDOW_NAME_TAKEN', 'english', {})).toBe(
      ERROR_MESSAGES.WINDOW_NAME_TAKEN,
    );
  });

  it("words every problem the protocol finds in a cluster's status, in Vietnamese", () => {
    const bad: unknown[] = [
      Buffer.from('{"status": online'),
      Buffer.alloc(17 * 1024, 32),
      [],
      { status: 'asleep' },
      { status: 'online', ts: 'yesterday' },
      { status: 'online', cachedUntil: 5 },
      { status: 'online', volume: 150 },
      { status: 'online', power: 'standby' },
      { status: 'online', version: 'x'.repeat(65) },
      { status: 'online', clockSkewMs: 1.5 },
      { status: 'online', playing: { scheduleItemId: 'a' } },
    ];
    const problems = bad.map((payload) => {
      const parsed = parseStatus(payload);
      if (parsed.ok) throw new Error(`accepted: ${JSON.stringify(payload)}`);
      return parsed.error;
    });
    expect(new Set(problems).size).toBe(bad.length);
    const worded = problems.map(statusProblemText);
    expect(worded.filter((text) => text.startsWith('“'))).toEqual([]);
    expect(statusProblemText('volume must be an integer from 0 to 100')).toBe(
      'âm lượng (volume) phải là số nguyên từ 0 đến 100',
    );
    // A problem a newer server finds: its English, quoted.
    expect(statusProblemText('mood must be calm')).toBe('“mood must be calm”');
  });

  it('has a Vietnamese message for every error code the API can answer', () => {
    const untranslated = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter(
      (code) => !ERROR_MESSAGES[code],
    );
    expect(untranslated).toEqual([]);
    const english = 'english detail';
    expect(vietnameseError(409, 'SCHEDULE_OVERLAP', english)).toBe(
      'Trùng giờ với một bản tin khác trong lịch phát sóng',
    );
  });

  it('names what is in the way when the problem does: the item, its time and the nearest free time', () => {
    expect(
      vietnameseError(409, 'SCHEDULE_OVERLAP', 'english', {
        conflictingItem: { title: 'Kinh tế số', localTime: '06/10 05:30' },
        nearestFreeSlot: { windowName: 'Sáng', localTime: '06/10 05:31' },
      }),
    ).toBe(
      'Trùng giờ với “Kinh tế số” lúc 06/10 05:30. Giờ trống gần nhất trong khung Sáng: 06/10 05:31',
    );
    // The free time after an item is rarely on a whole minute: said to the second, from its
    // instant (`localTime` stops at the minute, and 05:30 would overlap again).
    expect(
      vietnameseError(409, 'SCHEDULE_OVERLAP', 'english', {
        conflictingItem: {
          title: 'Kinh tế số',
          startsAt: '2025-10-06T05:30:00.000+07:00',
          localTime: '06/10 05:30',
        },
        nearestFreeSlot: {
          windowName: 'Sáng',
          startsAt: '2025-10-06T05:30:47.000+07:00',
          localTime: '06/10 05:30',
        },
      }),
    ).toBe(
      'Trùng giờ với “Kinh tế số” lúc 06/10 05:30. Giờ trống gần nhất trong khung Sáng: 06/10 05:30:47',
    );
    expect(
      vietnameseError(409, 'SCHEDULE_OVERLAP', 'english', {
        conflictingItem: { title: null, localTime: '06/10 05:30' },
        nearestFreeSlot: null,
      }),
    ).toBe('Trùng giờ với một mục khác lúc 06/10 05:30. Khung giờ này không còn chỗ trống đủ dài');
    expect(
      vietnameseError(409, 'WINDOW_OVERLAP', 'english', {
        window: { name: 'Sáng', startTime: '05:30', endTime: '06:00' },
      }),
    ).toBe('Khung giờ phát trùng với khung “Sáng” (05:30–06:00)');
  });

  it("names the characters an official report's font cannot print, and where, in Vietnamese", () => {
    const problem = {
      code: 'OFFICIAL_TEXT_UNPRINTABLE',
      unprintable: [
        {
          field: 'paragraphs',
          index: 1,
          characters: ['☎', '😀'],
          codePoints: ['U+260E', 'U+1F600'],
        },
        { field: 'recipients', index: 0, characters: ['☎'], codePoints: ['U+260E'] },
        { field: 'signerName', characters: ['😀'], codePoints: ['U+1F600'] },
      ],
    };
    expect(vietnameseError(422, 'OFFICIAL_TEXT_UNPRINTABLE', 'The report…', problem)).toBe(
      'Phông chữ của báo cáo (Liberation Serif) không in được “☎” (U+260E), “😀” (U+1F600) ở Nội dung mở đầu, đoạn 2; “☎” (U+260E) ở Nơi nhận, dòng 1; “😀” (U+1F600) ở Họ tên người ký. Hãy xoá hoặc thay các ký tự này rồi lưu lại',
    );
    expect(vietnameseError(422, 'OFFICIAL_TEXT_UNPRINTABLE', 'The report…', {})).toBe(
      'Lời báo cáo có ký tự phông chữ của báo cáo (Liberation Serif) không in được; hãy xoá hoặc thay các ký tự đó',
    );
  });

  it("names the campaign, topic and commune names an official report's font cannot print", () => {
    const problem = {
      code: 'OFFICIAL_TEXT_UNPRINTABLE',
      unprintable: [
        { field: 'campaignName', characters: ['☎'], codePoints: ['U+260E'] },
        { field: 'topicName', code: 'kinh-te-so', characters: ['😀'], codePoints: ['U+1F600'] },
        { field: 'communeName', code: '14797', characters: ['☎'], codePoints: ['U+260E'] },
      ],
    };
    expect(vietnameseError(422, 'OFFICIAL_TEXT_UNPRINTABLE', 'The report…', problem)).toBe(
      'Phông chữ của báo cáo (Liberation Serif) không in được “☎” (U+260E) ở Tên chiến dịch; “😀” (U+1F600) ở Tên chủ đề (mã kinh-te-so); “☎” (U+260E) ở Tên xã, phường (mã 14797). Hãy xoá hoặc thay các ký tự này rồi lưu lại',
    );
  });

  it('words the last-admin guard instead of a generic conflict', () => {
    expect(
      vietnameseError(
        409,
        'USER_LAST_ADMIN',
        'The last active admin cannot be removed, disabled or demoted',
      ),
    ).toBe(
      'Không thể hạ quyền, khoá hay xoá quản trị viên cuối cùng đang hoạt động: hãy thêm một quản trị viên khác trước',
    );
    expect(
      vietnameseError(409, 'USER_SELF_DELETE', 'An admin cannot delete their own account'),
    ).toBe('Bạn không thể tự xoá tài khoản của mình; hãy nhờ một quản trị viên khác');
  });

  it('keeps the English detail where it names the field, and falls back by status, then to the message', () => {
    expect(vietnameseError(400, 'VALIDATION_FAILED', 'title must be shorter')).toBe(
      'Dữ liệu nhập chưa hợp lệ (title must be shorter)',
    );
    // A window across midnight (tester's report #11): its own words, not the English detail.
    expect(
      vietnameseError(400, 'VALIDATION_FAILED', 'A window may not cross midnight: …', {
        rule: 'window-crosses-midnight',
        startTime: '23:30',
        durationMinutes: 60,
      }),
    ).toBe(
      'Khung giờ phát phải kết thúc trong ngày: 23:30 cộng 60 phút là 00:30 ngày hôm sau. Hãy bắt đầu sớm hơn hoặc rút ngắn thời lượng',
    );
    expect(vietnameseError(409, 'SOMETHING_NEW', 'clash')).toBe(
      'Thao tác xung đột với dữ liệu hiện có (clash)',
    );
    expect(vietnameseError(500, undefined, 'Internal server error')).toBe(
      'Máy chủ gặp lỗi, vui lòng thử lại',
    );
    expect(vietnameseError(418, undefined, 'teapot')).toBe('teapot');
  });

  it('writes dates, times and durations as Vietnamese readers do, in Asia/Ho_Chi_Minh', () => {
    expect(formatDate('2025-10-06')).toBe('06/10/2025');
    // 22:30 UTC is 05:30 the next morning in Việt Nam.
    expect(localDateOf('2025-10-05T22:30:00Z')).toBe('2025-10-06');
    expect(formatTime('2025-10-05T22:30:00Z')).toBe('05:30');
    // An item's start: to the second only where it has seconds.
    expect(formatStartTime('2025-10-05T22:30:00Z')).toBe('05:30');
    expect(formatStartTime('2025-10-05T22:30:47Z')).toBe('05:30:47');
    expect(formatDayStart('2025-10-05T22:30:47Z')).toBe('06/10 05:30:47');
    // An item's span: to the minute, or to the second where the minutes alone would be equal.
    expect(formatTimeSpan('2025-10-05T22:30:00Z', '2025-10-05T22:45:00Z')).toBe('05:30–05:45');
    expect(formatTimeSpan('2025-10-05T22:30:00Z', '2025-10-05T22:30:11Z')).toBe(
      '05:30:00–05:30:11',
    );
    expect(formatTimeSpan('2025-10-05T22:30:00Z', '2025-10-05T22:33:08Z')).toBe(
      '05:30:00–05:33:08',
    );
    // Times in one list read alike: all to the minute, or all to the second.
    expect(formatStartTimes(['2025-10-06T10:00:00Z', '2025-10-06T04:02:00Z'])).toEqual([
      '17:00',
      '11:02',
    ]);
    expect(formatStartTimes(['2025-10-06T10:03:10Z', '2025-10-06T04:02:00Z'])).toEqual([
      '17:03:10',
      '11:02:00',
    ]);
    // Loudness and counts in Vietnamese: a decimal comma, a real minus, a thousands dot.
    expect(formatLufs(-16.1)).toBe('−16,1 LUFS');
    expect(formatNumber(1573)).toBe('1.573');
    expect(formatNumber(66.7)).toBe('66,7');
    // A source's check: the sample rate and loudness with decimal commas, a real minus, one
    // decimal of loudness (it was the browser's "-18,345 LUFS", a hyphen and three decimals).
    expect(
      sourceCheckText({
        url: 'http://radio.example/live',
        reachable: true,
        codec: 'mp3',
        sampleRate: 44100,
        channels: 2,
        loudnessLufs: -18.345,
        error: null,
      }),
    ).toBe('Kết nối được — MP3, 44,1 kHz, stereo; độ lớn 10 giây đầu −18,3 LUFS');
    expect(localInstant('2025-10-06', '05:30')).toBe('2025-10-06T05:30:00+07:00');
    expect(mondayOf('2025-10-12')).toBe('2025-10-06');
    // A plan runs to the week's Sunday; from a Sunday, to the next one.
    expect(planWeekEnd('2025-10-06')).toBe('2025-10-12');
    expect(planWeekEnd('2025-10-11')).toBe('2025-10-12');
    expect(planWeekEnd('2025-10-12')).toBe('2025-10-19');
    expect(formatSeconds(150)).toBe('2 phút 30 giây');
    expect(formatSeconds(3720)).toBe('1 giờ 2 phút');
    expect(formatSeconds(0)).toBe('0 giây');
    expect(formatSeconds(42)).toBe('42 giây');
    expect(formatSeconds(720)).toBe('12 phút');
    // To the nearest second, below an hour; from an hour on, to the nearest minute.
    expect(formatSeconds(89.6)).toBe('1 phút 30 giây');
    expect(formatSeconds(3659)).toBe('1 giờ 1 phút');
    // Up (what is missing) and down (what falls short), to the last unit shown.
    expect(formatSeconds(0.001, 'up')).toBe('1 giây');
    expect(formatSeconds(59.2, 'up')).toBe('1 phút');
    expect(formatSeconds(3601, 'up')).toBe('1 giờ 1 phút');
    expect(formatSeconds(59.9, 'down')).toBe('59 giây');
    expect(formatSeconds(3659, 'down')).toBe('1 giờ');
    // Float noise rounds no second up: 600 s less 32,166 s and 27,834 s is 540,000…01.
    expect(formatSeconds(600 - 32.166 - 27.834, 'up')).toBe('9 phút');
  });

  it("never writes a grid cell's airtime short of its target as reaching it", () => {
    const cell = (
      airedSeconds: number,
      plays: number,
      toDate: { requiredSeconds: number; requiredPlays: number },
      whole = toDate,
    ): Cell => {
      const met = airedSeconds >= toDate.requiredSeconds && plays >= toDate.requiredPlays;
      return {
        communeCode: '14797',
        communeName: 'Phường Hạc Thành',
        topic: 'kinh-te-so',
        airedSeconds,
        plays,
        ...whole,
        met,
        toDate: { topic: 'kinh-te-so', ...toDate, met },
      };
    };
    // The tester's cell: 23,76 s against 26 s to date read "0,4/0,4 phút" and looked met.
    expect(
      cellText(
        cell(
          23.76,
          5,
          { requiredSeconds: 26, requiredPlays: 3 },
          {
            requiredSeconds: 129,
            requiredPlays: 14,
          },
        ),
      ),
    ).toBe('23 giây / 26 giây đến hôm nay (cả đợt 2 phút 9 giây) · 5/3 lượt');
    expect(cellText(cell(25.6, 0, { requiredSeconds: 26, requiredPlays: 0 }))).toBe(
      '25 giây / 26 giây',
    );
    expect(cellText(cell(26, 0, { requiredSeconds: 26, requiredPlays: 0 }))).toBe(
      '26 giây / 26 giây',
    );
    expect(cellText(cell(90.4, 1, { requiredSeconds: 26, requiredPlays: 2 }))).toBe(
      '1 phút 30 giây / 26 giây · 1/2 lượt',
    );
    // As the progress page says durations (formatSeconds), not tenths of a minute: 12,5/20 phút
    // is 12 phút 30 giây against 20 phút.
    expect(cellText(cell(750, 3, { requiredSeconds: 1200, requiredPlays: 4 }))).toBe(
      '12 phút 30 giây / 20 phút · 3/4 lượt',
    );
    // Short by a second: not 20,5/20,6 phút, the aired value down, the target up.
    expect(cellText(cell(1230.9, 4, { requiredSeconds: 1231, requiredPlays: 4 }))).toBe(
      '20 phút 30 giây / 20 phút 31 giây · 4/4 lượt',
    );
    // While the range runs: the target to date, then the whole range's, rounded up.
    const running = cell(
      749,
      2,
      { requiredSeconds: 1200, requiredPlays: 4 },
      {
        requiredSeconds: 18600,
        requiredPlays: 20,
      },
    );
    expect(cellText(running)).toBe(
      '12 phút 29 giây / 20 phút đến hôm nay (cả đợt 5 giờ 10 phút) · 2/4 lượt',
    );
    // The pieces a narrow column may break between, each kept whole.
    expect(cellParts(running)).toEqual([
      '12 phút 29 giây / 20 phút',
      'đến hôm nay',
      '(cả đợt 5 giờ 10 phút)',
      '· 2/4 lượt',
    ]);
    // Met: the aired value never reads below its target.
    expect(cellText(cell(1233, 4, { requiredSeconds: 1231, requiredPlays: 4 }))).toBe(
      '20 phút 33 giây / 20 phút 31 giây · 4/4 lượt',
    );
    // From an hour on, to the minute: 1 h 28 min 20 s met against 1 h 28 min 14 s reads as the
    // target, not below it (1 giờ 28 phút); 0,1 s short reads below it.
    expect(formatAirtimeAgainst(5300, 5294)).toBe('1 giờ 29 phút / 1 giờ 29 phút');
    expect(formatAirtimeAgainst(5293.9, 5294)).toBe('1 giờ 28 phút / 1 giờ 29 phút');
    expect(airtimeAgainst(3599.9, 3630)).toEqual({
      aired: '59 phút 59 giây',
      required: '1 giờ 1 phút',
    });
    // Every short value reads below its target, every met one at or above it, whichever unit.
    const seconds = (text: string): number =>
      [...text.matchAll(/(\d+) (giờ|phút|giây)/g)].reduce(
        (sum, [, value, unit]) =>
          sum + Number(value) * (unit === 'giờ' ? 3600 : unit === 'phút' ? 60 : 1),
        0,
      );
    for (const required of [1, 26, 59, 60, 61, 1231, 3599, 3600, 3601, 3630, 5294]) {
      for (const aired of [
        required - 0.001,
        required - 0.5,
        required - 1,
        required * 0.99,
        required,
        required + 0.4,
        required + 29,
        required + 59.9,
      ]) {
        const [shown, target] = formatAirtimeAgainst(aired, required).split(' / ').map(seconds);
        expect([aired, required, shown < target]).toEqual([aired, required, aired < required]);
      }
    }
  });

  it('says a window is over once its end has passed in Việt Nam, not before', () => {
    // A window of 17:00–17:45. 10:44 UTC is 17:44 in Việt Nam: it still runs; at 17:45 it is over.
    const end = 17 * 60 + 45;
    expect(windowOver('2025-10-12', end, Date.parse('2025-10-12T10:44:00Z'))).toBe(false);
    expect(windowOver('2025-10-12', end, Date.parse('2025-10-12T10:45:00Z'))).toBe(true);
    // Days before today are over whatever the hour; days after are not.
    expect(windowOver('2025-10-11', end, Date.parse('2025-10-12T00:00:00Z'))).toBe(true);
    expect(windowOver('2025-10-13', end, Date.parse('2025-10-12T16:59:00Z'))).toBe(false);
    // 17:00 UTC is already the next day in Việt Nam: the 12th is over, the 13th has not begun.
    expect(windowOver('2025-10-12', end, Date.parse('2025-10-12T17:00:00Z'))).toBe(true);
    expect(windowOver('2025-10-13', end, Date.parse('2025-10-12T17:00:00Z'))).toBe(false);
  });

  it('names a cancelled item as the program log does (Đã huỷ), on the page and in the exports', () => {
    expect(DISCREPANCY_LABEL.cancelled).toBe(ITEM_STATUS_LABEL.cancelled);
    expect(DISCREPANCY_LABELS).toEqual(DISCREPANCY_LABEL);
  });

  it("says an empty province has no log to check, not that its communes' logs all match", () => {
    // What the server answers for a commune without any record, and for one never checked.
    const empty = { ok: true, count: 0, checkedAt: null, uncheckedRecords: 0 };
    const neverChecked = { ok: null, count: 0, checkedAt: null, uncheckedRecords: 12 };
    const checked = {
      ok: true,
      count: 40,
      checkedAt: '2025-10-12T02:00:00.000+07:00',
      uncheckedRecords: 3,
    };
    expect(chainSummaryText([empty, empty, empty])).toEqual({
      checked: 0,
      text: 'Chưa có nhật ký phát thanh nào để kiểm tra.',
    });
    expect(chainSummaryText([])).toEqual({
      checked: 0,
      text: 'Chưa có nhật ký phát thanh nào để kiểm tra.',
    });
    expect(chainSummaryText([empty, neverChecked, neverChecked])).toEqual({
      checked: 0,
      text: 'Chưa kiểm tra: nhật ký phát thanh của 2 xã chưa được đối chiếu chuỗi băm lần nào.',
    });
    expect(chainSummaryText([checked, empty])).toEqual({
      checked: 1,
      text: 'Nhật ký phát thanh của 1 xã đã kiểm tra đều khớp chuỗi băm: không có bản ghi nào bị sửa hay xoá.',
    });
    expect(chainSummaryText([checked, checked, neverChecked, empty])).toEqual({
      checked: 2,
      text: 'Nhật ký phát thanh của 2 xã đã kiểm tra đều khớp chuỗi băm: không có bản ghi nào bị sửa hay xoá. 1 xã khác có nhật ký chưa kiểm tra.',
    });
  });

  it('words a pending line so that it is true of an item not yet due and of one that aired, awaiting its record', () => {
    // Since an item is pending while it is open on the log, "Chưa đến hạn" (not yet due) was false
    // for one a cluster had aired whose record the scheduler's tick had not yet written.
    expect(DISCREPANCY_LABEL.pending).toBe('Chờ kết quả');
    expect(DISCREPANCY_LABELS.pending).toBe(DISCREPANCY_LABEL.pending);
    expect(DISCREPANCY_DESCRIPTION.pending).toBe(
      'Chưa đến giờ phát, hoặc đang chờ biên nhận của cụm loa',
    );
    // No other code needs more than its label.
    expect(Object.keys(DISCREPANCY_DESCRIPTION)).toEqual(['pending']);
  });

  it('names outcomes and sources in the reconciliation exports as the as-run log page does', () => {
    expect(OUTCOME_LABELS).toEqual(OUTCOME_LABEL);
    expect(SOURCE_LABELS).toEqual(SOURCE_LABEL);
    expect(OUTCOME_LABEL.missed).toBe(ITEM_STATUS_LABEL.missed);
  });

  it('names a draft the approver sent back as such, not as waiting for approval', () => {
    const sentBack = { at: '2025-10-06T09:00:00+07:00', by: null, reason: 'Bổ sung địa điểm' };
    expect(bulletinState({ status: 'draft', sentBack })).toBe('sent-back');
    expect(bulletinState({ status: 'draft', sentBack: null })).toBe('draft');
    expect(bulletinState({ status: 'approved', sentBack: null })).toBe('approved');
  });

  it('tells the approver how often a resubmitted draft was sent back, the latest when, by whom, why', () => {
    const by = { id: 'u1', username: 'lanh-dao', displayName: 'Lê Văn Duyệt' };
    const latest = { at: '2025-10-03T14:05:00.000+07:00', by, reason: 'Thiếu nguồn số liệu' };
    expect(sendBackText({ count: 1, latest })).toBe(
      'Đã trả lại 1 lần — lúc 03/10/2025 14:05 bởi Lê Văn Duyệt: “Thiếu nguồn số liệu”',
    );
    expect(sendBackText({ count: 3, latest: { ...latest, by: null, reason: null } })).toBe(
      'Đã trả lại 3 lần — lần gần nhất lúc 03/10/2025 14:05 bởi không rõ',
    );
  });

  it("words a CSV import's wrong rows in Vietnamese from their fields, with no English", () => {
    const columns = ['startedAt', 'endedAt', 'correctsSeq'];
    const row = (code: string, fields: Record<string, unknown>): string =>
      vietnameseError(422, code, 'english detail', {
        line: 2,
        code,
        message: 'english',
        ...fields,
      });
    expect(
      row('VALIDATION_FAILED', {
        cells: [
          { column: 'startedAt', value: '31/02/2026 05:30', reason: 'not-date-time' },
          { column: 'playedMs', value: 'abc', reason: 'not-whole-number' },
          { column: 'outcome', value: 'phát rồi', reason: 'isIn' },
        ],
      }),
    ).toBe(
      'Cột startedAt “31/02/2026 05:30” không phải ngày giờ có thật (ghi như 06/10/2025 05:30 hoặc 2025-10-06 05:30:00); ' +
        'Cột playedMs “abc” không phải số nguyên; Cột outcome “phát rồi” không phải giá trị được chấp nhận',
    );
    expect(
      row('CSV_HEADER', {
        header: { problem: 'unknown-columns', names: ['Ngày', 'Giờ'], more: 0, columns },
      }),
    ).toBe(
      'Dòng tên cột có cột không đọc được: “Ngày”, “Giờ”; các cột đọc được là startedAt, endedAt, correctsSeq',
    );
    expect(row('CSV_HEADER', { header: { problem: 'missing-columns', names: ['outcome'] } })).toBe(
      'Dòng tên cột thiếu cột bắt buộc “outcome”',
    );
    expect(row('CSV_CELLS', { cellCount: 3, columnCount: 5 })).toBe(
      'Dòng có 3 ô, dòng tên cột có 5 cột',
    );
    expect(row('CSV_ENCODING', {})).toBe(
      'Tệp không phải văn bản UTF-8: hãy lưu lại tệp với bảng mã UTF-8 (trong Excel chọn “CSV UTF-8”)',
    );
    // The refusal itself, for a file that is not UTF-8 (its one row says why).
    expect(vietnameseError(422, 'PLAYOUT_IMPORT_INVALID', 'The file is not UTF-8 text')).toBe(
      'Tệp nhập nhật ký có dòng không hợp lệ',
    );
  });

  it("words a record's other refusals in Vietnamese from their values, post or import row", () => {
    const english = 'startedAt 2025-10-06T05:01:00.000Z is …';
    const worded: [string, Record<string, unknown>, string][] = [
      [
        'PLAYOUT_TIME_OUT_OF_RANGE',
        { field: 'endedAt', time: '2025-10-06T05:01:00.000Z', latest: '2025-10-06T05:00:05.000Z' },
        'Giờ kết thúc (endedAt) 06/10/2025 12:01 là thời điểm trong tương lai: nhật ký chỉ ghi ' +
          'những lần phát đã diễn ra, muộn nhất đến 06/10/2025 12:00',
      ],
      [
        'PLAYOUT_TIME_OUT_OF_RANGE',
        {
          field: 'startedAt',
          time: '1925-10-05T22:30:00.000Z',
          earliest: '2019-12-31T17:00:00.000Z',
        },
        'Giờ bắt đầu (startedAt) 06/10/1925 05:30 sớm hơn 01/01/2020 00:00, thời điểm sớm nhất ' +
          'nhật ký nhận: hãy kiểm tra năm đã ghi',
      ],
      [
        'PLAYOUT_ITEM_TIME_MISMATCH',
        {
          scheduleItemId: '22222222-2222-4222-8222-222222222222',
          startedAt: '2025-10-06T22:40:00.000Z',
          plannedStart: '2025-10-05T22:40:00.000Z',
          plannedEnd: '2025-10-05T22:50:30.000Z',
          earliest: '2025-10-05T22:39:00.000Z',
          latest: '2025-10-05T23:20:30.000Z',
          earlyToleranceMs: 60_000,
          lateToleranceMs: 1_800_000,
        },
        'Giờ bắt đầu (startedAt) 07/10 05:40 không khớp với mục trong lịch phát sóng đã xếp lúc ' +
          '06/10 05:40–05:50:30: bản ghi của mục này phải bắt đầu từ 06/10 05:39 đến 06/10 06:20:30 ' +
          '(sớm nhất 1 phút trước giờ bắt đầu, muộn nhất 30 phút sau giờ kết thúc của mục)',
      ],
      ['TOPIC_UNKNOWN', { topics: ['chu-de-la'] }, 'Không có chủ đề nào mang mã “chu-de-la”'],
      [
        'TOPIC_UNKNOWN',
        { topics: ['chu-de-la', 'kinh-te'] },
        'Không có chủ đề nào mang mã “chu-de-la”, “kinh-te”',
      ],
      [
        'PLAYOUT_OVERLAP',
        {
          overlapsSeq: 12,
          overlapsStartedAt: '2025-10-05T22:30:00.000Z',
          overlapsEndedAt: '2025-10-05T22:45:00.000Z',
          overlapsTitle: 'Bản tin Kinh tế số',
        },
        'Trùng thời gian với bản ghi số 12 trong nhật ký (“Bản tin Kinh tế số”, 06/10 05:30–05:45)',
      ],
      [
        'PLAYOUT_OVERLAP',
        {
          overlapsSeq: null,
          overlapsStartedAt: '2025-10-05T22:30:00.000Z',
          overlapsEndedAt: '2025-10-05T22:31:00.000Z',
          overlapsTitle: null,
          overlapsRow: { line: 2 },
        },
        'Trùng thời gian với dòng 2 của tệp (06/10 05:30–05:31)',
      ],
      [
        'PLAYOUT_OVERLAP',
        {
          overlapsSeq: null,
          overlapsStartedAt: '2025-10-05T22:30:00.000Z',
          overlapsEndedAt: '2025-10-05T22:31:00.000Z',
          overlapsTitle: 'Tin ngắn',
          overlapsRow: { index: 20 },
        },
        'Trùng thời gian với bản ghi thứ 21 của lô (records[20]) (“Tin ngắn”, 06/10 05:30–05:31)',
      ],
      [
        'PLAYOUT_CORRECTS_UNKNOWN',
        { correctsSeq: 999 },
        'Không tìm thấy bản ghi số 999 cần đính chính (correctsSeq)',
      ],
      [
        'PLAYOUT_ALREADY_CORRECTED',
        { correctsSeq: 3 },
        'Bản ghi số 3 đã được đính chính; muốn sửa tiếp thì đính chính bản ghi đính chính đó',
      ],
    ];
    for (const [code, fields, text] of worded) {
      const status = code === 'PLAYOUT_OVERLAP' || code === 'PLAYOUT_ALREADY_CORRECTED' ? 409 : 422;
      // A single post's problem, and an import's row (playout.ts passes the row as the problem).
      const problem = { statusCode: status, code, message: english, ...fields };
      expect(vietnameseError(status, code, english, problem)).toBe(text);
      expect(
        vietnameseError(422, code, english, { line: 4, code, message: english, ...fields }),
      ).toBe(text);
    }
    // A value missing (an older server) keeps the text of before, the English beside it if any.
    expect(vietnameseError(422, 'PLAYOUT_TIME_OUT_OF_RANGE', english, { field: 'startedAt' })).toBe(
      `${ERROR_MESSAGES.PLAYOUT_TIME_OUT_OF_RANGE} (${english})`,
    );
    expect(
      vietnameseError(422, 'PLAYOUT_ITEM_TIME_MISMATCH', english, {
        scheduleItemId: '22222222-2222-4222-8222-222222222222',
        earliest: '2025-10-05T22:39:00.000Z',
        latest: '2025-10-05T22:51:00.000Z',
      }),
    ).toBe(`${ERROR_MESSAGES.PLAYOUT_ITEM_TIME_MISMATCH} (${english})`);
    expect(vietnameseError(409, 'PLAYOUT_OVERLAP', english, { overlapsSeq: 4 })).toBe(
      ERROR_MESSAGES.PLAYOUT_OVERLAP,
    );
    expect(vietnameseError(422, 'TOPIC_UNKNOWN', english, { topics: [] })).toBe(
      ERROR_MESSAGES.TOPIC_UNKNOWN,
    );
  });

  it('words every rule the record checks refuse by in Vietnamese, with the values it names', () => {
    const english = 'endedAt is before startedAt';
    const refused = (refusal: Record<string, unknown>): string =>
      vietnameseError(422, 'PLAYOUT_RECORD_INVALID', english, {
        code: 'PLAYOUT_RECORD_INVALID',
        message: english,
        ...refusal,
      });
    const worded: [Record<string, unknown>, string][] = [
      [
        { rule: 'item-bulletin-mismatch', itemBulletinId: null },
        'Mục trong lịch phát sóng phát một bản tin khác với bản tin đã ghi (bulletinId)',
      ],
      [
        { rule: 'no-bulletin-or-title' },
        'Bản ghi cần có bản tin (bulletinId hoặc scheduleItemId) hoặc tên chương trình (title)',
      ],
      [
        { rule: 'reason-required', outcome: 'failed', correctsSeq: null },
        'Bản ghi có kết quả “Phát lỗi” cần ghi lý do (reason)',
      ],
      [
        { rule: 'reason-required', outcome: 'missed', correctsSeq: 4 },
        'Bản ghi có kết quả “Bị lỡ” cần ghi lý do (reason)',
      ],
      [
        { rule: 'reason-required', outcome: 'aired', correctsSeq: 4 },
        'Bản ghi đính chính bản ghi số 4 cần ghi lý do (reason)',
      ],
      [
        { rule: 'missed-needs-start' },
        'Bản ghi có kết quả “Bị lỡ” mà không gắn với mục nào trong lịch phát sóng (scheduleItemId) thì cần có giờ bắt đầu (startedAt)',
      ],
      [
        { rule: 'missed-not-at-planned-start', plannedStart: '2025-10-05T22:40:00.000Z' },
        'Bản ghi có kết quả “Bị lỡ” phải bắt đầu đúng giờ đã xếp của mục trong lịch phát sóng (06/10 05:40)',
      ],
      [
        { rule: 'missed-ends-at-start' },
        'Bản ghi có kết quả “Bị lỡ” phải kết thúc ngay lúc bắt đầu (endedAt bằng startedAt)',
      ],
      [
        { rule: 'missed-played', playedMs: 1500 },
        'Bản ghi có kết quả “Bị lỡ” phải có thời lượng đã phát bằng 0 (playedMs đang là 1.500)',
      ],
      [
        { rule: 'times-required', outcome: 'partial' },
        'Bản ghi có kết quả “Phát một phần” cần có cả giờ bắt đầu (startedAt) và giờ kết thúc (endedAt)',
      ],
      [{ rule: 'ended-before-started' }, 'Giờ kết thúc (endedAt) sớm hơn giờ bắt đầu (startedAt)'],
      [
        { rule: 'longer-than-a-day', spanMs: 90_000_000, maxMs: 86_400_000 },
        'Bản ghi dài 25 giờ, quá mức tối đa 24 giờ: hãy kiểm tra ngày của giờ bắt đầu và giờ kết thúc',
      ],
      [
        { rule: 'played-longer-than-span', playedMs: 60_001, spanMs: 60_000 },
        'Thời lượng đã phát (playedMs 60.001 ms) dài hơn khoảng từ giờ bắt đầu đến giờ kết thúc (60.000 ms)',
      ],
      [
        { rule: 'nothing-played', outcome: 'aired' },
        'Bản ghi có kết quả “Đã phát” phải có thời lượng đã phát (playedMs) lớn hơn 0',
      ],
      [{ rule: 'repeats-row', repeats: { line: 3 } }, 'Trùng hoàn toàn với dòng 3 của tệp'],
      [
        { rule: 'repeats-row', repeats: { index: 20 } },
        'Trùng hoàn toàn với bản ghi thứ 21 của lô (records[20])',
      ],
    ];
    for (const [refusal, text] of worded) expect(refused(refusal)).toBe(text);
    // Every rule the server names is worded here.
    expect(new Set(worded.map(([refusal]) => refusal.rule))).toEqual(new Set(RECORD_RULES));
    // An import's row of that code is worded the same (playout.ts passes the row as the problem).
    expect(
      vietnameseError(422, 'PLAYOUT_RECORD_INVALID', english, {
        line: 3,
        code: 'PLAYOUT_RECORD_INVALID',
        message: english,
        rule: 'ended-before-started',
      }),
    ).toBe('Giờ kết thúc (endedAt) sớm hơn giờ bắt đầu (startedAt)');
    // A rule this app does not know, or a value missing, keeps the English beside the Vietnamese.
    expect(refused({ rule: 'some-new-rule' })).toBe(
      'Bản ghi nhật ký phát thanh không hợp lệ (endedAt is before startedAt)',
    );
    expect(refused({ rule: 'missed-played' })).toBe(
      'Bản ghi nhật ký phát thanh không hợp lệ (endedAt is before startedAt)',
    );
  });

  it("says the plan's daily play limit in an operator's words, not the setting's name", () => {
    const group = { cause: 'daily-play-limit', bulletins: 2, maxPlaysPerBulletinPerDay: 3 };
    expect(causeText(group as ShortfallGroup)).toBe(
      'mỗi bản tin được phát tối đa 3 lần một ngày, và cả 2 bản tin hiện có đã phát đủ 3 lần',
    );
  });

  it('names the actor of an audit event: a person by username, a cluster by its name', () => {
    expect(auditActorText({ actorUsername: 'vanhanh.hacthanh', detail: null })).toBe(
      'vanhanh.hacthanh',
    );
    const device = 'device:01a24e57-09d4-7b00-af0f-dafd4b32cd6f';
    expect(auditActorText({ actorUsername: device, detail: { name: 'Cụm loa thôn 1' } })).toBe(
      'Cụm loa “Cụm loa thôn 1”',
    );
    // Enrolments recorded before the name was kept.
    expect(auditActorText({ actorUsername: device, detail: null })).toBe('Cụm loa');
    expect(auditActorText({ actorUsername: null, detail: null })).toBe('—');
  });

  it('says why a session ended, by the reason the API gave for refusing its token', () => {
    expect(sessionEndText('account-disabled')).toBe(
      'Tài khoản của bạn đã bị khoá. Vui lòng liên hệ quản trị viên để mở khoá.',
    );
    expect(sessionEndText('account-deleted')).toBe('Tài khoản của bạn đã bị xoá khỏi hệ thống.');
    expect(sessionEndText('credentials-changed')).toContain('vừa được thay đổi');
    // The token ran out (no reason), or a reason a newer server gives.
    expect(sessionEndText()).toBe('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.');
    expect(sessionEndText('something-new')).toBe(sessionEndText());
  });
});
