import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';
import { PlayoutModule } from '../playout/playout.module';
import { TopicsModule } from '../topics/topics.module';
import { LiveController } from './live.controller';
import { LiveFleet } from './live-fleet';
import { LiveStreamController } from './live-stream.controller';
import { LiveSessionsService } from './live-sessions.service';
import { LiveSocket } from './live-socket';

/**
 * Live announcements (Phát trực tiếp): the HTTP routes, the speaker's socket and the sessions.
 * Plays through the worker's player (found at run time: an api-only process refuses with
 * LIVE_UNAVAILABLE), or in a commune with devices through them (`LiveFleet`, the stream route).
 */
@Module({
  imports: [MediaModule, PlayoutModule, TopicsModule],
  controllers: [LiveController, LiveStreamController],
  providers: [LiveSessionsService, LiveSocket, LiveFleet],
})
export class LiveModule {}
