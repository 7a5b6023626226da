import { generateKeyPairSync } from 'node:crypto';
import {
  parseReceipt,
  rawPublicKeyBase64,
  Receipt,
  RECEIPT_GENESIS_HASH,
  receiptCanonical,
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
