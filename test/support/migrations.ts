import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/load-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { TestStorage } from './test-app';

/** A migration class, as `MIGRATIONS` lists them. */
export type MigrationClass = (typeof MIGRATIONS)[number];

/**
 * Every migration up to `migration` and it, none after: a later migration may read a column or a
 * table the tested one adds, so a test that writes rows as they were before it stops there.
 */
export function migrationsUpTo(migration: MigrationClass): MigrationClass[] {
  const index = MIGRATIONS.indexOf(migration);
  if (index < 0) throw new Error(`${migration.name} is not in MIGRATIONS`);
  return MIGRATIONS.slice(0, index + 1);
}

/** The test storage's database, brought up by `migrations` alone (each in its own transaction). */
export async function openMigrated(
  storage: TestStorage,
  migrations: readonly MigrationClass[],
): Promise<DataSource> {
  const options = dataSourceOptions(parseDatabaseUrl(String(storage.env.DATABASE_URL), '/'));
  const source = new DataSource({
    ...options,
    migrations: [...migrations] as never,
    migrationsRun: false,
  });
  await source.initialize();
  await source.runMigrations({ transaction: 'each' });
  return source;
}
