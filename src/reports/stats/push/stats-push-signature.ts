import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { StatsFeedDto } from '../dto/stats-feed.dto';

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'X-Loa-Xa-Signature';

/**
 * The signature of a push (docs/stats-feed.md): HMAC-SHA256 with the province's secret over the
 * timestamp, a dot and the exact body bytes, so a receiver can refuse a replayed old message.
 */
export function signatureHeader(body: string, secret: string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, `${timestamp}.${body}`)}`;
}

/** What a receiver does: true when `header` signs `body` with `secret`. */
export function verifySignature(body: string, secret: string, header: string): boolean {
  const parts = new Map(
    header.split(',').map((part) => part.split('=', 2) as [string, string | undefined]),
  );
  const timestamp = parts.get('t');
  const given = parts.get('v1');
  if (!timestamp || !/^\d+$/.test(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) {
    return false;
  }
  const expected = hmac(secret, `${timestamp}.${body}`);
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** SHA-256 of a day's numbers: the feed without `generatedAt`, which changes on every build. */
export function contentHash(feed: StatsFeedDto): string {
  const { generatedAt: _when, ...numbers } = feed;
  void _when;
  return createHash('sha256').update(JSON.stringify(numbers)).digest('hex');
}

/** `Idempotency-Key` of a revision of a province's day: `38-2025-10-02-r1`. */
export function idempotencyKey(provinceCode: string, date: string, revision: number): string {
  return `${provinceCode}-${date}-r${revision}`;
}
