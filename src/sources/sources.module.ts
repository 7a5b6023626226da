import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { SourceChecker } from './source-checker';
import { SourcesController } from './sources.controller';
import { SourcesService } from './sources.service';

/** Stream sources for relays (tiếp âm): the province's list, URL rules and checks. */
@Module({
  imports: [MediaModule],
  controllers: [SourcesController],
  providers: [SourcesService, SourceChecker],
  exports: [SourcesService],
})
export class SourcesModule {}
