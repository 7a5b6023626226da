import { DataSource } from 'typeorm';
import { DeviceStatusProblem1765000003150 } from '../src/database/migrations/1765000003150-device-status-problem';
import { migrationsUpTo, openMigrated } from './support/migrations';
import { createTestStorage, TestStorage } from './support/test-app';

describe("the device status problem migration, up and down, keeps the fleet's rows (e2e)", () => {
  let storage: TestStorage;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await storage.dispose();
  });

  async function columns(): Promise<string[]> {
    const table = await dataSource!.createQueryRunner().getTable('device');
    return table!.columns.map((column) => column.name).filter((name) => name.includes('problem'));
  }

  it('adds status_problem and status_problem_at, and drops them again with the rows intact', async () => {
    // Up to this migration, whatever comes after it.
    dataSource = await openMigrated(storage, migrationsUpTo(DeviceStatusProblem1765000003150));
    expect((await columns()).sort()).toEqual(['status_problem', 'status_problem_at']);
    // Plain SQL: the entity may have columns of later migrations.
    await dataSource.query(
      `INSERT INTO device (id, commune_code, province_code, name, zones, status_problem,
         status_problem_at, created_at, updated_at)
       VALUES ('019ae3b2-0000-7000-8000-000000000001', '14797', '38', 'Cụm loa thôn 1', '[]',
         'not JSON', '2026-12-03T07:00:00.000Z', '2026-12-03T07:00:00.000Z',
         '2026-12-03T07:00:00.000Z')`,
    );

    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columns()).toEqual([]);
    expect(await dataSource.query('SELECT name FROM device')).toEqual([{ name: 'Cụm loa thôn 1' }]);

    await dataSource.runMigrations({ transaction: 'each' });
    expect((await columns()).sort()).toEqual(['status_problem', 'status_problem_at']);
  });
});
