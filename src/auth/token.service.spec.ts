import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { JWT_ALGORITHM } from './jwt-secret';
import { MAX_VERIFIED_TOKENS, TokenService } from './token.service';

function tokenService(): { tokens: TokenService; jwt: JwtService } {
  const key = createSecretKey(Buffer.from('a-secret-of-at-least-thirty-two-characters'));
  const jwt = new JwtService({
    secretOrKeyProvider: () => key,
    signOptions: { expiresIn: 60, algorithm: JWT_ALGORITHM },
    verifyOptions: { algorithms: [JWT_ALGORITHM] },
  });
  return { tokens: new TokenService(jwt), jwt };
}

describe('TokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('checks a token once, and answers a repeat from memory until its exp', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z'), doNotFake: ['nextTick'] });
    const { tokens, jwt } = tokenService();
    const token = await tokens.sign('user-1', 3);
    const verifyAsync = jest.spyOn(jwt, 'verifyAsync');
    const first = await tokens.verify(token);
    expect(first).toMatchObject({ sub: 'user-1', ver: 3 });
    expect(await tokens.verify(token)).toEqual(first);
    expect(verifyAsync).toHaveBeenCalledTimes(1);

    jest.setSystemTime(new Date('2026-12-03T10:00:59Z'));
    expect(await tokens.verify(token)).toEqual(first);
    jest.setSystemTime(new Date('2026-12-03T10:01:00Z'));
    expect(await tokens.verify(token)).toBeNull();
    expect(await tokens.verify(token)).toBeNull();
  });

  it('remembers no token that failed, and forgets the oldest past its bound', async () => {
    const { tokens, jwt } = tokenService();
    const token = await tokens.sign('user-1', 0);
    const forged = `${token.slice(0, -2)}xx`;
    const verifyAsync = jest.spyOn(jwt, 'verifyAsync');
    expect(await tokens.verify(forged)).toBeNull();
    expect(await tokens.verify(forged)).toBeNull();
    expect(verifyAsync).toHaveBeenCalledTimes(2);

    await tokens.verify(token);
    for (let index = 1; index <= MAX_VERIFIED_TOKENS; index += 1) {
      await tokens.verify(await tokens.sign(`other-${index}`, 0));
    }
    verifyAsync.mockClear();
    expect(await tokens.verify(token)).toMatchObject({ sub: 'user-1', ver: 0 });
    expect(verifyAsync).toHaveBeenCalledTimes(1);
  });
});
