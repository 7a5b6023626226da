import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export const MIGRATIONS_TABLE = 'loa_xa_migrations';

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
      database: database.file,
      enableWAL: database.file !== ':memory:',
      busyTimeout: 10000,
    };
  }
  return { ...common, type: 'postgres', url: database.url, extra: { max: 10 } };
}
