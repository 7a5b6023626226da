import { createPublicKey, KeyObject } from 'node:crypto';
import { ed25519PointProblem } from './ed25519-point';

/** A zone: a short code the commune chooses (`thon-1`, `tdp-bac-son`). */
export const ZONE_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const MAX_ZONES_PER_DEVICE = 32;
/** The problem a bad zone code gets, wherever zones are taken (devices, program log items). */
export const ZONE_MESSAGE =
  'each zone must be 1 to 32 lower-case letters, digits or "-", starting with a letter or digit';

/** The problem of zones given as anything but an array (`"thon-1"` for `["thon-1"]`). */
export const ZONE_LIST_MESSAGE = 'zones must be a list (array) of zone codes, e.g. ["thon-1"]';

export function isZoneCode(value: unknown): value is string {
  return typeof value === 'string' && ZONE_PATTERN.test(value);
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A device's public key as enrolment takes it: base64 (standard alphabet, padded) of the 32 raw
 * bytes of an Ed25519 public key that signatures can be trusted under. Answers the problem, or
 * null when the key is good.
 */
export function publicKeyProblem(value: unknown): string | null {
  return publicKeyShapeProblem(value) ?? publicKeyPointProblem(value as string);
}

/** Why a value is not the base64 of 32 bytes, as enrolment takes a key, or null. */
export function publicKeyShapeProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'publicKey must be a string';
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) {
    return 'publicKey must be the base64 of 32 bytes (44 characters ending in "=")';
  }
  const raw = Buffer.from(value, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== value) {
    return 'publicKey must be the base64 of 32 bytes';
  }
  return null;
}

/**
 * Why the base64 of 32 bytes is not an Ed25519 key a receipt's signature can be trusted under
 * (not a point, a non-canonical encoding, a small-order point), or null. node:crypto takes any
 * 32 bytes as a key, so this is checked here.
 */
export function publicKeyPointProblem(rawBase64: string): string | null {
  const problem = ed25519PointProblem(Buffer.from(rawBase64, 'base64'));
  return problem ? `publicKey is not a safe Ed25519 public key: ${problem}` : null;
}

/** A device's public key from the base64 of its 32 raw bytes (as enrolment takes it). */
export function devicePublicKey(rawBase64: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(rawBase64, 'base64')]),
    format: 'der',
    type: 'spki',
  });
}

/** The base64 of the 32 raw bytes of an Ed25519 public key (or of a private key's public half). */
export function rawPublicKeyBase64(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey
    .export({ format: 'der', type: 'spki' })
    .subarray(ED25519_SPKI_PREFIX.length)
    .toString('base64');
}
