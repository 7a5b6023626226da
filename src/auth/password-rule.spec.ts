import 'reflect-metadata';
import { DomainError } from '../common/domain-error';
import { validationPipe } from '../common/validation';
import { loadConfig } from '../config/load-config';
import { CreateUserDto, UpdateUserDto } from '../users/dto/user.dto';
import { passwordProblem } from './password-rule';

const USER = { username: 'van-hanh', role: 'operator', communeCode: '14797' };
const CHANGE = { role: 'operator' };

async function passwordRefusal(
  metatype: typeof CreateUserDto | typeof UpdateUserDto,
  password: unknown,
): Promise<string | null> {
  try {
    const body = { ...(metatype === CreateUserDto ? USER : CHANGE), password };
    const taken = (await validationPipe().transform(body, { type: 'body', metatype })) as {
      password: unknown;
    };
    // Taken as typed, never trimmed: login compares it so.
    expect(taken.password).toBe(password);
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
}

describe('a new password', () => {
  const blank = [' '.repeat(8), '\t'.repeat(10), '\u00a0'.repeat(8), ' \u3000 \n   \r  '];

  it('is refused blank or of white space only, by the pure rule', () => {
    for (const password of blank) {
      expect(passwordProblem(password)).toBe('password must not be blank or only white space');
    }
    expect(passwordProblem('')).toMatch(/at least 8 characters/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256 characters/);
  });

  it('keeps leading, trailing and inner spaces of a real one', () => {
    for (const password of ['  mat khau  ', 'mật khẩu dài', ' 12345678']) {
      expect(passwordProblem(password)).toBeNull();
    }
  });

  it('is checked alike when a user is created and when an admin changes it, through the real ValidationPipe', async () => {
    for (const metatype of [CreateUserDto, UpdateUserDto]) {
      for (const password of blank) {
        expect(await passwordRefusal(metatype, password)).toMatch(
          /password must not be blank or only white space/,
        );
      }
      expect(await passwordRefusal(metatype, 'short')).toMatch(/password must be longer/);
      expect(await passwordRefusal(metatype, 'x'.repeat(257))).toMatch(/password must be shorter/);
      expect(await passwordRefusal(metatype, '  mat khau  ')).toBeNull();
    }
    // Left out of a change, the current one stays.
    await expect(
      validationPipe().transform(CHANGE, { type: 'body', metatype: UpdateUserDto }),
    ).resolves.toEqual(CHANGE);
  });

  it('is held to the same rule as the first admin’s ADMIN_PASSWORD', () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD must be at least 8 characters/,
    );
    expect(() => loadConfig({ ADMIN_PASSWORD: 'x'.repeat(300) })).toThrow(
      /ADMIN_PASSWORD must be at most 256 characters/,
    );
  });
});
