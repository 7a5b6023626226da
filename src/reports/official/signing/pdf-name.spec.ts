import { pdfNameText } from './pdf-name';

describe('pdfNameText', () => {
  it('escapes a space and the UTF-8 bytes of a Vietnamese letter as #xx', () => {
    expect(pdfNameText('Loa xã')).toBe('Loa#20x#C3#A3');
  });

  it('keeps the printable ASCII of a plain name as it is', () => {
    expect(pdfNameText('Adobe.PPKLite')).toBe('Adobe.PPKLite');
  });

  it('escapes the escape character and the delimiters', () => {
    expect(pdfNameText('a#b/c(d)%')).toBe('a#23b#2Fc#28d#29#25');
  });
});
