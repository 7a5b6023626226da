import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/migrations';
import { EmergencyDeviceEnrolled1765000003250 } from '../src/database/migrations/1765000003250-emergency-device-enrolled';
import { MigrationClass, openMigrated } from './support/migrations';
import { createTestStorage, TestStorage } from './support/test-app';

describe('the emergency_device enrolled_when_sent migration (e2e)', () => {
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

  it('marks the targets whose cluster has never enrolled, keeps the others enrolled, and drops it on the way down', async () => {
    const before = MIGRATIONS.filter(
      (migration) => migration !== EmergencyDeviceEnrolled1765000003250,
    );
    expect(before).toHaveLength(MIGRATIONS.length - 1);
    dataSource = await open(before);
    const device = (id: string, enrolledAt: string | null) =>
      `('${id}', '14797', '38', 'Cụm ${id}', '[]', ${enrolledAt ? `'${enrolledAt}'` : 'NULL'}, ` +
      `'2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')`;
    await dataSource.query(
      'INSERT INTO device (id, commune_code, province_code, name, zones, enrolled_at, ' +
        'created_at, updated_at) VALUES ' +
        [
          device('enrolled', '2026-12-01T01:00:00.000Z'),
          // Enrolled since the emergency (or again): its date cannot tell, it stays enrolled.
          device('renewed', '2026-12-05T01:00:00.000Z'),
          device('never', null),
        ].join(', '),
    );
    await dataSource.query(
      'INSERT INTO emergency (id, scope, province_code, commune_code, bulletin_id, created_at, ' +
        "ends_at) VALUES ('e1', 'commune', '38', '14797', 'b1', '2026-12-03T07:00:00.000Z', " +
        "'2026-12-03T07:01:00.000Z')",
    );
    const online = dataSource.options.type === 'sqlite' ? '0' : 'false';
    const target = (id: string) =>
      `('e1', '${id}', '14797', 'Cụm ${id}', 'i1', 'c-${id}', ${online})`;
    await dataSource.query(
      'INSERT INTO emergency_device (emergency_id, device_id, commune_code, device_name, ' +
        'schedule_item_id, command_id, online_when_sent) VALUES ' +
        // A removed cluster's row stays as it was shown: enrolled, offline.
        ['enrolled', 'renewed', 'never', 'removed'].map(target).join(', '),
    );
    await dataSource.destroy();

    dataSource = await open(MIGRATIONS);
    const found = await dataSource.query<
      { device_id: string; enrolled_when_sent: boolean | number }[]
    >('SELECT device_id, enrolled_when_sent FROM emergency_device ORDER BY device_id');
    expect(found.map((row) => [row.device_id, Boolean(row.enrolled_when_sent)])).toEqual([
      ['enrolled', true],
      ['never', false],
      ['removed', true],
      ['renewed', true],
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    const table = await dataSource.createQueryRunner().getTable('emergency_device');
    expect(table?.findColumnByName('enrolled_when_sent')).toBeUndefined();
    expect(table?.findColumnByName('online_when_sent')).toBeDefined();
  });
});
