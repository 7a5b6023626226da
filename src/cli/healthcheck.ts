import 'reflect-metadata';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from '../database/data-source-options';
import { redisOptions } from '../queue/redis';

/**
 * `node dist/cli/healthcheck.js`: exits 0 when the database and Redis answer. The health check
 * of processes without HTTP (worker, scheduler); the api role has GET /api/v1/health.
 */
async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const dataSource = new DataSource({
    ...dataSourceOptions(config.database),
    migrationsRun: false,
  });
  const redis = new Redis({
    ...redisOptions(config.redis),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await dataSource.initialize();
    await dataSource.query('SELECT 1');
    await redis.connect();
    if ((await redis.ping()) !== 'PONG') throw new Error('Redis did not answer PONG');
    console.log('ok');
    return 0;
  } catch (error) {
    console.error(`unhealthy: ${(error as Error).message}`);
    return 1;
  } finally {
    redis.disconnect();
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
