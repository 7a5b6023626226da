import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QueueName } from './queue.constants';
import { redisOptions } from './redis';
import { RedisClient } from './redis-client.provider';

const queues = Object.values(QueueName).map((name) => BullModule.registerQueue({ name }));

/** BullMQ over ioredis, wired once: REDIS_URL (with its database index) and REDIS_PREFIX. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisOptions(config.redis),
        prefix: config.redis.prefix,
      }),
    }),
    ...queues,
  ],
  providers: [RedisClient],
  exports: [RedisClient, ...queues],
})
export class QueueModule {}
