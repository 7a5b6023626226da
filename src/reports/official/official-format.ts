import { minutesAgainst, Rounding, tenthsOfMinute } from '../../common/minutes';
import { viNumber } from '../../common/vi-number';

/**
 * How numbers and dates are written in an administrative document (Nghị định 30/2020/NĐ-CP):
 * numbers as Vietnamese prose writes them (`viNumber`: thousands grouped with a dot, a decimal
 * comma), in the sentences and in the tables alike, since people read both; dates as dd/mm/yyyy in
 * the text and "ngày … tháng … năm …" in the dateline.
 */

/**
 * Seconds as minutes with one decimal: 2658 → "44,3 phút", 65_130 → "1.085,5 phút"; `rounding`
 * as `tenthsOfMinute` (a target up, so that it never reads as less than it asks).
 */
export function minutesText(seconds: number, rounding: Rounding = 'nearest'): string {
  return `${minutesNumber(seconds, rounding)} phút`;
}

/** Seconds as minutes with one decimal, no unit: 2658 → "44,3", 65_130 → "1.085,5". */
export function minutesNumber(seconds: number, rounding: Rounding = 'nearest'): string {
  return viNumber(tenthsOfMinute(seconds, rounding), 1);
}

/**
 * Aired minutes in a cell beside a target of `requiredSeconds`, no unit (`minutesAgainst`): short
 * of the target never reads as reaching it, 2658 s against 2659 s "44,3" against the target's
 * "44,4".
 */
export function airedMinutesNumber(airedSeconds: number, requiredSeconds: number): string {
  return viNumber(minutesAgainst(airedSeconds, requiredSeconds).aired, 1);
}

/** A weekly target cell: the minutes, rounded up, or "—" for a rule that sets none (not "0,0 phút"). */
export function targetMinutesText(seconds: number): string {
  return seconds > 0 ? minutesText(seconds, 'up') : '—';
}

/** A weekly plays target cell: the count, or "—" for a rule that sets none (not "0"). */
export function targetPlaysText(plays: number): string {
  return plays > 0 ? viNumber(plays) : '—';
}

/**
 * A target over the range, its set parts only, the minutes rounded up: "44,3 phút, 31 lượt",
 * "44,3 phút", "31 lượt".
 */
export function rangeTargetText(seconds: number, plays: number): string {
  const parts = [
    seconds > 0 ? minutesText(seconds, 'up') : '',
    plays > 0 ? `${viNumber(plays)} lượt` : '',
  ];
  return parts.filter((part) => part !== '').join(', ') || '—';
}

/** A change in percent with its sign, or "—" when there was nothing before: "+12,5%", "+1.250,0%". */
export function percentText(percent: number | null): string {
  if (percent === null) return '—';
  return `${percent > 0 ? '+' : ''}${viNumber(percent, 1)}%`;
}

/** A share in percent, or "—" when there is nothing to share: "50,0%". */
export function shareText(percent: number | null): string {
  return percent === null ? '—' : `${viNumber(percent, 1)}%`;
}

/** The dateline "Thanh Hóa, ngày 05 tháng 01 năm 2026": a 0 before days under 10 and months 1–2 (NĐ 30). */
export function datelineText(place: string, date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const pad = (value: number, minimum: number): string =>
    value < minimum ? String(value).padStart(2, '0') : String(value);
  return `${place}, ngày ${pad(day, 10)} tháng ${pad(month, 3)} năm ${year}`;
}
