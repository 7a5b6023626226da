import { DataSource } from 'typeorm';
import { DeviceRevokedAt1765000002900 } from '../src/database/migrations/1765000002900-device-revoked-at';
import { MigrationClass, migrationsUpTo, openMigrated } from './support/migrations';
import { createTestStorage, TestStorage } from './support/test-app';

describe('the device revoked_at migration dates the clusters revoked before it (e2e)', () => {
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

  it('sets revoked_at of enrolled clusters without credentials to their last change, and drops it on the way down', async () => {
    // Up to it, whatever comes after it (a later migration may read the column).
    const upTo = migrationsUpTo(DeviceRevokedAt1765000002900);
    const before = upTo.slice(0, -1);
    dataSource = await open(before);
    const device = (id: string, enrolledAt: string | null, token: string | null) =>
      `('${id}', '14797', '38', 'Cụm ${id}', '[]', ${enrolledAt ? `'${enrolledAt}'` : 'NULL'}, ` +
      `${token ? `'${token}'` : 'NULL'}, '2026-12-01T00:00:00.000Z', '2026-12-02T08:00:00.000Z')`;
    await dataSource.query(
      'INSERT INTO device (id, commune_code, province_code, name, zones, enrolled_at, ' +
        'api_token_hash, created_at, updated_at) VALUES ' +
        [
          device('enrolled', '2026-12-01T01:00:00.000Z', 'a'.repeat(64)),
          device('revoked', '2026-12-01T01:00:00.000Z', null),
          device('never', null, null),
        ].join(', '),
    );
    await dataSource.destroy();

    dataSource = await open(upTo);
    const found = await dataSource.query<{ id: string; revoked_at: string | null }[]>(
      'SELECT id, revoked_at FROM device ORDER BY id',
    );
    expect(found.map((row) => [row.id, row.revoked_at])).toEqual([
      ['enrolled', null],
      ['never', null],
      ['revoked', '2026-12-02T08:00:00.000Z'],
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    const table = await dataSource.createQueryRunner().getTable('device');
    expect(table?.findColumnByName('revoked_at')).toBeUndefined();
    expect(table?.findColumnByName('enrolled_at')).toBeDefined();
  });
});
