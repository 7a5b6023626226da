import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

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

  /** The payload of a valid, unexpired token, or null. */
  async verify(token: string): Promise<(TokenPayload & { exp: number }) | null> {
    try {
      const payload = await this.jwt.verifyAsync<TokenPayload & { exp: number }>(token);
      return typeof payload.sub === 'string' && typeof payload.ver === 'number' ? payload : null;
    } catch {
      return null;
    }
  }
}
