import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { DEVICE_TOKEN_PREFIX } from '../auth/device-caller';

/**
 * Device secrets. Each is random and long (an API token and an MQTT password carry 256 bits), so
 * a plain SHA-256 is the right stored form: nothing to brute-force, and it can be looked up. An
 * enrolment code is short enough to type (60 bits, single use, expiring, and its attempts are
 * limited per address).
 */

/** Crockford's base32: no I, L, O, U, so a code read aloud or typed is not misread. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `K7QF-2M9X-HT4P`: 12 characters in three groups. */
export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) {
    if (i > 0 && i % 4 === 0) code += '-';
    code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  }
  return code;
}

/** The form a typed code is hashed in: upper case, without spaces and hyphens. */
export function normalizeEnrolmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** A device's API token: `lxd_` (so a log or a leak tells what it is) and 32 random bytes. */
export function newApiToken(): string {
  return `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function newMqttPassword(): string {
  return randomBytes(32).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `hash`, in constant time. */
export function secretMatches(secret: string, hash: string | null): boolean {
  if (hash === null) return false;
  const actual = Buffer.from(secretHash(secret), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
