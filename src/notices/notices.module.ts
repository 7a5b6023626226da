import { Module } from '@nestjs/common';
import { NoticesController } from './notices.controller';
import { NoticesRepository } from './notices.repository';

/** Per-user notices (a bulletin approved or sent back), written by the modules that cause them. */
@Module({
  controllers: [NoticesController],
  providers: [NoticesRepository],
  exports: [NoticesRepository],
})
export class NoticesModule {}
