import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/**
 * A text field read without its leading and trailing white space, before it is validated: a
 * required name checked by `@MinLength(1, NOT_BLANK)` then refuses "   " instead of saving it
 * blank. Anything not a string is left for `@IsString()` to refuse.
 */
export function Trimmed(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim() : value,
  );
}

/** The message of `@MinLength(1, NOT_BLANK)` on a trimmed field. */
export const NOT_BLANK = { message: '$property must not be blank' };

/**
 * The new value of an optional text a PATCH may clear: left out keeps `current`, `null` or an empty
 * (trimmed) string clears it.
 */
export function changedText(
  input: string | null | undefined,
  current: string | null,
): string | null {
  return input === undefined ? current : input || null;
}

/**
 * A name as two names are compared within a commune (a cluster's, an on-air window's): trimmed,
 * runs of spaces as one, NFC (a name typed on a phone and one pasted from Word may compose “ộ”
 * differently) and lower case in Vietnamese.
 */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').normalize('NFC').toLocaleLowerCase('vi');
}

/**
 * Characters no user text may hold: C0 and C1 control characters (NUL, BEL, backspace, ESC…, and
 * DEL), which CSV readers, RFC 5545 TEXT and the PDF fonts cannot carry, and the bidirectional
 * marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), which
 * silently reorder what every view and export shows ("\u202Ecba" reads "abc").
 */
const NEVER_IN_TEXT =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** What a one-line text (a title, a name, a reason) may not hold besides: tab and line breaks. */
const LINE_BREAK_OR_TAB = /[\t\n\r]/;

/** Whether `value` is a string that holds only printable text (line breaks and tabs when `multiline`). */
export function isPlainText(value: unknown, multiline = false): boolean {
  if (typeof value !== 'string') return false;
  return !NEVER_IN_TEXT.test(value) && (multiline || !LINE_BREAK_OR_TAB.test(value));
}

/**
 * A text from a machine (a speaker box's error message) made one plain line for people to read:
 * control characters and bidirectional controls taken out, tabs and line breaks as spaces. User
 * text is refused instead (`@PlainText()`); a box's answer is kept, as its news matters more.
 */
export function plainLine(value: string): string {
  return value
    .replace(new RegExp(NEVER_IN_TEXT.source, 'g'), '')
    .replace(/[ ]*[\t\n\r][\t\n\r ]*/g, ' ')
    .trim();
}

/** The name of `@PlainText()`'s check in class-validator's metadata. */
export const PLAIN_TEXT = 'isPlainText';

export interface PlainTextOptions {
  /** A text of several lines (a bulletin's body, a description): line breaks and tabs are taken. */
  multiline?: boolean;
  /** Check each string of an array. */
  each?: boolean;
}

/**
 * The one rule for every text a user writes: no control character and no bidirectional control
 * (see `NEVER_IN_TEXT`); one-line texts take no tab or line break either. A value not a string is
 * left for `@IsString()` to refuse. `optional-fields.spec.ts` checks every `@IsString()` field has it.
 */
export function PlainText(options: PlainTextOptions = {}): PropertyDecorator {
  const multiline = options.multiline === true;
  const each = options.each === true;
  return ValidateBy(
    {
      name: PLAIN_TEXT,
      constraints: [multiline],
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isPlainText(value, multiline),
        defaultMessage: () =>
          multiline
            ? `$property must not contain control characters (line breaks and tabs aside) or bidirectional controls${each ? ' in any of its items' : ''}`
            : `$property must ${each ? 'each ' : ''}be one line without control characters or bidirectional controls`,
      },
    },
    { each },
  );
}
