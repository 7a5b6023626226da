import { Module } from '@nestjs/common';
import { NoticesModule } from '../notices/notices.module';
import { ApprovalsService } from './approvals.service';
import { BulletinsController } from './bulletins.controller';
import { BulletinsRepository } from './bulletins.repository';
import { BulletinsService } from './bulletins.service';

/** Bulletins, their topics and approval (inbox, review, notices), and each province's library. */
@Module({
  imports: [NoticesModule],
  controllers: [BulletinsController],
  providers: [BulletinsService, ApprovalsService, BulletinsRepository],
  exports: [BulletinsRepository],
})
export class BulletinsModule {}
