import { EntityManager, FindOperator } from 'typeorm';
import { BulletinTopic } from '../bulletins/entities/bulletin-topic.entity';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { DomainError } from '../common/domain-error';
import { Commune } from '../geo/geo.types';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { StreamSource } from '../sources/entities/stream-source.entity';
import { TopicsService } from '../topics/topics.service';
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
    });
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
