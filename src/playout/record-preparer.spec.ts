import { EntityManager, FindOperator } from 'typeorm';
import { BulletinTopic } from '../bulletins/entities/bulletin-topic.entity';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { DomainError } from '../common/domain-error';
import { Commune } from '../geo/geo.types';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { StreamSource } from '../sources/entities/stream-source.entity';
import { TopicsService } from '../topics/topics.service';
import { PostPlayoutRecordDto } from './dto/playout-record.dto';
import { RecordLookups, RecordPreparer } from './record-preparer';

const COMMUNE = { code: '14797', provinceCode: '38' } as Commune;
const RULES = { now: new Date('2025-10-06T12:00:00+07:00'), lateToleranceMs: 60_000 };

const relay = {
  id: '11111111-1111-4111-8111-111111111111',
  communeCode: COMMUNE.code,
  bulletinId: null,
  sourceId: '22222222-2222-4222-8222-222222222222',
  topics: ['xa-hoi-so'],
  startsAt: new Date('2025-10-06T05:40:00+07:00'),
  endsAt: new Date('2025-10-06T05:50:00+07:00'),
} as ScheduleItem;

/** A bulletin no store holds (a record naming it with a relay's item names another's). */
const OTHER_BULLETIN = '33333333-3333-4333-8333-333333333333';

/** A manager holding one relay item and its source, counting the reads it is asked for. */
function store() {
  const reads: string[] = [];
  const rows = new Map<unknown, object[]>([
    [ScheduleItem, [relay]],
    [StreamSource, [{ id: relay.sourceId, name: 'VOV1 – Thời sự' }]],
    [Bulletin, []],
    [BulletinTopic, []],
  ]);
  const manager = {
    findBy: (entity: { name: string }, where: Record<string, FindOperator<string[]>>) => {
      reads.push(entity.name);
      const ids = Object.values(where)[0].value;
      return Promise.resolve(
        (rows.get(entity) ?? []).filter((row) => ids.includes((row as { id: string }).id)),
      );
    },
  } as unknown as EntityManager;
  const topics = {
    knownCodes: (codes: string[]) => {
      reads.push('Topic');
      return Promise.resolve(new Set(codes.filter((code) => code !== 'khong-co')));
    },
  } as unknown as TopicsService;
  return { manager, topics, reads };
}

describe('RecordPreparer', () => {
  it('prepares a relay’s records from what was learned once, with its title and topics', async () => {
    const { manager, topics, reads } = store();
    const inputs = [0, 1].map(() => ({
      scheduleItemId: relay.id,
      outcome: 'aired' as const,
      startedAt: '2025-10-06T05:40:00+07:00',
      endedAt: '2025-10-06T05:50:00+07:00',
    }));
    const lookups = new RecordLookups();
    await lookups.learn(manager, topics, inputs);
    expect(reads).toEqual(['ScheduleItem', 'StreamSource', 'Topic']);

    const preparer = new RecordPreparer(COMMUNE, RULES, 'import', lookups);
    const record = preparer.prepare(inputs[0]);
    expect(record).toMatchObject({
      scheduleItemId: relay.id,
      bulletinId: null,
      title: 'Tiếp âm: VOV1 – Thời sự',
      topics: ['xa-hoi-so'],
      playedMs: 600_000,
    });
    await lookups.learn(manager, topics, inputs);
    expect(reads).toHaveLength(3);
  });

  it('refuses a topic that was looked up and not found, naming it', async () => {
    const { manager, topics } = store();
    const input = {
      title: 'Bản tin Xã hội số',
      topics: ['xa-hoi-so', 'khong-co'],
      outcome: 'aired' as const,
      startedAt: '2025-10-06T05:40:00+07:00',
      endedAt: '2025-10-06T05:45:00+07:00',
    };
    const lookups = new RecordLookups();
    await lookups.learn(manager, topics, [input]);
    const preparer = new RecordPreparer(COMMUNE, RULES, 'import', lookups);
    let refusal: unknown;
    try {
      preparer.prepare(input);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'TOPIC_UNKNOWN',
      message: 'Unknown topic: khong-co',
      details: { topics: ['khong-co'] },
    });
  });

  it('names the times a time refusal is about: the time, the range, the item planned', async () => {
    const program = { title: 'Bản tin Kinh tế số', outcome: 'aired' as const };
    const cases: [PostPlayoutRecordDto, string, Record<string, unknown>][] = [
      [
        {
          ...program,
          startedAt: '2025-10-06T12:00:00+07:00',
          endedAt: '2025-10-06T12:01:00+07:00',
        },
        'PLAYOUT_TIME_OUT_OF_RANGE',
        { field: 'endedAt', time: '2025-10-06T05:01:00.000Z', latest: '2025-10-06T05:00:05.000Z' },
      ],
      [
        {
          ...program,
          startedAt: '2019-12-31T23:59:00+07:00',
          endedAt: '2020-01-01T00:01:00+07:00',
        },
        'PLAYOUT_TIME_OUT_OF_RANGE',
        {
          field: 'startedAt',
          time: '2019-12-31T16:59:00.000Z',
          earliest: '2019-12-31T17:00:00.000Z',
        },
      ],
      [
        {
          scheduleItemId: relay.id,
          startedAt: '2025-10-06T05:52:00+07:00',
          endedAt: '2025-10-06T05:53:00+07:00',
          outcome: 'aired',
        },
        'PLAYOUT_ITEM_TIME_MISMATCH',
        {
          scheduleItemId: relay.id,
          startedAt: '2025-10-05T22:52:00.000Z',
          plannedStart: '2025-10-05T22:40:00.000Z',
          plannedEnd: '2025-10-05T22:50:00.000Z',
          earliest: '2025-10-05T22:39:00.000Z',
          latest: '2025-10-05T22:51:00.000Z',
          earlyToleranceMs: 60_000,
          lateToleranceMs: 60_000,
        },
      ],
    ];
    const { manager, topics } = store();
    const lookups = new RecordLookups();
    await lookups.learn(
      manager,
      topics,
      cases.map(([input]) => input),
    );
    const preparer = new RecordPreparer(COMMUNE, RULES, 'import', lookups);
    for (const [input, code, details] of cases) {
      expect(() => preparer.prepare(input)).toThrow(
        expect.objectContaining({ code, details }) as Error,
      );
    }
  });

  it('names the rule each check refuses by, with its values, beside the English message', async () => {
    const start = '2025-10-06T05:41:00+07:00';
    const end = '2025-10-06T05:42:00+07:00';
    const program = { title: 'Bản tin Kinh tế số', startedAt: start, endedAt: end };
    const cases: [PostPlayoutRecordDto, string, Record<string, unknown>][] = [
      [
        { ...program, scheduleItemId: relay.id, bulletinId: OTHER_BULLETIN, outcome: 'aired' },
        `Item ${relay.id} plays bulletin null, not ${OTHER_BULLETIN}`,
        {
          rule: 'item-bulletin-mismatch',
          scheduleItemId: relay.id,
          itemBulletinId: null,
          bulletinId: OTHER_BULLETIN,
        },
      ],
      [
        { startedAt: start, endedAt: end, outcome: 'aired' },
        'A record names a bulletin (bulletinId or scheduleItemId) or a title',
        { rule: 'no-bulletin-or-title' },
      ],
      [
        { ...program, outcome: 'failed' },
        'reason is required for failed and missed records and for corrections',
        { rule: 'reason-required', outcome: 'failed', correctsSeq: null },
      ],
      [
        { ...program, outcome: 'aired', correctsSeq: 4 },
        'reason is required for failed and missed records and for corrections',
        { rule: 'reason-required', outcome: 'aired', correctsSeq: 4 },
      ],
      [
        { title: program.title, outcome: 'missed', reason: 'Mất điện' },
        'A missed record without scheduleItemId needs startedAt',
        { rule: 'missed-needs-start' },
      ],
      [
        { scheduleItemId: relay.id, startedAt: start, outcome: 'missed', reason: 'Mất điện' },
        "A missed record starts at the item's planned start 2025-10-05T22:40:00.000Z",
        { rule: 'missed-not-at-planned-start', plannedStart: '2025-10-05T22:40:00.000Z' },
      ],
      [
        { ...program, outcome: 'missed', reason: 'Mất điện' },
        'A missed record ends when it starts (endedAt = startedAt)',
        { rule: 'missed-ends-at-start' },
      ],
      [
        { title: program.title, startedAt: start, playedMs: 5, outcome: 'missed', reason: 'x' },
        'A missed record has playedMs 0',
        { rule: 'missed-played', playedMs: 5 },
      ],
      [
        { title: program.title, startedAt: start, outcome: 'partial' },
        'A partial record needs startedAt and endedAt',
        { rule: 'times-required', outcome: 'partial' },
      ],
      [
        { ...program, startedAt: end, endedAt: start, outcome: 'aired' },
        'endedAt is before startedAt',
        { rule: 'ended-before-started' },
      ],
      [
        { ...program, startedAt: '2025-10-01T05:00:00+07:00', outcome: 'aired' },
        'A record spans at most 24 hours',
        { rule: 'longer-than-a-day', spanMs: 434_520_000, maxMs: 86_400_000 },
      ],
      [
        { ...program, playedMs: 60_001, outcome: 'aired' },
        'playedMs 60001 is longer than endedAt − startedAt (60000 ms)',
        { rule: 'played-longer-than-span', playedMs: 60_001, spanMs: 60_000 },
      ],
      [
        { ...program, playedMs: 0, outcome: 'partial' },
        'A partial record must have played some audio (playedMs > 0)',
        { rule: 'nothing-played', outcome: 'partial' },
      ],
    ];
    const { manager, topics } = store();
    const lookups = new RecordLookups();
    await lookups.learn(
      manager,
      topics,
      cases.map(([input]) => input),
    );
    const preparer = new RecordPreparer(COMMUNE, RULES, 'import', lookups);
    for (const [input, message, details] of cases) {
      let refusal: unknown;
      try {
        preparer.prepare(input);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).toMatchObject({ code: 'PLAYOUT_RECORD_INVALID', message });
      expect((refusal as DomainError).details).toEqual(details);
    }
  });

  it('will not prepare a record naming what was not learned (a caller’s mistake, not a read)', () => {
    const preparer = new RecordPreparer(COMMUNE, RULES, 'import', new RecordLookups());
    expect(() =>
      preparer.prepare({
        scheduleItemId: relay.id,
        outcome: 'aired',
        startedAt: '2025-10-06T05:40:00+07:00',
        endedAt: '2025-10-06T05:50:00+07:00',
      }),
    ).toThrow('was not looked up before preparing the record');
  });
});
