import { getQueueToken } from '@nestjs/bullmq';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ApplicationConfig, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { TokenService } from '../auth/token.service';
import { UsersService } from '../users/users.service';
import { adminOnly, QUEUE_DASHBOARD_ROUTE } from './queue-dashboard.auth';
import { QueueDashboardController } from './queue-dashboard.controller';
import { lazyQueueDashboard } from './queue-dashboard.router';
import { QueueName } from './queue.constants';

/**
 * bull-board at /api/v1/admin/queues, for admins only (api role). A browser first calls
 * POST /api/v1/admin/queue-session with the admin's bearer token to get the dashboard cookie.
 * The board itself is loaded on the first admin's request for it (queue-dashboard.router.ts).
 */
@Module({
  controllers: [QueueDashboardController],
})
export class QueueDashboardModule implements NestModule {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly moduleRef: ModuleRef,
    private readonly application: ApplicationConfig,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    // What bull-board's links are built on: the API prefix and the route.
    const basePath = `/${this.application.getGlobalPrefix()}${QUEUE_DASHBOARD_ROUTE}`.replace(
      /^\/+/,
      '/',
    );
    consumer
      .apply(
        adminOnly(this.tokens, this.users),
        lazyQueueDashboard(() => this.queues(), basePath),
      )
      .forRoutes(QUEUE_DASHBOARD_ROUTE);
  }

  private queues(): Queue[] {
    return Object.values(QueueName).map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
  }
}
