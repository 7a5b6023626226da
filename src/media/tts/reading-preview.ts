import { cleanPastedText } from './pasted-text';
import { normalizeVietnameseText } from './vietnamese-text';

import { Reading, ReadingPreview } from './reading-preview.view';

export { Reading, ReadingPreview };

/** What the synthesizer receives for a text typed or pasted by the operator: the one path. */
export function textForSpeech(text: string): string {
  return normalizeVietnameseText(cleanPastedText(text));
}

const MAX_READINGS = 200;

/** An issuing code after a document's number: "/TT-BTTTT", "/QĐ-TTg", "/QH14". */
const CODE = String.raw`\p{Lu}[\p{L}&]*\d*`;

/**
 * A word that sets the sense of the number after it ("ngày 10/10", "thứ 4", "gọi 115"), the
 * number-like token (a phone number written in groups, a document's number with its codes), a
 * percent sign or a currency, and the word after it, kept only for a bare quantity ("02 cấp") or a
 * fraction ("1/2 số"): read together they show what the voice will say. Abbreviations are the
 * upper-case words (with & or /, "NĐ-CP") the normalizer may expand, and those read by the word
 * after them ("P. Hàm", "KT. GIÁM").
 */
const CANDIDATE = new RegExp(
  String.raw`(?<lead>(?:ngày|tháng|thứ|Thứ|lúc|từ|gọi)\s+)?` +
    String.raw`(?<number>(?<![\p{L}\d])(?:(?:0\d{2,3}|1[89]00)(?: \d{2,4}){1,2}(?!\d)` +
    String.raw`|\d[\d.,/:h–-]*(?<![.,:/–-])(?:\/${CODE}(?:\s?-\s?${CODE})*)?))` +
    String.raw`(?<unit>\s?(?:%|đồng|đ|Đ|VNĐ|VND)(?![\p{L}\d]))?(?<next>\s+\p{Ll}+)?` +
    String.raw`|(?<![\p{L}\d])(?:(?:TP|TT|KT|TM|TL|P|Q)\.\s*[\p{Lu}\d][\p{L}\d]*|[Vv]\/v|[btp]\/[chb]` +
    String.raw`|\p{Lu}[\p{Lu}\p{Ll}&]*\p{Lu}(?:-\p{Lu}[\p{Lu}\p{Ll}]*)*)(?![\p{L}\d])`,
  'gu',
);

/** The written form shown for a match: the next word only after a plain quantity or a fraction. */
function writtenForm(match: RegExpMatchArray): string | null {
  const { lead, number, unit, next } = match.groups ?? {};
  if (number === undefined) return match[0];
  const plain = /^\d+$/.test(number) && !lead && !unit;
  if (plain && !next && number.length <= 2 && !number.startsWith('0')) return null;
  const fraction = /^\d{1,3}\/\d{1,3}$/.test(number) && !lead;
  const withNext = plain || fraction;
  return `${lead ?? ''}${number}${unit ?? ''}${withNext && next ? next : ''}`.trim();
}

/** The reading the operator checks before synthesis; uses the same normalizer as synthesis. */
export function readingPreview(text: string): ReadingPreview {
  const cleaned = cleanPastedText(text);
  const readings: Reading[] = [];
  const seen = new Set<string>();
  for (const match of cleaned.matchAll(CANDIDATE)) {
    const written = writtenForm(match);
    if (written === null || seen.has(written)) continue;
    seen.add(written);
    const spoken = normalizeVietnameseText(written);
    if (spoken !== written) readings.push({ written, spoken });
    if (readings.length >= MAX_READINGS) break;
  }
  return { cleaned, spoken: normalizeVietnameseText(cleaned), readings };
}
