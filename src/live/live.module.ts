import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { PlayoutModule } from '../playout/playout.module';
import { TopicsModule } from '../topics/topics.module';
import { LiveController } from './live.controller';
import { LiveSessionsService } from './live-sessions.service';
import { LiveSocket } from './live-socket';

/**
 * Live announcements (Phát trực tiếp): the HTTP routes, the speaker's socket and the sessions.
 * Plays through the worker's player (found at run time: an api-only process refuses with
 * LIVE_UNAVAILABLE).
 */
@Module({
  imports: [MediaModule, PlayoutModule, TopicsModule],
  controllers: [LiveController],
  providers: [LiveSessionsService, LiveSocket],
})
export class LiveModule {}
