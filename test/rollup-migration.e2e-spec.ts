import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/migrations';
import { MonthlyRollups1764600000000 } from '../src/database/migrations/1764600000000-monthly-rollups';
import { MigrationClass, openMigrated } from './support/migrations';
import { createTestStorage, TestStorage } from './support/test-app';

type Raw = Record<string, string | number | null>;

/** Rows as text (drivers differ on bigint sums), columns in the query's order. */
async function rows(dataSource: DataSource, sql: string): Promise<string[][]> {
  const found: Raw[] = await dataSource.query(sql);
  return found.map((row) => Object.values(row).map(String));
}

describe('the monthly roll-up migration backfills from the daily roll-ups (e2e)', () => {
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

  it('fills airtime_monthly and each campaign’s roll-ups with the daily sums, and drops them on the way down', async () => {
    const before = MIGRATIONS.filter((migration) => migration !== MonthlyRollups1764600000000);
    expect(before).toHaveLength(MIGRATIONS.length - 1);
    dataSource = await open(before);
    const rules = JSON.stringify([
      { topic: 'kinh-te-so', minSecondsPerWeek: 600 },
      { topic: 'xa-hoi-so', minSecondsPerWeek: 600 },
    ]);
    await dataSource.query(
      `INSERT INTO campaign (code, name, description, starts_on, ends_on, rules, min_daily_seconds, created_at, updated_at)
       VALUES ('thu-2025', 'Tuyên truyền mùa thu', NULL, '2025-09-30', '2025-10-02', '${rules}', 300,
               '2025-09-01T00:00:00.000Z', '2025-09-01T00:00:00.000Z')`,
    );
    await dataSource.query(
      `INSERT INTO airtime_topic_set (topic_set) VALUES ('|kinh-te-so|'), ('|hoc-tap-so|'), ('|hoc-tap-so|xa-hoi-so|')`,
    );
    await dataSource.query(
      `INSERT INTO airtime_daily (commune_code, topic_code, local_date, aired_ms, plays) VALUES
         ('14797', 'kinh-te-so', '2025-09-29', 100000, 1),
         ('14797', 'kinh-te-so', '2025-09-30', 200000, 1),
         ('14797', 'kinh-te-so', '2025-10-01', 50000, 0),
         ('14797', 'xa-hoi-so', '2025-10-01', 250000, 1),
         ('14797', 'hoc-tap-so', '2025-10-01', 250000, 1),
         ('14797', 'hoc-tap-so', '2025-10-03', 0, 0),
         ('14812', 'kinh-te-so', '2025-10-02', 400000, 2)`,
    );
    await dataSource.query(
      `INSERT INTO airtime_daily_set (commune_code, local_date, topic_set, aired_ms, plays) VALUES
         ('14797', '2025-09-29', '|kinh-te-so|', 100000, 1),
         ('14797', '2025-09-30', '|kinh-te-so|', 200000, 1),
         ('14797', '2025-10-01', '|kinh-te-so|', 50000, 0),
         ('14797', '2025-10-01', '|hoc-tap-so|xa-hoi-so|', 250000, 1),
         ('14797', '2025-10-03', '|hoc-tap-so|', 0, 0),
         ('14812', '2025-10-02', '|kinh-te-so|', 400000, 2)`,
    );
    await dataSource.destroy();

    dataSource = await open(MIGRATIONS);
    expect(
      await rows(
        dataSource,
        'SELECT commune_code, topic_code, month, aired_ms, plays FROM airtime_monthly ORDER BY commune_code, topic_code, month',
      ),
    ).toEqual([
      ['14797', 'hoc-tap-so', '2025-10', '250000', '1'],
      ['14797', 'kinh-te-so', '2025-09', '300000', '2'],
      ['14797', 'kinh-te-so', '2025-10', '50000', '0'],
      ['14797', 'xa-hoi-so', '2025-10', '250000', '1'],
      ['14812', 'kinh-te-so', '2025-10', '400000', '2'],
    ]);
    // The window 30/09–02/10 only; the `|hoc-tap-so|xa-hoi-so|` bulletin counts once.
    expect(
      await rows(
        dataSource,
        'SELECT campaign_code, commune_code, local_date, aired_ms FROM campaign_airtime_daily ORDER BY commune_code, local_date',
      ),
    ).toEqual([
      ['thu-2025', '14797', '2025-09-30', '200000'],
      ['thu-2025', '14797', '2025-10-01', '300000'],
      ['thu-2025', '14812', '2025-10-02', '400000'],
    ]);
    expect(
      await rows(
        dataSource,
        'SELECT campaign_code, commune_code, month, aired_ms, days_at_minimum FROM campaign_airtime_monthly ORDER BY commune_code, month',
      ),
    ).toEqual([
      ['thu-2025', '14797', '2025-09', '200000', '0'],
      ['thu-2025', '14797', '2025-10', '300000', '1'],
      ['thu-2025', '14812', '2025-10', '400000', '1'],
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await dataSource
      .createQueryRunner()
      .getTables(['airtime_monthly', 'campaign_airtime_daily', 'campaign_airtime_monthly']);
    expect(tables).toEqual([]);
  });
});
