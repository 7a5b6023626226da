/**
 * The plan's shortfalls in plain Vietnamese, for the commune's plan and the province's. No DOM, so
 * that the unit tests read them.
 */

import {
  addDays,
  airtimeAgainst,
  formatDate,
  formatDayMonth,
  formatDayShort,
  formatSeconds,
} from './format.js';
import { causeText, TopicNames, topicName } from './labels.js';
import type { Shortfall, ShortfallGroup } from './types.js';

function plays(count: number): string {
  return `${count} lượt phát`;
}

const REASON_TEXT: Record<Shortfall['reason'], string> = {
  'no-bulletin':
    'chưa có bản tin nào đã duyệt, âm thanh sẵn sàng, mang chủ đề này. Hãy tạo và duyệt thêm bản tin.',
  'no-window-time':
    'các khung giờ phát không còn đủ thời gian trống. Hãy thêm khung giờ phát hoặc kéo dài khung giờ.',
  'rotation-limit':
    'các bản tin hiện có đã phát đủ số lần cho phép mỗi ngày. Hãy thêm bản tin khác cùng chủ đề.',
  past: 'các khung giờ phát của khoảng thời gian này đã qua, không thể xếp lịch nữa.',
  policy:
    'đã đạt tổng thời lượng phát tối đa trong ngày theo quy định phát sóng. Xem mục "Quy định phát sóng".',
};

/**
 * A shortfall in plain Vietnamese: what is missing, where, and why. What is missing and what is
 * needed round up, what the plan has rounds down while short (airtimeAgainst), so that 0,4 s short
 * never reads as `0 giây` nor as the plan having what is needed.
 */
export function shortfallText(context: TopicNames, shortfall: Shortfall): string {
  const missing: string[] = [];
  if (shortfall.missingSeconds > 0) missing.push(formatSeconds(shortfall.missingSeconds, 'up'));
  if (shortfall.missingPlays > 0) missing.push(plays(shortfall.missingPlays));
  const what = missing.join(' và ') || 'một phần chỉ tiêu';
  const where =
    shortfall.kind === 'daily'
      ? `ngày ${formatDate(shortfall.date ?? shortfall.from)}`
      : shortfall.from === shortfall.to
        ? `ngày ${formatDate(shortfall.from)}`
        : `tuần ${formatDate(shortfall.from)} – ${formatDate(shortfall.to)}`;
  const subject =
    shortfall.kind === 'daily'
      ? `tổng thời lượng tuyên truyền chiến dịch trong ${where}`
      : `chủ đề “${topicName(context, shortfall.topic ?? '')}” trong ${where}`;
  // Only the targets the rule sets: a rule without an airtime target needs no "0 giây".
  const airtime = airtimeAgainst(shortfall.scheduledSeconds, shortfall.requiredSeconds);
  const amounts = (seconds: string, count: number): string =>
    [shortfall.requiredSeconds > 0 ? seconds : '', shortfall.requiredPlays > 0 ? plays(count) : '']
      .filter((part) => part !== '')
      .join(', ');
  return `Còn thiếu ${what} cho ${subject} (cần ${amounts(airtime.required, shortfall.requiredPlays)}; kế hoạch có ${amounts(airtime.aired, shortfall.scheduledPlays)}). Lý do: ${REASON_TEXT[shortfall.reason]}`;
}

/** "ngày 07/12", "3 ngày: T2 07/12, T4 09/12, T6 11/12", "14 ngày liền, T2 07/12 – CN 20/12". */
export function daysText(dates: readonly string[]): string {
  if (dates.length === 1) return `ngày ${formatDate(dates[0])}`;
  const consecutive = dates.every(
    (date, index) => index === 0 || addDays(dates[index - 1], 1) === date,
  );
  return consecutive
    ? `${dates.length} ngày liền, ${formatDayShort(dates[0])} – ${formatDayShort(dates[dates.length - 1])}`
    : `${dates.length} ngày: ${dates.map(formatDayShort).join(', ')}`;
}

/**
 * One line per rule and cause: "Còn thiếu … cho … Lý do: … " and the fix. A daily total names no
 * topic; a group of days names them once. What is missing rounds up, never to `0 giây`.
 */
export function shortfallGroupText(context: TopicNames, group: ShortfallGroup): string {
  const missing: string[] = [];
  if (group.kind === 'daily') {
    return `Còn thiếu tới ${formatSeconds(group.maxMissingSeconds, 'up')} mỗi ngày cho tổng thời lượng tuyên truyền chiến dịch (mọi chủ đề cộng lại), ${daysText(group.dates)}. Lý do: ${causeText(group)}.`;
  }
  const weeks = group.weeks;
  if (group.maxMissingSeconds > 0) missing.push(formatSeconds(group.maxMissingSeconds, 'up'));
  if (group.maxMissingPlays > 0) missing.push(plays(group.maxMissingPlays));
  const amount =
    missing.length === 0
      ? 'một phần chỉ tiêu'
      : weeks.length > 1
        ? `tới ${missing.join(' và ')} mỗi tuần`
        : missing.join(' và ');
  const span = weeks
    .map((week) => `${formatDayMonth(week.from)} – ${formatDayMonth(week.to)}`)
    .join(', ');
  return `Còn thiếu ${amount} cho chủ đề “${topicName(context, group.topic ?? '')}”, ${weeks.length > 1 ? `${weeks.length} tuần` : 'tuần'} ${span}. Lý do: ${causeText(group)}.`;
}
