/**
 * Whether 32 bytes are an Ed25519 public key that a signature can be trusted under: the checks of
 * libsodium's `crypto_core_ed25519_is_valid_point` (canonical encoding, on the curve, not of small
 * order, in the prime-order subgroup), done here because node:crypto (OpenSSL) takes any 32 bytes
 * as a key. Under a small-order key, such as 32 zero bytes or the identity `01 00 … 00`, a
 * signature made without any private key verifies for many messages (for the identity, the
 * signature R = identity, S = 0 verifies for every message).
 *
 * Arithmetic as RFC 8032 §5.1 writes it, on BigInt: slow next to native code (a few
 * milliseconds), which is nothing for an enrolment.
 */

const P = 2n ** 255n - 19n;
/** The order of the prime-order subgroup (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function mod(value: bigint): bigint {
  const rest = value % P;
  return rest >= 0n ? rest : rest + P;
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let factor = mod(base);
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = mod(result * factor);
    factor = mod(factor * factor);
  }
  return result;
}

const D = mod(-121665n * power(121666n, P - 2n));
const SQRT_MINUS_ONE = power(2n, (P - 1n) / 4n);

/** A point in extended coordinates (x = X/Z, y = Y/Z, x·y = T/Z). */
interface Point {
  x: bigint;
  y: bigint;
  z: bigint;
  t: bigint;
}

const IDENTITY: Point = { x: 0n, y: 1n, z: 1n, t: 0n };

/** RFC 8032 §5.1.4's addition; it also doubles. */
function add(a: Point, b: Point): Point {
  const pa = mod((a.y - a.x) * (b.y - b.x));
  const pb = mod((a.y + a.x) * (b.y + b.x));
  const pc = mod(2n * D * a.t * b.t);
  const pd = mod(2n * a.z * b.z);
  const e = pb - pa;
  const f = pd - pc;
  const g = pd + pc;
  const h = pb + pa;
  return { x: mod(e * f), y: mod(g * h), z: mod(f * g), t: mod(e * h) };
}

function times(point: Point, scalar: bigint): Point {
  let result = IDENTITY;
  let addend = point;
  for (let rest = scalar; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

function isIdentity(point: Point): boolean {
  return point.x === 0n && point.y === point.z;
}

/** RFC 8032 §5.1.3's decoding, or why the bytes are not a point. */
function decode(raw: Buffer): Point | string {
  const sign = raw[31] >> 7;
  const y = BigInt(`0x${Buffer.from(raw).reverse().toString('hex')}`) & (2n ** 255n - 1n);
  if (y >= P) return 'its y coordinate is not reduced modulo 2^255 − 19 (a non-canonical encoding)';
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  let x = mod(u * power(v, 3n) * power(u * power(v, 7n), (P - 5n) / 8n));
  const vxx = mod(v * x * x);
  if (vxx === mod(-u)) x = mod(x * SQRT_MINUS_ONE);
  else if (vxx !== u) return 'it is not a point of the Ed25519 curve';
  if (x === 0n && sign === 1) return 'its sign bit is set with x = 0 (a non-canonical encoding)';
  if (Number(x & 1n) !== sign) x = P - x;
  return { x, y, z: 1n, t: mod(x * y) };
}

/** Why 32 raw bytes are not a trustworthy Ed25519 public key, or null when they are one. */
export function ed25519PointProblem(raw: Buffer): string | null {
  if (raw.length !== 32) return 'an Ed25519 public key has 32 bytes';
  const point = decode(raw);
  if (typeof point === 'string') return point;
  if (isIdentity(times(point, 8n))) {
    return 'it is a small-order point, under which signatures can be forged without the private key';
  }
  if (!isIdentity(times(point, L))) {
    return 'it has a small-order component (not in the prime-order subgroup of honest keys)';
  }
  return null;
}
