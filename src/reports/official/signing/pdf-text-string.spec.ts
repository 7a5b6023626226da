import { pdfTextString } from './pdf-text-string';

describe('pdfTextString', () => {
  it('writes UTF-16BE after the FE FF byte order mark, in hex', () => {
    expect(pdfTextString('Hóa')).toBe('<FEFF004800F30061>');
  });

  it('writes a Vietnamese letter typed decomposed (NFD) as its one composed character', () => {
    expect(pdfTextString('Tước'.normalize('NFD'))).toBe(pdfTextString('Tước'));
    expect(pdfTextString('ớ')).toBe('<FEFF1EDB>');
  });

  it('writes a character outside the BMP as its surrogate pair, and nothing as the mark alone', () => {
    expect(pdfTextString('𝄞')).toBe('<FEFFD834DD1E>');
    expect(pdfTextString('')).toBe('<FEFF>');
  });
});
