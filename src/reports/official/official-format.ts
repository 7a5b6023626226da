import { decimalComma } from '../../common/vi-number';

/**
 * How numbers and dates are written in an administrative document (Nghị định 30/2020/NĐ-CP):
 * a decimal comma, dates as dd/mm/yyyy in the text and "ngày … tháng … năm …" in the dateline.
 */

/** Seconds as minutes with one decimal and a comma: 2658 → "44,3 phút". */
export function minutesText(seconds: number): string {
  return `${minutesNumber(seconds)} phút`;
}

/** Seconds as minutes with one decimal and a comma, no unit: 2658 → "44,3". */
export function minutesNumber(seconds: number): string {
  return decimalComma(Math.round(seconds / 6) / 10, 1);
}

/** A change in percent with its sign, or "—" when there was nothing before: "+12,5%". */
export function percentText(percent: number | null): string {
  if (percent === null) return '—';
  return `${percent > 0 ? '+' : ''}${decimalComma(percent, 1)}%`;
}

/** "2025-10-05" → "05/10/2025". */
export function dateText(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

/** The dateline "Thanh Hóa, ngày 05 tháng 01 năm 2026": a 0 before days under 10 and months 1–2 (NĐ 30). */
export function datelineText(place: string, date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const pad = (value: number, minimum: number): string =>
    value < minimum ? String(value).padStart(2, '0') : String(value);
  return `${place}, ngày ${pad(day, 10)} tháng ${pad(month, 3)} năm ${year}`;
}
