import { DataSource } from 'typeorm';
import { ScheduleItemHistory1765000003473 } from '../src/database/migrations/1765000003473-schedule-item-history';
import { MigrationClass, migrationsUpTo, openMigrated } from './support/migrations';
import { createTestStorage, TestStorage } from './support/test-app';

describe('the schedule item history migration copies bulletins onto items and counts revisions (e2e)', () => {
  let storage: TestStorage;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await storage.dispose();
  });

  const open = (migrations: readonly MigrationClass[]): Promise<DataSource> =>
    openMigrated(storage, migrations);

  it('fills title, priority and topics from the bulletin, revisions from moves and cancellations, and drops them on the way down', async () => {
    const upTo = migrationsUpTo(ScheduleItemHistory1765000003473);
    dataSource = await open(upTo.slice(0, -1));
    const instant = '2025-10-01T00:00:00.000Z';
    await dataSource.query(
      'INSERT INTO bulletin (id, owner_code, commune_code, province_code, title, audio_id, ' +
        'priority, status, created_at, updated_at) VALUES ' +
        `('b-storm', '14797', '14797', '38', 'Bão số 10', 'a-1', 'emergency', 'approved', '${instant}', '${instant}'), ` +
        `('b-plain', '14797', '14797', '38', 'Không chủ đề', 'a-2', 'normal', 'approved', '${instant}', '${instant}')`,
    );
    await dataSource.query(
      'INSERT INTO bulletin_topic (bulletin_id, topic_code) VALUES ' +
        "('b-storm', 'xa-hoi-so'), ('b-storm', 'chinh-quyen-so')",
    );
    const item = (id: string, bulletinId: string | null, status: string, topics: string | null) =>
      `('${id}', '14797', ${bulletinId ? `'${bulletinId}'` : 'NULL'}, ` +
      `${topics ? `'${topics}'` : 'NULL'}, '${instant}', '${instant}', 30000, '${status}', ` +
      `'manual', '${instant}', '${instant}')`;
    await dataSource.query(
      'INSERT INTO schedule_item (id, commune_code, bulletin_id, topics, starts_at, ends_at, ' +
        'duration_ms, status, source, created_at, updated_at) VALUES ' +
        [
          item('i-aired', 'b-storm', 'aired', null),
          item('i-moved', 'b-storm', 'cancelled', null),
          item('i-window', 'b-plain', 'planned', null),
          item('i-relay', null, 'planned', '["kinh-te-so"]'),
        ].join(', '),
    );
    const audit = (
      id: string,
      action: string,
      targetType: string,
      targetId: string,
      detail: string | null,
    ) =>
      `('${id}', '${instant}', '${action}', '${targetType}', '${targetId}', ` +
      `${detail ? `'${detail}'` : 'NULL'})`;
    await dataSource.query(
      'INSERT INTO audit_event (id, at, action, target_type, target_id, detail) VALUES ' +
        [
          audit('e-1', 'schedule.moved', 'schedule_item', 'i-moved', null),
          audit('e-2', 'schedule.moved', 'schedule_item', 'i-moved', null),
          audit(
            'e-3',
            'schedule.moved',
            'window',
            'w-1',
            '{"items":[{"id":"i-window"},{"id":"i-moved"}]}',
          ),
          audit('e-4', 'schedule.cancelled', 'schedule_item', 'i-aired', null),
        ].join(', '),
    );
    await dataSource.destroy();

    dataSource = await open(upTo);
    const rows = await dataSource.query<
      {
        id: string;
        title: string | null;
        priority: string | null;
        topics: string | null;
        revision: number;
      }[]
    >('SELECT id, title, priority, topics, revision FROM schedule_item ORDER BY id');
    expect(rows.map((row) => ({ ...row, revision: Number(row.revision) }))).toEqual([
      {
        id: 'i-aired',
        title: 'Bão số 10',
        priority: 'emergency',
        topics: '["chinh-quyen-so","xa-hoi-so"]',
        revision: 0,
      },
      {
        id: 'i-moved',
        title: 'Bão số 10',
        priority: 'emergency',
        topics: '["chinh-quyen-so","xa-hoi-so"]',
        revision: 4,
      },
      { id: 'i-relay', title: null, priority: null, topics: '["kinh-te-so"]', revision: 0 },
      { id: 'i-window', title: 'Không chủ đề', priority: 'normal', topics: '[]', revision: 1 },
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    const table = await dataSource.createQueryRunner().getTable('schedule_item');
    for (const column of ['title', 'priority', 'revision']) {
      expect(table?.findColumnByName(column)).toBeUndefined();
    }
    const topics = await dataSource.query<{ id: string; topics: string | null }[]>(
      'SELECT id, topics FROM schedule_item ORDER BY id',
    );
    expect(topics).toEqual([
      { id: 'i-aired', topics: null },
      { id: 'i-moved', topics: null },
      { id: 'i-relay', topics: '["kinh-te-so"]' },
      { id: 'i-window', topics: null },
    ]);
  });
});
