/**
 * A PDF name's characters after its slash (ISO 32000-1 §7.3.5): a byte outside `!`…`~`, the
 * escape `#` itself and the delimiters are written `#xx` (two hex digits) of the UTF-8 bytes,
 * so `Loa xã` is `/Loa#20x#C3#A3`. A raw space or non-ASCII byte makes readers stop at the key
 * ("Dictionary key must be a name object").
 */
export function pdfNameText(text: string): string {
  let escaped = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const plain = byte >= 0x21 && byte <= 0x7e && !PDF_NAME_SPECIAL.has(byte);
    escaped += plain
      ? String.fromCharCode(byte)
      : `#${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}

/** `#` and the delimiters `( ) < > [ ] { } / %`. */
const PDF_NAME_SPECIAL = new Set([...'#()<>[]{}/%'].map((character) => character.charCodeAt(0)));
