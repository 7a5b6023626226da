import { createHash } from 'node:crypto';
import { draftKeys } from './as-run-ledger';
import {
  canonicalJson,
  canonicalTail,
  ChainedRecord,
  chainHash,
  chainHashOfTail,
  ChainFields,
  contentKey,
  contentKeyOfTail,
  GENESIS_HASH,
  sortTopics,
  verifyChain,
} from './hash-chain';

const first: ChainFields = {
  communeCode: '14797',
  seq: 1,
  scheduleItemId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
  bulletinId: '0b6a3c1d-2e4f-4a5b-9c8d-7e6f5a4b3c2d',
  topics: ['kinh-te-so', 'chinh-quyen-so'],
  startedAt: new Date('2025-10-02T05:30:00.012+07:00'),
  endedAt: new Date('2025-10-02T05:32:05.512+07:00'),
  playedMs: 125500,
  outcome: 'aired',
  source: 'automation',
  correctsSeq: null,
};

const second: ChainFields = {
  communeCode: '14797',
  seq: 2,
  scheduleItemId: null,
  bulletinId: null,
  topics: ['mo-hinh-2-cap'],
  startedAt: new Date('2025-10-02T10:00:00Z'),
  endedAt: new Date('2025-10-02T10:00:00Z'),
  playedMs: 0,
  outcome: 'missed',
  source: 'operator',
  correctsSeq: 1,
};

// Computed by hand outside this code base (Python: hashlib.sha256((prev + "\n" + canonical).encode())).
const FIRST_CANONICAL =
  '{"communeCode":"14797","seq":1,"scheduleItemId":"6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b",' +
  '"bulletinId":"0b6a3c1d-2e4f-4a5b-9c8d-7e6f5a4b3c2d","topics":["chinh-quyen-so","kinh-te-so"],' +
  '"startedAt":"2025-10-01T22:30:00.012Z","endedAt":"2025-10-01T22:32:05.512Z","playedMs":125500,' +
  '"outcome":"aired","source":"automation","correctsSeq":null}';
const FIRST_HASH = 'ab96791d096d5e4879b2629229111501e81483489a834058a55e208546134e3e';
const SECOND_HASH = '078742d9624c0e800fbf7e82e2224d6f55e17d5e75b89b6deb6c903c5e9e6e9f';

function chain(fields: ChainFields[]): ChainedRecord[] {
  let prevHash = GENESIS_HASH;
  return fields.map((record) => {
    const hash = chainHash(prevHash, record);
    const chained = { ...record, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}

describe('hash chain', () => {
  it('writes the canonical form of DESIGN.md: key order, sorted topics, UTC with ms and Z, nulls', () => {
    expect(canonicalJson(first)).toBe(FIRST_CANONICAL);
    expect(canonicalJson(second)).toBe(
      '{"communeCode":"14797","seq":2,"scheduleItemId":null,"bulletinId":null,' +
        '"topics":["mo-hinh-2-cap"],"startedAt":"2025-10-02T10:00:00.000Z",' +
        '"endedAt":"2025-10-02T10:00:00.000Z","playedMs":0,"outcome":"missed",' +
        '"source":"operator","correctsSeq":1}',
    );
  });

  it('matches the hand-computed hashes of a two-record chain', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(chainHash(GENESIS_HASH, first)).toBe(FIRST_HASH);
    expect(chainHash(FIRST_HASH, second)).toBe(SECOND_HASH);
  });

  it('sorts topics and drops repeats', () => {
    expect(sortTopics(['xa-hoi-so', 'chinh-quyen-so', 'xa-hoi-so', 'kinh-te-so'])).toEqual([
      'chinh-quyen-so',
      'kinh-te-so',
      'xa-hoi-so',
    ]);
    // In order already: a copy; repeats side by side are still dropped.
    const sorted = ['chinh-quyen-so', 'kinh-te-so'];
    expect(sortTopics(sorted)).toEqual(sorted);
    expect(sortTopics(sorted)).not.toBe(sorted);
    expect(sortTopics(['kinh-te-so', 'kinh-te-so'])).toEqual(['kinh-te-so']);
  });

  it('verifies an intact chain and counts it', () => {
    expect(verifyChain(chain([first, second]))).toEqual({ ok: true, count: 2 });
    expect(verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it('names the first record whose content changed', () => {
    const records = chain([first, second, { ...second, seq: 3, correctsSeq: 2 }]);
    records[1] = { ...records[1], playedMs: 1 };
    expect(verifyChain(records)).toEqual({ ok: false, brokenAtSeq: 2 });
  });

  it('names a record whose prevHash does not link, even with a self-consistent hash', () => {
    const records = chain([first, second]);
    const forgedPrev = 'f'.repeat(64);
    records[1] = { ...records[1], prevHash: forgedPrev, hash: chainHash(forgedPrev, second) };
    expect(verifyChain(records)).toEqual({ ok: false, brokenAtSeq: 2 });
  });

  it('names the missing seq when a record is removed from the middle or the end', () => {
    const records = chain([first, second, { ...second, seq: 3, correctsSeq: 2 }]);
    expect(verifyChain([records[0], records[2]])).toEqual({ ok: false, brokenAtSeq: 2 });
    expect(verifyChain(records.slice(0, 2), 3)).toEqual({ ok: false, brokenAtSeq: 3 });
    expect(verifyChain(records, 3)).toEqual({ ok: true, count: 3 });
  });

  it('gives the same content key to the same record whatever its seq, another to another', () => {
    const { seq: _seq, ...content } = first;
    expect(contentKey(content, null)).toBe(
      contentKey({ ...content, topics: ['kinh-te-so', 'chinh-quyen-so'] }, null),
    );
    expect(contentKey(content, null)).not.toBe(contentKey({ ...content, playedMs: 125499 }, null));
    expect(contentKey(content, null)).not.toBe(contentKey(content, 'lý do'));
  });

  it('keeps the content keys already stored: sha256 of the canonical form at seq 0, "\\n", the reason', () => {
    const { seq: _seq, ...content } = second;
    const stored = (reason: string) =>
      createHash('sha256')
        .update(`${canonicalJson({ ...content, seq: 0 })}\n${reason}`)
        .digest('hex');
    expect(contentKey(content, 'Mất điện')).toBe(stored('Mất điện'));
    expect(contentKey(content, null)).toBe(stored(''));
  });

  it('hashes a record from its prepared tail exactly as from its fields, content key and chain', () => {
    for (const record of [first, second, { ...first, communeCode: '00001', seq: 12345 }]) {
      const tail = canonicalTail(record);
      expect(canonicalJson(record)).toBe(
        `{"communeCode":"${record.communeCode}","seq":${record.seq}${tail}`,
      );
      expect(chainHashOfTail(GENESIS_HASH, record.communeCode, record.seq, tail)).toBe(
        chainHash(GENESIS_HASH, record),
      );
      expect(contentKeyOfTail(record.communeCode, tail, 'lý do')).toBe(contentKey(record, 'lý do'));
      const keys = draftKeys({ ...record, reason: 'lý do' });
      expect(keys).toEqual({ contentKey: contentKey(record, 'lý do'), canonicalTail: tail });
    }
  });

  it('writes each value as JSON.stringify of the fields as one object would, escapes included', () => {
    // The form as JSON.stringify writes it: the tail is built piece by piece, and must not differ.
    const asOneObject = (record: ChainFields) =>
      JSON.stringify({
        communeCode: record.communeCode,
        seq: record.seq,
        scheduleItemId: record.scheduleItemId ?? null,
        bulletinId: record.bulletinId ?? null,
        topics: sortTopics(record.topics),
        startedAt: record.startedAt.toISOString(),
        endedAt: record.endedAt.toISOString(),
        playedMs: record.playedMs,
        outcome: record.outcome,
        source: record.source,
        correctsSeq: record.correctsSeq ?? null,
      });
    const odd: ChainFields = {
      ...first,
      scheduleItemId: 'a"b\\c\n\u0001 Đài "xã"',
      bulletinId: '\u2028\ud800',
      topics: ['xa-hoi-so', 'chinh-quyen-so', 'xa-hoi-so', 'Z', 'kinh-te-so'],
      startedAt: new Date('1999-12-31T23:59:59.999Z'),
      correctsSeq: 2147483647,
    };
    for (const record of [first, second, odd, { ...second, topics: [] }]) {
      expect(canonicalJson(record)).toBe(asOneObject(record));
      expect(draftKeys({ ...record, reason: null }).canonicalTail).toBe(canonicalTail(record));
    }
  });
});

describe("a relay's segments in the chain", () => {
  const relay: ChainFields = {
    ...first,
    bulletinId: null,
    segments: [
      {
        url: 'http://vov.example/vov1.mp3',
        startedAt: '2025-10-01T22:30:00.012Z',
        endedAt: '2025-10-01T22:31:00.012Z',
        reason: 'start',
      },
      {
        // keys in another order: the canonical form puts them back
        reason: 'failed',
        endedAt: '2025-10-01T22:32:05.512Z',
        startedAt: '2025-10-01T22:31:00.012Z',
        bulletinId: 'b1',
      },
    ],
  };

  it('adds them as a last key, and leaves records without segments as DESIGN.md has them', () => {
    expect(canonicalJson({ ...first, segments: null })).toBe(FIRST_CANONICAL);
    expect(canonicalJson({ ...first, segments: undefined })).toBe(FIRST_CANONICAL);
    expect(canonicalJson(relay)).toBe(
      FIRST_CANONICAL.replace(
        '"bulletinId":"0b6a3c1d-2e4f-4a5b-9c8d-7e6f5a4b3c2d"',
        '"bulletinId":null',
      ).slice(0, -1) +
        ',"segments":[{"url":"http://vov.example/vov1.mp3","startedAt":"2025-10-01T22:30:00.012Z",' +
        '"endedAt":"2025-10-01T22:31:00.012Z","reason":"start"},{"bulletinId":"b1",' +
        '"startedAt":"2025-10-01T22:31:00.012Z","endedAt":"2025-10-01T22:32:05.512Z","reason":"failed"}]}',
    );
  });

  it('breaks the chain when a segment is changed', () => {
    const hash = chainHash(GENESIS_HASH, relay);
    const record: ChainedRecord = { ...relay, prevHash: GENESIS_HASH, hash };
    expect(verifyChain([record])).toEqual({ ok: true, count: 1 });
    const changed = { ...record, segments: [{ ...relay.segments![0], url: 'http://other/x.mp3' }] };
    expect(verifyChain([changed])).toEqual({ ok: false, brokenAtSeq: 1 });
  });
});
