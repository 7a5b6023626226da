import { cleanPastedText } from './pasted-text';
import { normalizeVietnameseText } from './vietnamese-text';

import { Reading, ReadingPreview } from './reading-preview.view';

export { Reading, ReadingPreview };

/** What the synthesizer receives for a text typed or pasted by the operator: the one path. */
export function textForSpeech(text: string): string {
  return normalizeVietnameseText(cleanPastedText(text));
}

const MAX_READINGS = 200;

/**
 * A word that sets the sense of the number after it ("ngày 10/10", "thứ 4"), the number-like
 * token, a percent sign, and the word after it, kept only for a bare quantity ("02 cấp"): read
 * together they show what the voice will say. Abbreviations are the upper-case words (with & or /)
 * the normalizer may expand.
 */
const CANDIDATE = new RegExp(
  String.raw`(?<lead>(?:ngày|tháng|thứ|Thứ|lúc|từ)\s+)?` +
    String.raw`(?<number>(?<![\p{L}\d])\d[\d.,/:h–-]*(?<![.,:/–-]))(?<percent>\s?%)?(?<next>\s+\p{Ll}+)?` +
    String.raw`|(?<![\p{L}\d])(?:V\/v|v\/v|TP\.|\p{Lu}[\p{Lu}\p{Ll}&]*\p{Lu})(?![\p{L}\d])`,
  'gu',
);

/** The written form shown for a match: the next word only after a plain quantity. */
function writtenForm(match: RegExpMatchArray): string | null {
  const { lead, number, percent, next } = match.groups ?? {};
  if (number === undefined) return match[0];
  const plain = /^\d+$/.test(number) && !lead && !percent;
  if (plain && !next && number.length <= 2 && !number.startsWith('0')) return null;
  return `${lead ?? ''}${number}${percent ?? ''}${plain && next ? next : ''}`.trim();
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
