import { Module } from '@nestjs/common';
import { RelayPlayer } from './player/relay-player';
import { StationOutputs } from './player/station-outputs';
import { PlayoutModule } from './playout.module';
import { PlayoutProcessor } from './playout.processor';
import { PlayoutRunner } from './playout-runner.service';
import { AudioSinks } from './sinks/audio-sinks';

/** Worker role: the player, its sinks and the `playout` queue processor. */
@Module({
  imports: [PlayoutModule],
  providers: [AudioSinks, RelayPlayer, StationOutputs, PlayoutRunner, PlayoutProcessor],
  exports: [PlayoutRunner],
})
export class PlayoutWorkerModule {}
