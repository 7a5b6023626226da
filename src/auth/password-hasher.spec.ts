import { hashPassword, verifyPassword } from './password-hasher';

describe('password hasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('mật-khẩu-đúng', 10);
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$/);
    await expect(verifyPassword('mật-khẩu-đúng', hash)).resolves.toBe(true);
    await expect(verifyPassword('mật-khẩu-sai', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', 10)).not.toBe(await hashPassword('same', 10));
  });

  it('refuses stored strings of another scheme', async () => {
    await expect(verifyPassword('x', 'bcrypt$abc')).resolves.toBe(false);
  });
});
