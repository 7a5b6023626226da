import { DataSource } from 'typeorm';
import { DeviceZoneSpans1765000003400 } from '../src/database/migrations/1765000003400-device-zone-spans';
import { MigrationClass, migrationsUpTo, openMigrated } from './support/migrations';
import { createTestStorage, TestStorage } from './support/test-app';

describe("the device zone spans migration carries each cluster's current zones over from its creation (e2e)", () => {
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

  function spans() {
    return dataSource!.query<
      {
        device_id: string;
        seq: number | string;
        zones: string;
        started_at: string;
        ended_at: string | null;
      }[]
    >(
      'SELECT device_id, seq, zones, started_at, ended_at FROM device_zone_span ORDER BY device_id',
    );
  }

  it('backfills one open span per device, and drops them on the way down with the devices intact', async () => {
    const upTo = migrationsUpTo(DeviceZoneSpans1765000003400);
    dataSource = await open(upTo.slice(0, -1));
    // Plain SQL: the entity may have columns of later migrations.
    const device = (id: string, zones: string, createdAt: string) =>
      `('${id}', '14797', '38', 'Cụm ${id}', '${zones}', '${createdAt}', '2026-12-02T08:00:00.000Z')`;
    await dataSource.query(
      'INSERT INTO device (id, commune_code, province_code, name, zones, created_at, updated_at) ' +
        'VALUES ' +
        [
          device('a-zoned', '["thon-3","thon-6"]', '2026-12-01T01:00:00.000Z'),
          device('b-everywhere', '[]', '2026-12-01T02:00:00.000Z'),
        ].join(', '),
    );
    await dataSource.destroy();

    dataSource = await open(upTo);
    expect((await spans()).map((row) => ({ ...row, seq: Number(row.seq) }))).toEqual([
      {
        device_id: 'a-zoned',
        seq: 1,
        zones: '["thon-3","thon-6"]',
        started_at: '2026-12-01T01:00:00.000Z',
        ended_at: null,
      },
      {
        device_id: 'b-everywhere',
        seq: 1,
        zones: '[]',
        started_at: '2026-12-01T02:00:00.000Z',
        ended_at: null,
      },
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await dataSource.createQueryRunner().hasTable('device_zone_span')).toBe(false);
    const devices = await dataSource.query<{ id: string; zones: string }[]>(
      'SELECT id, zones FROM device ORDER BY id',
    );
    expect(devices).toEqual([
      { id: 'a-zoned', zones: '["thon-3","thon-6"]' },
      { id: 'b-everywhere', zones: '[]' },
    ]);

    // Up again: the same spans, once.
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await spans()).toHaveLength(2);
  });
});
