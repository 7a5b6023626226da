import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { redisOptions } from './redis';

/** One shared client for health checks and small reads; BullMQ keeps its own connections. */
@Injectable()
export class RedisClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RedisClient.name);
  readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new Redis({
      ...redisOptions(config.redis),
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    this.client.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.client.connect();
      const reply = await this.client.config('GET', 'maxmemory-policy');
      const policy = reply[1];
      if (policy !== 'noeviction') {
        this.logger.warn(
          `Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or queued jobs may be evicted`,
        );
      }
    } catch (error) {
      this.logger.warn(`Redis check at start failed: ${(error as Error).message}`);
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
