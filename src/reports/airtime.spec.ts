import {
  airtimeOf,
  countedDate,
  firstCorrectors,
  msToSeconds,
  recordsInEffect,
  replacesTarget,
  topicSetKey,
  topicsOfSet,
} from './airtime';

describe('what the reports count', () => {
  it('counts aired playedMs and a play, partial playedMs without a play, nothing else', () => {
    expect(airtimeOf({ outcome: 'aired', playedMs: 125_500 })).toEqual({
      airedMs: 125_500,
      plays: 1,
    });
    expect(airtimeOf({ outcome: 'partial', playedMs: 40_000 })).toEqual({
      airedMs: 40_000,
      plays: 0,
    });
    expect(airtimeOf({ outcome: 'failed', playedMs: 3_000 })).toEqual({ airedMs: 0, plays: 0 });
    expect(airtimeOf({ outcome: 'missed', playedMs: 0 })).toEqual({ airedMs: 0, plays: 0 });
  });

  it('puts a record on the local day it started (UTC+7)', () => {
    expect(countedDate({ startedAt: new Date('2025-09-30T17:00:00.000Z') })).toBe('2025-10-01');
    expect(countedDate({ startedAt: new Date('2025-10-01T16:59:59.999Z') })).toBe('2025-10-01');
  });

  it('keys a topic set sorted and without repeats', () => {
    expect(topicSetKey(['xa-hoi-so', 'kinh-te-so', 'xa-hoi-so'])).toBe('|kinh-te-so|xa-hoi-so|');
    expect(topicSetKey([])).toBe('');
    expect(topicsOfSet('|kinh-te-so|xa-hoi-so|')).toEqual(['kinh-te-so', 'xa-hoi-so']);
    expect(topicsOfSet('')).toEqual([]);
  });

  it('shows airtime in seconds to the millisecond', () => {
    expect(msToSeconds(125_500)).toBe(125.5);
    expect(msToSeconds(1)).toBe(0.001);
  });

  it('lets only the latest record of a correction chain count', () => {
    const records = [
      { seq: 1, correctsSeq: null },
      { seq: 2, correctsSeq: null },
      { seq: 3, correctsSeq: 1 },
      { seq: 4, correctsSeq: 3 },
      { seq: 5, correctsSeq: null },
    ];
    expect(recordsInEffect(records).map((record) => record.seq)).toEqual([2, 4, 5]);
  });

  it('ignores a correction pointing forward or a second correction of the same record', () => {
    const records = [
      { seq: 1, correctsSeq: null },
      { seq: 2, correctsSeq: 3 },
      { seq: 3, correctsSeq: null },
      { seq: 4, correctsSeq: 1 },
      { seq: 5, correctsSeq: 1 },
    ];
    expect(firstCorrectors(records)).toEqual(new Map([[1, 4]]));
    expect(recordsInEffect(records).map((record) => record.seq)).toEqual([2, 3, 4, 5]);
    expect(replacesTarget({ seq: 4, correctsSeq: 1 }, 4)).toBe(true);
    expect(replacesTarget({ seq: 5, correctsSeq: 1 }, 4)).toBe(false);
    expect(replacesTarget({ seq: 2, correctsSeq: 3 }, undefined)).toBe(false);
  });
});
