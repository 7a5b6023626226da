import * as sqlite3 from 'sqlite3';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { serialPgClient } from './serial-pg-client';

export const MIGRATIONS_TABLE = 'loa_xa_migrations';

/**
 * sqlite3 as TypeORM would load it, but with `verbose()` left off: TypeORM turns it on, and it
 * then wraps every call to capture a stack trace and `util.inspect` every bound parameter, which
 * took about a third of the CPU of a bulk as-run import (bench/reports.bench.ts). Errors keep
 * SQLite's message; they lose only the extra "--> in Database#run(…)" lines.
 */
const quietSqlite3 = { ...sqlite3, verbose: () => quietSqlite3 };

/**
 * Settings of the service's SQLite connection beyond TypeORM's (WAL, busy timeout, foreign keys),
 * applied once it is open (`Db`). Neither weakens durability: every commit is still synced.
 */
export const SQLITE_PRAGMAS = [
  // 8 MiB of page cache instead of 2 MiB: the index pages that a batch of as-run records updates
  // stay in memory between requests instead of being read back from the file for every insert.
  // 32 MiB ingested a province-month no faster (CPU 75 / 70 s against 69 / 62 s with 8 MiB, in
  // turns) and the pages that a report or the chain check read once filled it: 16–24 MB more
  // resident in each process (bench/memory.bench.ts).
  'cache_size = -8192',
  // Copy the WAL into the database every ~40 MB instead of every 4 MB, so a page that many
  // commits touch (an index page, a roll-up row) is written back once for all of them. With
  // both, a province-month of as-run batches ingested 1.5 × faster (bench/reports.bench.ts).
  'wal_autocheckpoint = 10000',
] as const;

/** TypeORM options for the configured database: migrations only, never `synchronize`. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  } as const;
  if (database.driver === 'sqlite') {
    return {
      ...common,
      type: 'sqlite',
      driver: quietSqlite3,
      database: database.file,
      enableWAL: database.file !== ':memory:',
      busyTimeout: 10000,
    };
  }
  // Each connection answers one query at a time: those a transaction gives at once wait their
  // turn in `serialPgClient` rather than in pg's queue, which pg 9 removes.
  return {
    ...common,
    type: 'postgres',
    url: database.url,
    extra: { max: 10, Client: serialPgClient() },
  };
}
