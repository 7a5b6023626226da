import { DynamicModule, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock';
import { FfmpegBinaries } from '../media/ffmpeg-binaries';
import { LivePlayer } from '../playout/player/live-player';
import { Player } from '../playout/player/player';
import { RelayPlayer } from '../playout/player/relay-player';
import { AudioSinks } from '../playout/sinks/audio-sinks';
import { EDGE_CONFIG, EdgeConfig } from './edge-config';
import { EdgeService } from './edge.service';

/**
 * The edge player's application context: the playout module's player and sinks, and the edge
 * service. No HTTP server, no database of the server's, nothing of reports or the planner.
 */
@Module({})
export class EdgeModule {
  static register(config: EdgeConfig): DynamicModule {
    return {
      module: EdgeModule,
      providers: [
        { provide: EDGE_CONFIG, useValue: config },
        { provide: Clock, useClass: SystemClock },
        {
          provide: FfmpegBinaries,
          useFactory: () => new FfmpegBinaries({ ffmpeg: config.ffmpeg }),
        },
        AudioSinks,
        Player,
        RelayPlayer,
        LivePlayer,
        EdgeService,
      ],
    };
  }
}
