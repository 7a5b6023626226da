import { generateKeyPairSync } from 'node:crypto';
import {
  parseReceipt,
  rawPublicKeyBase64,
  Receipt,
  RECEIPT_GENESIS_HASH,
  receiptCanonical,
  receiptChainHead,
  receiptHash,
  receiptProblem,
  sealReceipt,
} from '.';
import { chainLinkHash } from '../../common/chain-link';

const DEVICE = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a90';

function keys() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: rawPublicKeyBase64(privateKey) };
}

const aired = {
  deviceId: DEVICE,
  scheduleItemId: 'item-1',
  startedAt: '2026-12-03T07:00:00.004Z',
  endedAt: '2026-12-03T07:00:30.004Z',
  playedMs: 30000,
  outcome: 'aired' as const,
  reason: null,
};

describe('play receipts', () => {
  it('writes the canonical form with exactly the pinned keys in order', () => {
    expect(receiptCanonical({ ...aired, seq: 1 })).toBe(
      `{"deviceId":"${DEVICE}","seq":1,"scheduleItemId":"item-1",` +
        '"startedAt":"2026-12-03T07:00:00.004Z","endedAt":"2026-12-03T07:00:30.004Z",' +
        '"playedMs":30000,"outcome":"aired","reason":null}',
    );
    const missed = {
      ...aired,
      seq: 2,
      startedAt: null,
      endedAt: null,
      playedMs: 0,
      outcome: 'missed' as const,
      reason: 'Cụm loa tắt',
    };
    expect(receiptCanonical(missed)).toContain('"startedAt":null,"endedAt":null');
  });

  it('chains like the commune log and signs the 32 raw bytes of the hash', () => {
    const { privateKey, publicKey } = keys();
    const first = sealReceipt(null, aired, privateKey);
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(RECEIPT_GENESIS_HASH);
    expect(first.hash).toBe(chainLinkHash('0'.repeat(64), receiptCanonical(first)));
    const second = sealReceipt(first, { ...aired, scheduleItemId: 'item-2' }, privateKey);
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(second.hash).toBe(receiptHash(first.hash, second));
    expect(Buffer.from(second.signature, 'base64')).toHaveLength(64);
    expect(receiptProblem(first, publicKey)).toBeNull();
    expect(receiptProblem(second, publicKey)).toBeNull();
    // A JSON round trip (what the upload does) keeps it valid.
    const parsed = parseReceipt(JSON.parse(JSON.stringify(second)));
    expect(parsed).toEqual({ ok: true, value: second });
  });

  it('catches a changed field, a re-hash without the key and another key', () => {
    const { privateKey, publicKey } = keys();
    const receipt = sealReceipt(null, aired, privateKey);
    const edited: Receipt = { ...receipt, playedMs: 29000 };
    expect(receiptProblem(edited, publicKey)).toMatch(/hash/);
    const rehashed = { ...edited, hash: receiptHash(edited.prevHash, edited) };
    expect(receiptProblem(rehashed, publicKey)).toMatch(/signature/);
    const forged = sealReceipt(null, aired, keys().privateKey);
    expect(receiptProblem(forged, publicKey)).toMatch(/signature/);
    const badStart = sealReceipt(null, aired, privateKey);
    const notGenesis = { ...badStart, prevHash: 'a'.repeat(64) };
    const relinked = { ...notGenesis, hash: receiptHash(notGenesis.prevHash, notGenesis) };
    expect(receiptProblem(relinked, publicKey)).toMatch(/seq 1/);
  });

  it('refuses a malleated signature, its S raised by the group order (S ≥ L)', () => {
    // node:crypto (OpenSSL) checks S < L as RFC 8032 asks; this holds it to that, as the same
    // receipt with two signatures would otherwise both verify.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const { privateKey, publicKey } = keys();
    const receipt = sealReceipt(null, aired, privateKey);
    const signature = Buffer.from(receipt.signature, 'base64');
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).reverse().toString('hex')}`);
    const raised = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex').reverse();
    expect(raised).toHaveLength(32);
    const malleated = Buffer.concat([signature.subarray(0, 32), raised]).toString('base64');
    expect(receiptProblem(receipt, publicKey)).toBeNull();
    expect(receiptProblem({ ...receipt, signature: malleated }, publicKey)).toMatch(/signature/);
  });

  it('refuses malformed receipts with the reason', () => {
    const { privateKey } = keys();
    const good = sealReceipt(null, aired, privateKey) as unknown as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, seq: 0 }, /seq/],
      [{ ...good, startedAt: '2026-12-03T07:00:00Z' }, /startedAt/],
      [{ ...good, endedAt: '2026-12-03T14:00:00.000+07:00' }, /endedAt/],
      [{ ...good, playedMs: -1 }, /playedMs/],
      [{ ...good, outcome: 'failed' }, /outcome/],
      [{ ...good, reason: 'x'.repeat(501) }, /reason/],
      [{ ...good, hash: 'A'.repeat(64) }, /hash/],
      [{ ...good, signature: 'abc' }, /signature/],
      [{ ...good, scheduleItemId: '' }, /scheduleItemId/],
    ];
    for (const [raw, reason] of cases) {
      const result = parseReceipt(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(reason);
    }
    expect(parseReceipt([]).ok).toBe(false);
  });
});

describe('the chain head an answer carries (receiptChain)', () => {
  const hash = 'ab'.repeat(32);

  it('reads the last seq and hash, zeros for an empty chain', () => {
    expect(receiptChainHead({ receiptChain: { lastSeq: 7, lastHash: hash } })).toEqual({
      lastSeq: 7,
      lastHash: hash,
    });
    expect(
      receiptChainHead({ receiptChain: { lastSeq: 0, lastHash: RECEIPT_GENESIS_HASH } }),
    ).toEqual({ lastSeq: 0, lastHash: RECEIPT_GENESIS_HASH });
  });

  it('takes none from an answer without one or with a malformed one', () => {
    for (const answer of [
      {},
      null,
      { receiptChain: null },
      { receiptChain: { lastSeq: -1, lastHash: hash } },
      { receiptChain: { lastSeq: 1.5, lastHash: hash } },
      { receiptChain: { lastSeq: 3, lastHash: 'AB'.repeat(32) } },
      { receiptChain: { lastSeq: 0, lastHash: hash } },
      { receiptChain: { lastSeq: '3', lastHash: hash } },
    ]) {
      expect(receiptChainHead(answer)).toBeNull();
    }
  });
});

describe("a relay's segments in its receipt (protocol 2)", () => {
  const segments = [
    {
      url: 'http://vov.example.vn/vov1.mp3',
      startedAt: '2026-12-03T07:00:00.004Z',
      endedAt: '2026-12-03T07:00:20.004Z',
      reason: 'start' as const,
    },
    {
      silence: true as const,
      startedAt: '2026-12-03T07:00:20.004Z',
      endedAt: '2026-12-03T07:00:21.004Z',
      reason: 'failed' as const,
    },
    {
      bulletinId: '019ae3a1-0000-7000-8000-000000000001',
      startedAt: '2026-12-03T07:00:21.004Z',
      endedAt: '2026-12-03T07:00:30.004Z',
      reason: 'failed' as const,
    },
  ];
  const relay = { ...aired, playedMs: 29000, segments };

  it('adds them as the last canonical key, content first; a receipt without them is unchanged', () => {
    const canonical = receiptCanonical({ ...relay, seq: 1 });
    expect(canonical).toBe(
      receiptCanonical({ ...aired, playedMs: 29000, seq: 1 }).slice(0, -1) +
        ',"segments":[{"url":"http://vov.example.vn/vov1.mp3","startedAt":"2026-12-03T07:00:00.004Z",' +
        '"endedAt":"2026-12-03T07:00:20.004Z","reason":"start"},{"silence":true,' +
        '"startedAt":"2026-12-03T07:00:20.004Z","endedAt":"2026-12-03T07:00:21.004Z","reason":"failed"},' +
        '{"bulletinId":"019ae3a1-0000-7000-8000-000000000001","startedAt":"2026-12-03T07:00:21.004Z",' +
        '"endedAt":"2026-12-03T07:00:30.004Z","reason":"failed"}]}',
    );
    // Key order as sent does not matter: the canonical form fixes it.
    const shuffled = segments.map(({ startedAt, endedAt, reason, ...content }) => ({
      reason,
      endedAt,
      startedAt,
      ...content,
    }));
    expect(receiptCanonical({ ...relay, seq: 1, segments: shuffled })).toBe(canonical);
  });

  it('signs them: a changed segment fails the check, a parsed copy passes', () => {
    const { privateKey, publicKey } = keys();
    const sealed = sealReceipt(null, relay, privateKey);
    const parsed = parseReceipt(JSON.parse(JSON.stringify(sealed)));
    expect(parsed.ok && receiptProblem(parsed.value, publicKey)).toBeNull();
    const forged: Receipt = {
      ...sealed,
      segments: sealed.segments!.map((segment, index) =>
        index === 0 ? { ...segment, endedAt: '2026-12-03T07:00:29.004Z' } : segment,
      ),
    };
    expect(receiptProblem(forged, publicKey)).toBe('hash does not match the receipt');
    const dropped: Receipt = { ...sealed, segments: undefined };
    expect(receiptProblem(dropped, publicKey)).toBe('hash does not match the receipt');
  });

  it('refuses malformed segments', () => {
    const { privateKey } = keys();
    const sealed = sealReceipt(null, relay, privateKey);
    const withSegments = (list: unknown) => parseReceipt({ ...sealed, segments: list });
    expect(withSegments('x')).toMatchObject({ ok: false });
    expect(withSegments([{ ...segments[0], bulletinId: 'b' }])).toMatchObject({
      ok: false,
      error: expect.stringContaining('exactly one of url, bulletinId, silence'),
    });
    expect(withSegments([{ ...segments[0], reason: 'bored' }])).toMatchObject({ ok: false });
    expect(withSegments([{ ...segments[0], endedAt: '2026-12-03T06:59:00.000Z' }])).toMatchObject({
      ok: false,
      error: expect.stringContaining('before'),
    });
    expect(withSegments([{ ...segments[1], silence: false }])).toMatchObject({ ok: false });
    expect(withSegments([{ ...segments[0], extra: 1 }])).toMatchObject({ ok: false });
  });
});
