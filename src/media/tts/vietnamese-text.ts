import { doReadNumber, ReadingConfig } from 'read-vietnamese-number';

/**
 * Text as a Vietnamese announcer reads it, before speech synthesis: numbers, dates, fractions,
 * times, money, phone numbers, document numbers and the common administrative abbreviations become
 * words ("10/10" → "mười tháng mười", "2/3 số hộ" → "hai phần ba số hộ", "05:30" → "năm giờ ba
 * mươi phút", "UBND" → "Ủy ban nhân dân"). The synthesizer on its own reads digits one by one or
 * in English order. The rules are the table STEPS at the end, in the order they apply. Pure; no I/O.
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

/** Abbreviations read the same wherever they stand. A longer one comes before its prefix. */
const ABBREVIATIONS: [string, string][] = [
  ['V/v', 'Về việc'],
  ['v/v', 'về việc'],
  // "Nơi nhận" of a letter: "(để b/c)", "(để t/h)", "(để p/h)".
  ['b/c', 'báo cáo'],
  ['t/h', 'thực hiện'],
  ['p/h', 'phối hợp'],
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
  ['SĐT', 'số điện thoại'],
  ['QĐ', 'quyết định'],
  ['NĐ-CP', 'nghị định Chính phủ'],
  ['NĐ', 'nghị định'],
  ['TTg', 'Thủ tướng'],
];

/**
 * Codes read this way only inside a document's number ("39/2020/TT-BTTTT", "13/2023/NĐ-CP"):
 * elsewhere "TT" may be a town (thị trấn) or a centre, "CP" a joint-stock company (công ty CP).
 */
const DOCUMENT_CODES: [string, string][] = [
  ['TT', 'thông tư'],
  ['CP', 'Chính phủ'],
  ['NQ', 'nghị quyết'],
  ['CT', 'chỉ thị'],
  ['KH', 'kế hoạch'],
  ['TB', 'thông báo'],
  ['BC', 'báo cáo'],
  ['HD', 'hướng dẫn'],
  ['QH', 'Quốc hội'],
  ['BTC', 'Bộ Tài chính'],
  ['BCA', 'Bộ Công an'],
  ['BYT', 'Bộ Y tế'],
  ['BNV', 'Bộ Nội vụ'],
  ['BGDĐT', 'Bộ Giáo dục và Đào tạo'],
];

/**
 * Abbreviations read by what follows them: a place's kind before its name or number ("P. Hàm
 * Rồng", "Q.1"), a road before its number ("Q.Lộ 1A", "QL45"), a signature's "KT. GIÁM ĐỐC".
 * Announcements write names in full, so "P." before a capital is not taken for an initial.
 */
const CONTEXT_ABBREVIATIONS: [string, string][] = [
  [String.raw`TP(?:\.\s*|\s+)(?=\p{Lu}|\d)`, 'thành phố '],
  [String.raw`TT\.\s*(?=\p{Lu})`, 'thị trấn '],
  [String.raw`TT(?=\s+(?:số\s+)?\d)`, 'thông tư'],
  [String.raw`Q\.\s*[Ll]ộ(?!\p{L})\s*`, 'quốc lộ '],
  [String.raw`QL\.?\s*(?=\d)`, 'quốc lộ '],
  [String.raw`P\.\s*(?=\p{Lu}|\d)`, 'phường '],
  [String.raw`Q\.\s*(?=\p{Lu}|\d)`, 'quận '],
  [String.raw`KT\.\s*(?=\p{Lu})`, 'ký thay '],
  [String.raw`TM\.\s*(?=\p{Lu})`, 'thay mặt '],
  [String.raw`TL\.\s*(?=\p{Lu})`, 'thừa lệnh '],
  [String.raw`(?<=Lưu:?\s*)VT(?!\p{L})`, 'văn thư'],
  [String.raw`(?<=doanh nghiệp\s+)VT(?!\p{L})`, 'viễn thông'],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function expandAbbreviations(text: string): string {
  let result = text;
  for (const [pattern, long] of CONTEXT_ABBREVIATIONS) {
    result = result.replace(new RegExp(`${NOT_BEFORE}${pattern}`, 'gu'), long);
  }
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

/** One part of a document's issuing code: "TT", "BTTTT", "QH14" (the legislature's term). */
function readDocumentCode(code: string): string {
  const [, letters, term] = /^(.*?)(\d*)$/u.exec(code) ?? ['', code, ''];
  const long =
    DOCUMENT_CODES.find(([short]) => short === letters)?.[1] ??
    ABBREVIATIONS.find(([short]) => short === letters)?.[1] ??
    letters;
  return term ? `${long} ${readInteger(String(Number(term)))}` : long;
}

const DOCUMENT_CODE = String.raw`\p{Lu}[\p{L}&]*\d*`;

/**
 * A document's number, its year and its issuing codes: "số 39/2020/TT-BTTTT" → "số ba mươi chín
 * trên hai nghìn không trăm hai mươi, thông tư Bộ Thông tin và Truyền thông". Before dates, which
 * would take "1/2020" for a month.
 */
function readDocumentNumbers(text: string): string {
  return text.replace(
    new RegExp(
      String.raw`(?<![\d/])(\d{1,6})(?:\/(\d{4}))?\/(${DOCUMENT_CODE}(?:\s?-\s?${DOCUMENT_CODE})*)${NOT_AFTER}`,
      'gu',
    ),
    (_match, number: string, year: string | undefined, codes: string) => {
      const numberWords = readInteger(String(Number(number)));
      const yearWords = year ? ` trên ${readInteger(year)}` : '';
      const codeWords = codes
        .split(/\s?-\s?/)
        .map(readDocumentCode)
        .join(' ');
      return `${numberWords}${yearWords}, ${codeWords}`;
    },
  );
}

/** A phone number's digits in the groups it is written in, or the usual 4-3-3 (3-4-4). */
function readPhoneNumber(written: string): string {
  let groups = written.split(/[ .-]/);
  if (groups.length === 1) {
    const sizes: Record<number, number[]> = { 8: [4, 4], 10: [4, 3, 3], 11: [3, 4, 4] };
    let at = 0;
    groups = (sizes[written.length] ?? [written.length]).map((size) =>
      written.slice(at, (at += size)),
    );
  }
  return groups.map(readDigits).join(', ');
}

const PHONE_NUMBER = new RegExp(
  String.raw`(?<![\p{L}\d.,])(?:` +
    // Mobile and landline: 0912.345.678, 0912 345 678, 024-3825-1234, 0912345678.
    String.raw`0\d{2,3}([ .-])\d{3,4}\1\d{3,4}|0\d{9,10}` +
    // Hotlines: 1900 1234, 1800.123.456.
    String.raw`|1[89]00(?:[ .]?\d{3}[ .]?\d{3}|[ .]?\d{4})` +
    String.raw`)(?!\d|[.,]\d)`,
  'gu',
);

/** The emergency numbers after a word that calls them: "gọi 113, 114 hoặc 115". */
const EMERGENCY_NUMBERS = new RegExp(
  String.raw`(?<=(?:gọi|gọi ngay|gọi điện|tổng đài|đường dây nóng|hotline|điện thoại|cấp cứu)(?:\s+số)?[:\s]\s*)` +
    String.raw`11[345](?:\s*(?:,|và|hoặc|\/)\s*11[345])*(?!\d)`,
  'giu',
);

function readPhoneNumbers(text: string): string {
  return text
    .replace(PHONE_NUMBER, (match) => {
      const digits = match.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 11 ? readPhoneNumber(match) : match;
    })
    .replace(EMERGENCY_NUMBERS, (match) => match.replace(/\d+/g, readDigits));
}

/**
 * "01/10/2025–31/10/2025", "2021-2025", "30/4 - 1/5", "8h-11h30", "7 giờ - 9 giờ", "từ 4 - 6
 * triệu", "thứ 2-6", "2-3 lần": a range, read "đến". A hyphen elsewhere may join codes or words
 * and stays.
 */
function readRanges(text: string): string {
  return text
    .replace(/(\d)\s*[–—]\s*(?=\d)/g, '$1 đến ')
    .replace(/(?<!\d)(\d{4})-(?=\d{4}(?!\d))/g, '$1 đến ')
    .replace(
      /(?<![\d/])(\d{1,2}\/\d{1,2}(?:\/\d{4})?)\s*-\s*(?=\d{1,2}\/\d{1,2}(?!\d))/g,
      '$1 đến ',
    )
    .replace(/(?<![\d:])(\d{1,2}(?:h(?:\d{2})?|:\d{2}))\s*-\s*(?=\d{1,2}(?:h|:\d{2}))/g, '$1 đến ')
    .replace(/(\d\s*giờ(?:\s*\d{1,2}(?:\s*phút)?)?)\s*-\s*(?=\d{1,2}\s*giờ)/g, '$1 đến ')
    .replace(/(?<!\p{L})([Tt]hứ\s+[2-7])\s*-\s*(?=[3-7](?!\d))/gu, '$1 đến thứ ')
    .replace(/(?<!\p{L})([Tt]ừ\s+\d+(?:[.,]\d+)?)\s*-\s*(?=\d)/gu, '$1 đến ')
    .replace(/(?<![\d./-])(\d{1,3}) ?- ?(?=\d{1,3}\s+\p{Ll})/gu, '$1 đến ');
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

/** A word just before "a/b" that makes it a date: "ngày 1/2", "từ 1/2", "đến hết 1/2". */
const DATE_BEFORE =
  /(?<!\p{L})(?:ngày|hôm|mồng|mùng|từ|đến|tới|hết|trước|sau|sáng|trưa|chiều|tối|đêm|vào|lúc|hạn|lễ|dịp|Tết)\s*[(]?$/iu;
/** The next date of a range after "a/b": "1/2 đến 5/2". */
const RANGE_AFTER = /^\s*(?:đến|tới)\s+\d{1,2}\/\d{1,2}/u;
/** A word just before "a/b" that makes it a label: "số 12/3", "ngõ 45/2", "lớp 10/2". */
const LABEL_BEFORE = /(?<!\p{L})(?:số|ngõ|ngách|hẻm|kiệt|lớp)\s*$/iu;
/** A word just before "a/b" that makes it a part of a whole: "khoảng 1/2", "chiếm 2/3". */
const FRACTION_BEFORE =
  /(?<!\p{L})(?:khoảng|gần|hơn|trên|dưới|chiếm|đạt|còn|bằng|được|mất|giảm|tăng|thêm|chỉ|quá|tỉ lệ|tỷ lệ)\s*$/iu;
/** The word after "a/b" that makes it a part of a whole: "1/2 số hộ", "2/3 diện tích". */
const FRACTION_AFTER =
  /^\s*(?:số|diện|dân|tổng|lượng|sản|khối|kinh|chi|thời|quãng|giá|mức|phần|quỹ|đất)(?!\p{L})/iu;

function readFraction(numerator: number, denominator: number): string {
  const below = denominator === 4 ? 'tư' : readInteger(String(denominator));
  return `${readInteger(String(numerator))} phần ${below}`;
}

/**
 * "a/b" without a year is a date or a fraction, as the words around it say. Rules, first that
 * applies: a leading zero ("01/02") makes it a date; a date word before it or a range after it
 * ("ngày 1/2", "từ 1/2 đến 5/2") a date; a label word before it ("số 12/3", "lớp 10/2") "mười hai
 * trên ba", and so is "24/7"; a quantity word before or after it ("chiếm 2/3", "1/2 số hộ") a fraction ("hai phần ba");
 * otherwise a date if it can be one ("kỷ niệm 2/9"), else a ratio ("45/60" → "bốn mươi lăm trên
 * sáu mươi").
 */
function readSlashPairs(text: string): string {
  return text.replace(
    /(?<![\d/.,])(\d{1,3})\/(\d{1,3})(?![\d/]|[.,]\d)/g,
    (_match, first: string, second: string, offset: number, whole: string) => {
      const a = Number(first);
      const b = Number(second);
      const before = whole.slice(Math.max(0, offset - 40), offset);
      const after = whole.slice(offset + _match.length, offset + _match.length + 40);
      const date = isDayMonth(a, b) ? `${readDay(a)} tháng ${readMonth(b)}` : null;
      const ratio = `${readInteger(String(a))} trên ${readInteger(String(b))}`;
      if (date && (/^0/.test(first) || /^0/.test(second))) return date;
      if (date && (DATE_BEFORE.test(before) || RANGE_AFTER.test(after))) return date;
      if (LABEL_BEFORE.test(before)) return ratio;
      if (first === '24' && second === '7') return ratio; // round the clock
      if (b > 0 && (FRACTION_BEFORE.test(before) || FRACTION_AFTER.test(after))) {
        return readFraction(a, b);
      }
      return date ?? ratio;
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

/**
 * Money: "50.000đ", "50.000 VNĐ", "1,5 triệu đ" end in "đồng"; "30.000đ/người" is "ba mươi nghìn
 * đồng một người".
 */
function readMoney(text: string): string {
  return text
    .replace(
      new RegExp(
        String.raw`(?<![\d.,])${NUMBER_PATTERN}\s?(?:đồng|đ|Đ|VNĐ|VND|vnđ|vnd)${NOT_AFTER}`,
        'gu',
      ),
      (_match, integral: string, separator?: string, fraction?: string) =>
        `${readNumberToken(integral, separator, fraction)} đồng`,
    )
    .replace(
      new RegExp(
        String.raw`(?<!\p{L})(nghìn|ngàn|triệu|tỷ|tỉ)\s?(?:đ|VNĐ|VND|vnđ)${NOT_AFTER}`,
        'gu',
      ),
      '$1 đồng',
    )
    .replace(/(?<!\p{L})đồng\s?\/\s?(?=\p{L})/gu, 'đồng một ');
}

function readNumbers(text: string): string {
  return text.replace(
    new RegExp(String.raw`(?<![\d.,])${NUMBER_PATTERN}(?![\d])(\p{L})?`, 'gu'),
    (_match, integral: string, separator?: string, fraction?: string, letter?: string) =>
      // "5ha" → "năm ha": a unit written against the number stays a separate word.
      readNumberToken(integral, separator, fraction) + (letter ? ` ${letter}` : ''),
  );
}

/**
 * What is left between words: "Trang/Cổng" is read as two words, "&" as "và"; a slash left alone
 * (an unfilled "Số: /SKHCN") is not read.
 */
function readSymbols(text: string): string {
  return text.replace(/\//g, ' ').replace(/\s*&\s*/g, ' và ');
}

/** The rules in the order they apply: each one sees the text the ones above it left. */
const STEPS: ((text: string) => string)[] = [
  dropLinks, // "xem https://…" → "xem"
  readDocumentNumbers, // "số 39/2020/TT-BTTTT" → "số ba mươi chín trên hai nghìn…, thông tư Bộ…"
  expandAbbreviations, // "UBND P. Hàm Rồng" → "Ủy ban nhân dân phường Hàm Rồng"
  readPhoneNumbers, // "0912.345.678" → "không chín một hai, ba bốn năm, sáu bảy tám"
  readRanges, // "8h-11h30" → "8h đến 11h30"
  readFullDates, // "1/2/2026" → "mồng một tháng hai năm hai nghìn…"
  readMonthYears, // "tháng 10/2025" → "tháng mười năm hai nghìn…"
  readSlashPairs, // "ngày 1/2" → "ngày mồng một tháng hai"; "1/2 số hộ" → "một phần hai số hộ"
  readTimes, // "7h30" → "bảy giờ ba mươi phút"
  readMoney, // "50.000đ" → "năm mươi nghìn đồng"
  readPercentages, // "3,5 %" → "ba phẩy năm phần trăm"
  readOrdinals, // "thứ 4" → "thứ tư"
  readNumbers, // "16.650" → "mười sáu nghìn sáu trăm năm mươi"
  readSymbols, // "Trang/Cổng" → "Trang Cổng", "&" → "và"
];
