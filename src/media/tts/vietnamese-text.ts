import { doReadNumber, ReadingConfig } from 'read-vietnamese-number';

/**
 * Text as a Vietnamese announcer reads it, before speech synthesis: numbers, dates, times,
 * percentages and the common administrative abbreviations become words ("10/10" → "mười tháng
 * mười", "05:30" → "năm giờ ba mươi phút", "UBND" → "Ủy ban nhân dân"). The synthesizer on its own
 * reads digits one by one or in English order. Pure; no I/O.
 */
export function normalizeVietnameseText(input: string): string {
  let text = input.normalize('NFC').replace(/\r\n?/g, '\n');
  for (const step of STEPS) text = step(text);
  return text
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/ +([,.;:!?)])/g, '$1')
    .trim();
}

const config = new ReadingConfig();
config.unit = [];

/** A whole number written with digits only, read in words ("2025" → "hai nghìn không trăm hai mươi lăm"). */
export function readInteger(digits: string): string {
  if (!/^\d+$/.test(digits)) throw new Error(`Not digits: ${digits}`);
  return doReadNumber(digits, config);
}

/** Reads digit by digit: phone numbers, codes, anything with a leading zero or too long to be a quantity. */
export function readDigits(digits: string): string {
  return [...digits].map((digit) => readInteger(digit)).join(' ');
}

/** Day of the month: "mồng" before 1–9, as Vietnamese say dates ("mồng một tháng mười"). */
export function readDay(day: number): string {
  const words = readInteger(String(day));
  return day < 10 ? `mồng ${words}` : words;
}

/** Month: "tháng tư", not "tháng bốn". */
export function readMonth(month: number): string {
  return month === 4 ? 'tư' : readInteger(String(month));
}

function readOrdinal(value: number): string {
  if (value === 1) return 'nhất';
  if (value === 4) return 'tư';
  return readInteger(String(value));
}

function isDayMonth(day: number, month: number): boolean {
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

/** Letters and digits of any script, for boundaries JavaScript's `\b` gets wrong on "Đ" or "ă". */
const WORD = String.raw`[\p{L}\p{N}]`;
const NOT_BEFORE = String.raw`(?<!${WORD})`;
const NOT_AFTER = String.raw`(?!${WORD})`;

const ABBREVIATIONS: [string, string][] = [
  ['V/v', 'Về việc'],
  ['v/v', 'về việc'],
  ['UBND', 'Ủy ban nhân dân'],
  ['HĐND', 'Hội đồng nhân dân'],
  ['SKHCN', 'Sở Khoa học và Công nghệ'],
  ['BKHCN', 'Bộ Khoa học và Công nghệ'],
  ['KH&CN', 'khoa học và công nghệ'],
  ['KHCN', 'khoa học và công nghệ'],
  ['CNTT', 'công nghệ thông tin'],
  ['CĐS', 'chuyển đổi số'],
  ['BTTTT', 'Bộ Thông tin và Truyền thông'],
  ['MTTQ', 'Mặt trận Tổ quốc'],
  ['BCĐ', 'Ban Chỉ đạo'],
  ['VH', 'văn hóa'],
  ['XH', 'xã hội'],
  ['CCCD', 'căn cước công dân'],
  ['BHYT', 'bảo hiểm y tế'],
  ['BHXH', 'bảo hiểm xã hội'],
  ['THCS', 'trung học cơ sở'],
  ['THPT', 'trung học phổ thông'],
  ['PCCC', 'phòng cháy chữa cháy'],
  ['ATGT', 'an toàn giao thông'],
  ['DVC', 'dịch vụ công'],
  ['TTHC', 'thủ tục hành chính'],
  ['QĐ', 'quyết định'],
  ['NĐ', 'nghị định'],
  ['TTg', 'Thủ tướng'],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function expandAbbreviations(text: string): string {
  let result = text.replace(
    new RegExp(String.raw`${NOT_BEFORE}TP\.?\s+(?=\p{Lu})`, 'gu'),
    'thành phố ',
  );
  for (const [short, long] of ABBREVIATIONS) {
    result = result.replace(
      new RegExp(`${NOT_BEFORE}${escapeRegExp(short)}${NOT_AFTER}`, 'gu'),
      long,
    );
  }
  return result;
}

function dropLinks(text: string): string {
  return text.replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ');
}

/** "01/10/2025–31/10/2025", "2021-2025": a range, read "đến". */
function readRanges(text: string): string {
  return text
    .replace(/(\d)\s*[–—]\s*(?=\d)/g, '$1 đến ')
    .replace(/(?<!\d)(\d{4})-(?=\d{4}(?!\d))/g, '$1 đến ');
}

function readFullDates(text: string): string {
  return text.replace(
    /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/])/g,
    (match, day: string, _separator: string, month: string, year: string) => {
      const d = Number(day);
      const m = Number(month);
      if (!isDayMonth(d, m)) return match;
      return `${readDay(d)} tháng ${readMonth(m)} năm ${readInteger(year)}`;
    },
  );
}

/** "tháng 10/2025" → "tháng mười năm hai nghìn…"; a bare "10/2025" gets its "tháng". */
function readMonthYears(text: string): string {
  return text.replace(
    /(tháng\s+)?(?<![\d/])(\d{1,2})\/(\d{4})(?![\d/])/giu,
    (match, prefix: string | undefined, month: string, year: string) => {
      const m = Number(month);
      if (m < 1 || m > 12) return match;
      return `${prefix ?? 'tháng '}${readMonth(m)} năm ${readInteger(year)}`;
    },
  );
}

function readDayMonths(text: string): string {
  return text.replace(
    /(?<![\d/])(\d{1,2})\/(\d{1,2})(?![\d/])/g,
    (match, day: string, month: string) => {
      const d = Number(day);
      const m = Number(month);
      return isDayMonth(d, m) ? `${readDay(d)} tháng ${readMonth(m)}` : match;
    },
  );
}

function readTimes(text: string): string {
  const clock = (hours: string, minutes?: string, seconds?: string): string => {
    const parts = [`${readInteger(String(Number(hours)))} giờ`];
    if (minutes && Number(minutes) > 0) parts.push(`${readInteger(String(Number(minutes)))} phút`);
    if (seconds && Number(seconds) > 0) parts.push(`${readInteger(String(Number(seconds)))} giây`);
    return parts.join(' ');
  };
  return text
    .replace(
      /(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?![\d:])/g,
      (_match, h: string, m: string, s?: string) => clock(h, m, s),
    )
    .replace(
      new RegExp(String.raw`(?<![\d:])([01]?\d|2[0-3])h([0-5]\d)?${NOT_AFTER}`, 'gu'),
      (_match, h: string, m?: string) => clock(h, m),
    );
}

function readOrdinals(text: string): string {
  return text.replace(
    /(?<![\p{L}])(thứ|Thứ)\s+(\d{1,2})(?!\d)/gu,
    (_match, word: string, value: string) => `${word} ${readOrdinal(Number(value))}`,
  );
}

/**
 * A number as written in Vietnamese: "." groups thousands (16.650), "," starts the decimals
 * (3,5 → "ba phẩy năm"); a point that does not group thousands is read "chấm" (4.0 → "bốn chấm
 * không").
 */
function readNumberToken(integral: string, separator?: string, fraction?: string): string {
  const whole = integral.replace(/\./g, '');
  const grouped = integral.includes('.');
  let words: string;
  if (!grouped && ((whole.length >= 4 && whole.startsWith('0')) || whole.length > 15)) {
    words = readDigits(whole);
  } else {
    words = readInteger(whole);
  }
  if (fraction === undefined) return words;
  const leadingZeros = /^0*/.exec(fraction)?.[0].length ?? 0;
  const rest = fraction.slice(leadingZeros);
  const fractionWords = [
    ...Array.from({ length: leadingZeros }, () => 'không'),
    ...(rest ? [readInteger(rest)] : []),
  ].join(' ');
  return `${words} ${separator === ',' ? 'phẩy' : 'chấm'} ${fractionWords}`;
}

const NUMBER_PATTERN = String.raw`(\d{1,3}(?:\.\d{3})+|\d+)(?:([,.])(\d+))?`;

function readPercentages(text: string): string {
  return text.replace(
    new RegExp(String.raw`(?<![\d.,])${NUMBER_PATTERN}\s?%`, 'g'),
    (_match, integral: string, separator?: string, fraction?: string) =>
      `${readNumberToken(integral, separator, fraction)} phần trăm`,
  );
}

function readNumbers(text: string): string {
  return text.replace(
    new RegExp(String.raw`(?<![\d.,])${NUMBER_PATTERN}(?![\d])(\p{L})?`, 'gu'),
    (_match, integral: string, separator?: string, fraction?: string, letter?: string) =>
      // "5ha" → "năm ha": a unit written against the number stays a separate word.
      readNumberToken(integral, separator, fraction) + (letter ? ` ${letter}` : ''),
  );
}

/** What is left between words: "16650/UBND" is read as two words, "&" as "và". */
function readSymbols(text: string): string {
  return text
    .replace(new RegExp(String.raw`(?<=${WORD})\/(?=${WORD})`, 'gu'), ' ')
    .replace(/\s*&\s*/g, ' và ');
}

const STEPS: ((text: string) => string)[] = [
  dropLinks,
  expandAbbreviations,
  readRanges,
  readFullDates,
  readMonthYears,
  readDayMonths,
  readTimes,
  readPercentages,
  readOrdinals,
  readNumbers,
  readSymbols,
];
