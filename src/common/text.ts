import { Transform } from 'class-transformer';

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
