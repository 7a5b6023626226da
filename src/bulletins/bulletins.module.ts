import { Module } from '@nestjs/common';
import { BulletinsController } from './bulletins.controller';
import { BulletinsRepository } from './bulletins.repository';
import { BulletinsService } from './bulletins.service';

/** Bulletins, their topics and approval, and each province's library. */
@Module({
  controllers: [BulletinsController],
  providers: [BulletinsService, BulletinsRepository],
  exports: [BulletinsRepository],
})
export class BulletinsModule {}
