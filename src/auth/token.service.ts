import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { JWT_ALGORITHM } from './jwt-secret';

interface TokenPayload {
  sub: string;
  ver: number;
}

@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(userId: string, tokenVersion: number): Promise<string> {
    return this.jwt.signAsync({ sub: userId, ver: tokenVersion } satisfies TokenPayload);
  }

  /**
   * The payload of a valid token, or null: signed with the one algorithm the service uses
   * (never `none` nor another HMAC with the same secret), with an `exp` that has not passed.
   */
  async verify(token: string): Promise<(TokenPayload & { exp: number }) | null> {
    try {
      const payload = await this.jwt.verifyAsync<Partial<TokenPayload> & { exp?: unknown }>(token, {
        algorithms: [JWT_ALGORITHM],
      });
      if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return null;
      if (typeof payload.sub !== 'string' || typeof payload.ver !== 'number') return null;
      return { sub: payload.sub, ver: payload.ver, exp: payload.exp };
    } catch {
      return null;
    }
  }
}
