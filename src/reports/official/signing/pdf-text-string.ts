/**
 * A PDF text string (ISO 32000-1 §7.9.2.2) as a hex string: UTF-16BE after the byte order mark
 * FE FF, so `Hóa` is `<FEFF004800F30061>` (composed, NFC, however it was typed). Hex needs no
 * escaping of the bytes `(`, `)` and `\` that UTF-16 code units may hold.
 */
export function pdfTextString(text: string): string {
  const bytes = Buffer.from(text.normalize('NFC'), 'utf16le').swap16();
  return `<FEFF${bytes.toString('hex').toUpperCase()}>`;
}
