import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { ed25519PointProblem } from './ed25519-point';
import { devicePublicKey, publicKeyProblem, rawPublicKeyBase64 } from './identity';

const P = 2n ** 255n - 19n;

/** libsodium's `ge25519_has_small_order` list: compared there with the sign bit cleared. */
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000', // y = 0 (order 4)
  '0100000000000000000000000000000000000000000000000000000000000000', // identity (order 1)
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p − 1 (order 2)
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p, non-canonical 0
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1, non-canonical 1
];

function withSignBit(hex: string): Buffer {
  const raw = Buffer.from(hex, 'hex');
  raw[31] |= 0x80;
  return raw;
}

function honestKey(): Buffer {
  const { privateKey } = generateKeyPairSync('ed25519');
  return Buffer.from(rawPublicKeyBase64(privateKey), 'base64');
}

function encode(y: bigint, sign: number): Buffer {
  const raw = Buffer.from(y.toString(16).padStart(64, '0'), 'hex').reverse();
  raw[31] |= sign << 7;
  return raw;
}

describe('Ed25519 public keys a signature can be trusted under', () => {
  it('takes the public keys of real key pairs', () => {
    for (let i = 0; i < 20; i++) expect(ed25519PointProblem(honestKey())).toBeNull();
  });

  it('refuses every encoding of libsodium’s small-order list, with either sign bit', () => {
    for (const hex of SMALL_ORDER) {
      for (const raw of [Buffer.from(hex, 'hex'), withSignBit(hex)]) {
        expect([raw.toString('hex'), ed25519PointProblem(raw)]).toEqual([
          raw.toString('hex'),
          expect.stringMatching(/small-order point|non-canonical/),
        ]);
      }
    }
    expect(ed25519PointProblem(Buffer.alloc(32))).toMatch(/small-order point/);
  });

  it('refuses what node:crypto takes: under the identity key, one forged signature verifies anything', () => {
    const identity = Buffer.from(SMALL_ORDER[1], 'hex');
    const key = devicePublicKey(identity.toString('base64'));
    const forged = Buffer.concat([identity, Buffer.alloc(32)]);
    for (const message of ['seq 1', 'seq 2', 'anything']) {
      expect(verify(null, Buffer.from(message), key, forged)).toBe(true);
    }
    expect(() => devicePublicKey(Buffer.alloc(32).toString('base64'))).not.toThrow();
    expect(publicKeyProblem(identity.toString('base64'))).toMatch(/not a safe Ed25519 public key/);
    expect(publicKeyProblem(Buffer.alloc(32).toString('base64'))).toMatch(/small-order/);
  });

  it('refuses a y that is not reduced modulo p, a y of no point, and a key with a small-order part', () => {
    expect(ed25519PointProblem(encode(P + 2n, 0))).toMatch(/non-canonical/);
    // Some y has no x on the curve; find the first and check it is refused so.
    const offCurve = [...Array(50).keys()]
      .map((y) => encode(BigInt(y), 0))
      .find((raw) => /not a point/.test(ed25519PointProblem(raw) ?? ''));
    expect(offCurve).toBeDefined();
    expect(() =>
      createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: offCurve!.toString('base64url') },
        format: 'jwk',
      }),
    ).not.toThrow();
    // An honest key plus the point of order 2, (0, −1): (x, y) + (0, −1) = (−x, −y).
    const honest = honestKey();
    const y = BigInt(`0x${Buffer.from(honest).reverse().toString('hex')}`) & (2n ** 255n - 1n);
    const mixed = encode(P - y, (honest[31] >> 7) ^ 1);
    expect(ed25519PointProblem(mixed)).toMatch(/small-order component/);
  });

  it('refuses anything but 32 bytes', () => {
    expect(ed25519PointProblem(Buffer.alloc(31))).toMatch(/32 bytes/);
  });
});
