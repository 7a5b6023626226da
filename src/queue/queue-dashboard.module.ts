import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { TokenService } from '../auth/token.service';
import { UsersService } from '../users/users.service';
import { adminOnly, QUEUE_DASHBOARD_ROUTE } from './queue-dashboard.auth';
import { QueueDashboardController } from './queue-dashboard.controller';
import { QueueName } from './queue.constants';

/**
 * bull-board at /api/v1/admin/queues, for admins only (api role). A browser first calls
 * POST /api/v1/admin/queue-session with the admin's bearer token to get the dashboard cookie.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [TokenService, UsersService],
      useFactory: (tokens: TokenService, users: UsersService) => ({
        route: QUEUE_DASHBOARD_ROUTE,
        // @bull-board/express 9.10.1 types its own nested @bull-board/api (9.10.1) while the
        // board is 9.10.2: the classes match at run time, not to the type checker.
        adapter: ExpressAdapter as unknown as BullBoardModuleOptions['adapter'],
        middleware: adminOnly(tokens, users),
        boardOptions: { uiConfig: { boardTitle: 'Loa xã: hàng đợi' } },
      }),
    }),
    ...Object.values(QueueName).map((name) =>
      BullBoardModule.forFeature({ name, adapter: BullMQAdapter }),
    ),
  ],
  controllers: [QueueDashboardController],
})
export class QueueDashboardModule {}
