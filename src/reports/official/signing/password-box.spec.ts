import { randomBytes } from 'node:crypto';
import { openPassword, sealPassword } from './password-box';

describe('password box', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never keeps the password in clear', () => {
    const box = sealPassword('mật-khẩu-chứng-thư', key);
    expect(box).not.toContain('mật');
    expect(openPassword(box, key)).toBe('mật-khẩu-chứng-thư');
    expect(sealPassword('mật-khẩu-chứng-thư', key)).not.toBe(box);
  });

  it('refuses another key or a changed box', () => {
    const box = sealPassword('secret', key);
    expect(() => openPassword(box, randomBytes(32))).toThrow();
    const [iv, tag, sealed] = box.split('.');
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[0] ^= 1;
    expect(() => openPassword([iv, tag, flipped.toString('base64url')].join('.'), key)).toThrow();
  });
});
