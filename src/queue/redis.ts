import { RedisConfig } from '../config/app-config';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  maxRetriesPerRequest: number | null;
}

/** Connection options for ioredis and BullMQ; `maxRetriesPerRequest: null` as BullMQ workers need. */
export function redisOptions(config: RedisConfig): RedisConnectionOptions {
  return {
    host: config.host,
    port: config.port,
    db: config.db,
    username: config.username,
    password: config.password,
    maxRetriesPerRequest: null,
  };
}
