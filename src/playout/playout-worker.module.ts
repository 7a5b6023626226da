import { Module } from '@nestjs/common';
import { LivePlayer } from './player/live-player';
import { PinnedStreamPuller } from '../sources/pinned-stream-puller';
import { RelayPlayer, StreamPuller } from './player/relay-player';
import { StationOutputs } from './player/station-outputs';
import { PlayoutModule } from './playout.module';
import { PlayoutProcessor } from './playout.processor';
import { PlayoutRunner } from './playout-runner.service';
import { AudioSinks } from './sinks/audio-sinks';

/** Worker role: the player, its sinks and the `playout` queue processor. */
@Module({
  imports: [PlayoutModule],
  providers: [
    AudioSinks,
    RelayPlayer,
    LivePlayer,
    // Relay streams pulled with the sources' URL rules on every connection (DNS pinned, redirects checked).
    { provide: StreamPuller, useClass: PinnedStreamPuller },
    StationOutputs,
    PlayoutRunner,
    PlayoutProcessor,
  ],
  exports: [PlayoutRunner, LivePlayer, StationOutputs],
})
export class PlayoutWorkerModule {}
