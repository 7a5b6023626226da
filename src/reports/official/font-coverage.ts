import { join } from 'node:path';
import type { Font } from 'fontkit';
import {
  OFFICIAL_TEXT_FIELDS,
  OfficialCommune,
  OfficialTarget,
  OfficialText,
} from './official-content';

/** What the report's fonts can draw: a code point pdfkit would otherwise print as nothing. */
export interface GlyphCoverage {
  has(codePoint: number): boolean;
}

/**
 * The names the report prints from what users keep elsewhere: the campaign's (`POST /campaigns`),
 * its topics' (`/topics`) and the communes' (from `config/`).
 */
export type OfficialName = 'campaignName' | 'topicName' | 'communeName';

/** Characters a field holds that the report cannot print, in the field's words. */
export interface UnprintableText {
  /** The field (`paragraphs`, `subject`, …), or the name (`campaignName`, `topicName`, …). */
  field: keyof OfficialText | OfficialName;
  /** The paragraph's or recipient's place (0-based), for the list fields. */
  index?: number;
  /** The topic's or commune's code, for their names. */
  code?: string;
  /** Each character once, in the order met. */
  characters: string[];
  /** Their code points, `U+260E`. */
  codePoints: string[];
}

/** Line breaks are laid out by pdfkit, not drawn. */
const LAID_OUT = new Set([0x0a, 0x0d]);

/**
 * The coverage of every face the words are set in (each of them must have the glyph, as a word
 * may be set in any), read with fontkit: pdfkit's own font reader, so what it says is missing is
 * what pdfkit would drop.
 */
export function loadCoverage(fontDir: string, files: readonly string[]): GlyphCoverage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fontkit = require('fontkit') as typeof import('fontkit');
  const fonts: Font[] = files.map((file) => fontkit.openSync(join(fontDir, file)));
  return { has: (codePoint) => fonts.every((font) => font.hasGlyphForCodePoint(codePoint)) };
}

export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

function unprintableIn(value: string, coverage: GlyphCoverage): string[] {
  const found = new Set<string>();
  for (const character of value) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (!LAID_OUT.has(codePoint) && !coverage.has(codePoint)) found.add(character);
  }
  return [...found];
}

interface Place {
  field: UnprintableText['field'];
  index?: number;
  code?: string;
}

/** The problem of one value, or null when it all prints. */
function problemIn(value: string, place: Place, coverage: GlyphCoverage): UnprintableText | null {
  const characters = unprintableIn(value, coverage);
  if (characters.length === 0) return null;
  return {
    ...place,
    characters,
    codePoints: characters.map((character) => codePointName(character.codePointAt(0) ?? 0)),
  };
}

function problemsOnly(problems: (UnprintableText | null)[]): UnprintableText[] {
  return problems.filter((problem): problem is UnprintableText => problem !== null);
}

/** The fields of `text` holding characters the fonts cannot draw; none when all print. */
export function unprintableText(
  text: Partial<OfficialText>,
  coverage: GlyphCoverage,
): UnprintableText[] {
  const problems: (UnprintableText | null)[] = [];
  // In the document's order, top to bottom.
  for (const field of OFFICIAL_TEXT_FIELDS) {
    const value: unknown = text[field];
    if (typeof value === 'string') problems.push(problemIn(value, { field }, coverage));
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item === 'string') problems.push(problemIn(item, { field, index }, coverage));
      });
    }
  }
  return problemsOnly(problems);
}

/**
 * The names the report's numbers print (the campaign's, in its section 1; each topic's, in the
 * tables and the chart; each commune's, in the tables and the chart) holding characters the fonts
 * cannot draw; each topic and commune once, by its code.
 */
export function unprintableNames(
  numbers: {
    campaignName: string;
    targets: readonly Pick<OfficialTarget, 'topic' | 'topicName'>[];
    communes: readonly Pick<OfficialCommune, 'code' | 'name'>[];
  },
  coverage: GlyphCoverage,
): UnprintableText[] {
  return problemsOnly([
    problemIn(numbers.campaignName, { field: 'campaignName' }, coverage),
    ...numbers.targets.map((target) =>
      problemIn(target.topicName, { field: 'topicName', code: target.topic }, coverage),
    ),
    ...numbers.communes.map((commune) =>
      problemIn(commune.name, { field: 'communeName', code: commune.code }, coverage),
    ),
  ]);
}

/**
 * `"☎" (U+260E), "😀" (U+1F600) in paragraphs[0]; "☎" (U+260E) in topicName of kinh-te-so`, for
 * the error's English message.
 */
export function unprintableSummary(problems: readonly UnprintableText[]): string {
  return problems
    .map(
      (problem) =>
        problem.characters
          .map((character, at) => `"${character}" (${problem.codePoints[at]})`)
          .join(', ') +
        ` in ${problem.field}${problem.index === undefined ? '' : `[${problem.index}]`}` +
        (problem.code === undefined ? '' : ` of ${problem.code}`),
    )
    .join('; ');
}
