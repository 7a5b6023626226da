import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { DomainError } from '../../common/domain-error';
import { validationPipe } from '../../common/validation';
import {
  isPlainlyValidBatch,
  isPlainlyValidRecord,
  PlayoutBatchPipe,
  PlayoutRecordPipe,
  RECORD_CHECKS,
} from './playout-batch.body';
import { MAX_BATCH_RECORDS, PostPlayoutBatchDto, PostPlayoutRecordDto } from './playout-record.dto';

/** What the ValidationPipe (whitelist, forbidNonWhitelisted) says of one record. */
function pipeAccepts(record: unknown): boolean {
  const instance = plainToInstance(PostPlayoutRecordDto, record);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).length === 0;
}

/** Deterministic pseudo-random numbers (a run can be repeated). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const UUID = '0199a3c2-5b7e-7d41-9c3a-2f6e1b0d4a57';
/** Values for each property, valid ones first, then edge cases and wrong ones. */
const SAMPLES: Record<keyof PostPlayoutRecordDto, unknown[]> = {
  outcome: ['aired', 'partial', 'failed', 'missed', 'Aired', 'played', '', 1, null, ['aired']],
  scheduleItemId: [UUID, UUID.toUpperCase(), 'not-a-uuid', UUID.slice(1), 42, '', null],
  bulletinId: [UUID, '00000000-0000-0000-0000-000000000000', `${UUID}x`, {}, null],
  title: [
    'Bản tin sáng',
    'x',
    'a'.repeat(300),
    'a'.repeat(301),
    '',
    'Tin\u0000 lạ',
    'Tin \u202ecba',
    'Hai\ndòng',
    7,
    ['t'],
    null,
  ],
  topics: [
    ['kinh-te-so'],
    [],
    ['chinh-quyen-so', 'mo-hinh-2-cap'],
    Array.from({ length: 20 }, (_, index) => `chu-de-${index}`),
    Array.from({ length: 21 }, (_, index) => `chu-de-${index}`),
    ['Kinh-te-so'],
    ['kinh--te'],
    [''],
    [3],
    'kinh-te-so',
    null,
  ],
  startedAt: [
    '2025-10-01T05:30:00.000+07:00',
    '2025-10-01T05:30Z',
    '2025-10-01T05:30:00.1234Z',
    '2025-10-01 05:30:00',
    '2025-13-01T05:30:00Z',
    '2026-02-30T05:30:00Z',
    '2025-10-01T24:00:00Z',
    1759271400000,
    null,
  ],
  endedAt: [
    '2025-10-01T05:32:05.500+07:00',
    '2025-10-01T22:00:00-03:30',
    '2025-11-31T05:00:00+07:00',
    '2025-10-01',
    null,
  ],
  playedMs: [0, 1, 86_400_000, 86_400_001, -1, 1.5, '100', Number.NaN, null],
  source: ['operator', 'import', 'automation', 'Operator', null],
  correctsSeq: [1, 12, 0, -3, 2.5, '4', null],
  reason: [
    'Mất điện',
    'r',
    'r'.repeat(1000),
    'r'.repeat(1001),
    '',
    'Mất\u0007 điện',
    'Mất điện\nlúc 5 giờ',
    false,
    null,
  ],
};

describe('the batch body fast path', () => {
  it('knows exactly the properties and constraints of PostPlayoutRecordDto', () => {
    // A change to the DTO's decorators fails here: RECORD_CHECKS must follow it.
    const metadata = getMetadataStorage().getTargetValidationMetadatas(
      PostPlayoutRecordDto,
      '',
      true,
      false,
    );
    const constraints: Record<string, string[]> = {};
    for (const entry of metadata) {
      const name = entry.name ?? entry.type;
      const args =
        entry.type === 'conditionalValidation' ? '' : (entry.constraints ?? []).map(String).join();
      (constraints[entry.propertyName] ??= []).push(
        `${name}(${args})${entry.each ? '[each]' : ''}`,
      );
    }
    for (const list of Object.values(constraints)) list.sort();
    expect(Object.keys(constraints).sort()).toEqual(Object.keys(RECORD_CHECKS).sort());
    expect(constraints).toEqual({
      outcome: ['isIn(aired,partial,failed,missed)'],
      scheduleItemId: ['conditionalValidation()', 'isUuid(all)'],
      bulletinId: ['conditionalValidation()', 'isUuid(all)'],
      title: [
        'conditionalValidation()',
        'isPlainText(false)',
        'isString()',
        'maxLength(300)',
        'minLength(1)',
      ],
      topics: [
        'arrayMaxSize(20)',
        'conditionalValidation()',
        'isArray()',
        'isDefined()',
        `matches(${String(/^[a-z0-9]+(-[a-z0-9]+)*$/)},undefined)[each]`,
      ],
      startedAt: ['conditionalValidation()', 'isDefined()', 'isIsoInstant()'],
      endedAt: ['conditionalValidation()', 'isDefined()', 'isIsoInstant()'],
      playedMs: ['conditionalValidation()', 'isDefined()', 'isInt()', 'max(86400000)', 'min(0)'],
      source: ['conditionalValidation()', 'isDefined()', 'isIn(operator,import)'],
      correctsSeq: ['conditionalValidation()', 'isInt()', 'min(1)'],
      reason: [
        'conditionalValidation()',
        'isPlainText(true)',
        'isString()',
        'maxLength(1000)',
        'minLength(1)',
      ],
    });
  });

  it('takes a record only when the ValidationPipe would, and every record without nulls alike', () => {
    const random = generator(20251010);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
    const keys = Object.keys(SAMPLES) as (keyof PostPlayoutRecordDto)[];
    let fastTaken = 0;
    for (let run = 0; run < 4000; run += 1) {
      const record: Record<string, unknown> = {};
      for (const key of keys) {
        const roll = random();
        if (key !== 'outcome' && roll < 0.5) continue;
        if (key === 'outcome' && roll < 0.03) continue;
        // Mostly valid values, so that whole records are often valid.
        const values = SAMPLES[key];
        record[key] = random() < 0.7 ? values[0] : pick(values);
      }
      if (random() < 0.02) record.extra = 'x';
      const fast = isPlainlyValidRecord(record);
      const slow = pipeAccepts(record);
      const hasNull = Object.values(record).some((value) => value === null);
      if (fast) fastTaken += 1;
      if (fast && !slow) throw new Error(`fast path took ${JSON.stringify(record)}`);
      if (!hasNull && fast !== slow) {
        throw new Error(`fast ${fast}, pipe ${slow}: ${JSON.stringify(record)}`);
      }
    }
    expect(fastTaken).toBeGreaterThan(500);
  });

  it('takes a batch only as an object of 1 to 5,000 plainly valid records', () => {
    const record = { outcome: 'aired', title: 'Bản tin', startedAt: '2025-10-01T05:30:00Z' };
    expect(isPlainlyValidBatch({ records: [record] })).toBe(true);
    expect(isPlainlyValidBatch({ records: [] })).toBe(false);
    expect(isPlainlyValidBatch({ records: Array(MAX_BATCH_RECORDS + 1).fill(record) })).toBe(false);
    expect(isPlainlyValidBatch({ records: [record], more: 1 })).toBe(false);
    expect(isPlainlyValidBatch({ records: [record, 'aired'] })).toBe(false);
    expect(isPlainlyValidBatch({ records: [record, [record]] })).toBe(false);
    expect(isPlainlyValidBatch([record])).toBe(false);
    expect(
      isPlainlyValidBatch(JSON.parse('{"records":[{"outcome":"aired","__proto__":{}}]}')),
    ).toBe(false);
  });

  it('answers a body it does not take exactly as the ValidationPipe does', async () => {
    const pipe = new PlayoutBatchPipe();
    const valid = { records: [{ outcome: 'aired', title: 'Bản tin' }] };
    await expect(pipe.transform(valid)).resolves.toBe(valid);
    for (const body of [
      { records: [{ outcome: 'aired', title: '' }, { outcome: 'lost' }] },
      { records: [{ outcome: 'aired', note: 'x' }] },
      { records: [] },
      { records: 'none' },
      {},
    ]) {
      const expected = await validationPipe()
        .transform(body, { type: 'body', metatype: PostPlayoutBatchDto })
        .then(
          () => null,
          (error: DomainError) => error.message,
        );
      expect(expected).not.toBeNull();
      await expect(pipe.transform(body)).rejects.toThrow(expected as string);
    }
    // A null optional field goes the slow way. Where the API's own records answer null
    // (reason, correctsSeq, …) it is taken as left out; elsewhere it is refused.
    const withNull = { records: [{ outcome: 'aired', title: 'Bản tin', reason: null }] };
    const taken = await pipe.transform(withNull);
    expect(taken).toBeInstanceOf(PostPlayoutBatchDto);
    expect(taken.records[0]).not.toHaveProperty('reason', null);
    expect(taken.records[0].reason).toBeUndefined();
    const nullLength = { records: [{ outcome: 'aired', title: 'Bản tin', playedMs: null }] };
    await expect(pipe.transform(nullLength)).rejects.toThrow(
      'records.0.playedMs may be left out, but not null',
    );
  });

  it('takes a single plainly valid record as it is, and answers any other as the pipe does', async () => {
    const pipe = new PlayoutRecordPipe();
    const valid = { outcome: 'aired', title: 'Bản tin', startedAt: '2025-10-01T05:30:00Z' };
    await expect(pipe.transform(valid)).resolves.toBe(valid);
    for (const body of [
      { outcome: 'aired', title: '' },
      { outcome: 'lost' },
      { outcome: 'aired', note: 'x' },
      { title: 'Bản tin' },
      [valid],
      'aired',
      undefined,
    ]) {
      const expected = await validationPipe()
        .transform(body, { type: 'body', metatype: PostPlayoutRecordDto })
        .then(
          () => null,
          (error: DomainError) => error.message,
        );
      expect(expected).not.toBeNull();
      await expect(pipe.transform(body)).rejects.toThrow(expected as string);
    }
    const withNull = { outcome: 'aired', title: 'Bản tin', reason: null };
    await expect(pipe.transform(withNull)).resolves.toMatchObject({ reason: undefined });
    const nullLength = { outcome: 'aired', title: 'Bản tin', playedMs: null };
    await expect(pipe.transform(nullLength)).rejects.toThrow(
      'playedMs may be left out, but not null',
    );
  });
});
