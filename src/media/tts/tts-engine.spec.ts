import { resolveVoice } from './tts-engine';

describe('resolveVoice', () => {
  it('maps the web app regions, with or without accents, and espeak ids', () => {
    expect(resolveVoice('Bắc')).toBe('bac');
    expect(resolveVoice('trung')).toBe('trung');
    expect(resolveVoice('Miền Nam')).toBe('nam');
    expect(resolveVoice('vi-vn-x-central')).toBe('trung');
    expect(resolveVoice('vi')).toBe('bac');
  });

  it('defaults to the northern voice and refuses unknown ones', () => {
    expect(resolveVoice(undefined)).toBe('bac');
    expect(resolveVoice('  ')).toBe('bac');
    expect(resolveVoice('en-us')).toBeNull();
  });
});
