import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { JWT_ALGORITHM } from './jwt-secret';

interface TokenPayload {
  sub: string;
  ver: number;
}

type VerifiedPayload = TokenPayload & { exp: number };

/** Verified tokens kept in memory; past this, the oldest is forgotten (and verified again if seen). */
export const MAX_VERIFIED_TOKENS = 10_000;

/** The time jsonwebtoken judges `exp` by (the system's, not the app's Clock), in seconds. */
function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

@Injectable()
export class TokenService {
  /**
   * Tokens whose signature and claims were checked, by their exact text: the same text verifies
   * the same way until its `exp` (the secret does not change while the service runs), so a repeat
   * costs a lookup instead of jsonwebtoken's ~0.1 ms (bench/posts.bench.ts). Only the signature
   * is remembered: whether the user is still active, and the token's version still theirs, is
   * read again on every request (AccessGuard), so a revocation takes effect at once.
   */
  private readonly verified = new Map<string, VerifiedPayload>();

  constructor(private readonly jwt: JwtService) {}

  sign(userId: string, tokenVersion: number): Promise<string> {
    return this.jwt.signAsync({ sub: userId, ver: tokenVersion } satisfies TokenPayload);
  }

  /**
   * The payload of a valid token, or null: signed with the one algorithm the service uses
   * (never `none` nor another HMAC with the same secret), with an `exp` that has not passed.
   */
  async verify(token: string): Promise<VerifiedPayload | null> {
    const known = this.verified.get(token);
    if (known) {
      if (epochSeconds() < known.exp) return known;
      this.verified.delete(token);
      return null;
    }
    const payload = await this.check(token);
    if (payload) {
      if (this.verified.size >= MAX_VERIFIED_TOKENS) {
        this.verified.delete(this.verified.keys().next().value as string);
      }
      this.verified.set(token, payload);
    }
    return payload;
  }

  private async check(token: string): Promise<VerifiedPayload | null> {
    try {
      const payload = await this.jwt.verifyAsync<Partial<TokenPayload> & { exp?: unknown }>(token, {
        algorithms: [JWT_ALGORITHM],
        clockTimestamp: epochSeconds(),
      });
      if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return null;
      if (typeof payload.sub !== 'string' || typeof payload.ver !== 'number') return null;
      return { sub: payload.sub, ver: payload.ver, exp: payload.exp };
    } catch {
      return null;
    }
  }
}
