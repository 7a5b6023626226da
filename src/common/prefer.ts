/**
 * The `Prefer` request header (RFC 7240): preferences separated by commas, each a token,
 * optionally `=` a token or a quoted string, then parameters after `;`. Names are compared
 * without case, values as written; whitespace around `=` is allowed (RFC 7240, "BWS").
 */

/** What a server says it honoured, in `Preference-Applied`. */
export const RETURN_MINIMAL = 'return=minimal';

/**
 * True when `header` (one value, or the header's repeated values) asks for `return=minimal`: the
 * client needs no copy of what it created, only the outcome. When a preference is given twice,
 * the first counts (RFC 7240, section 2).
 */
export function prefersMinimalReturn(header: string | readonly string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = typeof header === 'string' ? header : header.join(',');
  for (const preference of splitOutsideQuotes(text, ',')) {
    const [nameAndValue] = splitOutsideQuotes(preference, ';');
    const equals = nameAndValue.indexOf('=');
    const name = (equals < 0 ? nameAndValue : nameAndValue.slice(0, equals)).trim().toLowerCase();
    if (name !== 'return') continue;
    const value = equals < 0 ? '' : unquote(nameAndValue.slice(equals + 1).trim());
    return value === 'minimal';
  }
  return false;
}

/** `text` cut at each `separator` that is not inside a quoted string. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (quoted && character === '\\') index += 1;
    else if (character === '"') quoted = !quoted;
    else if (!quoted && character === separator) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** A quoted string's content (`"minimal"` → `minimal`), or a token as it is. */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}
