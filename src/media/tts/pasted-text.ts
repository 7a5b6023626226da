/**
 * Text pasted from a PDF letter, made into running prose before it is read: lines broken inside a
 * sentence are joined (the voice pauses at every line break it keeps), a syllable hyphenated at
 * the end of a line is made whole again, paragraphs and list items ("1.", "a)", "- ") stay on
 * their own lines and end with a full stop so that the voice pauses there, and runs of spaces
 * collapse. Pure; no I/O.
 */
export function cleanPastedText(input: string): string {
  const lines = input
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f\t\f\v]/g, ' ')
    .replace(/[\u200b\u00ad]/g, '')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim());
  const blankMeansParagraph = !isDoubleSpaced(lines);
  const paragraphs: string[] = [];
  let current = '';
  const close = (): void => {
    if (current !== '') paragraphs.push(endSentence(current));
    current = '';
  };
  for (const line of lines) {
    if (line === '') {
      if (blankMeansParagraph) close();
      continue;
    }
    if (current === '') {
      current = line;
    } else if (startsItem(line) || endsSentence(current) || isHeading(current, line)) {
      close();
      current = line;
    } else {
      current = joinBroken(current, line);
    }
  }
  close();
  return paragraphs
    .map((paragraph) => tidy(paragraph))
    .filter((paragraph) => paragraph !== '')
    .join('\n');
}

/**
 * A PDF copied line by line often puts an empty line after every line: then they mean nothing.
 * Judged on the gaps between text lines only, so a passage copied without its last empty line
 * (four printed lines, three gaps) reads the same as one copied with it.
 */
function isDoubleSpaced(lines: readonly string[]): boolean {
  const text = lines.map((line, index) => (line === '' ? -1 : index)).filter((index) => index >= 0);
  const gaps = text.slice(0, -1);
  const blankAfter = gaps.filter((index) => lines[index + 1] === '').length;
  return gaps.length >= 3 && blankAfter / gaps.length >= 0.7;
}

const ITEM = /^(?:[-–•+*]\s+|\d{1,2}[.)]\s+|[a-zđ][.)]\s+|[IVX]{1,4}\.\s+)/u;

function startsItem(line: string): boolean {
  return ITEM.test(line);
}

/** "2. UBND các xã, phường" then "Ngoài triển khai…": a numbered heading has no full stop. */
function isHeading(current: string, next: string): boolean {
  return (
    /^(?:\d{1,2}|[IVX]{1,4})[.)]\s/.test(current) && current.length <= 80 && /^\p{Lu}/u.test(next)
  );
}

function endsSentence(text: string): boolean {
  return /[.!?…]["”’)]*$/.test(text);
}

/** "truy-" + "ền" → "truyền"; "VH-" + "XH" keeps its hyphen; otherwise a space. */
function joinBroken(before: string, after: string): string {
  if (/\p{L}-$/u.test(before) && !/ -$/.test(before)) {
    return /^\p{Ll}/u.test(after) ? before.slice(0, -1) + after : before + after;
  }
  return `${before} ${after}`;
}

/** Ends a paragraph or item with a full stop, so the voice pauses after it. */
function endSentence(text: string): string {
  const trimmed = text.replace(/\s*\.\/\.\s*$/, '.').trim();
  if (endsSentence(trimmed)) return trimmed;
  return trimmed.replace(/[,;:]+$/, '') + '.';
}

function tidy(text: string): string {
  return text
    .replace(/^[-–•+*]\s+/, '')
    .replace(/ {2,}/g, ' ')
    .replace(/ +([,.;:!?)])/g, '$1')
    .replace(/([(“"]) +/g, '$1')
    .trim();
}
