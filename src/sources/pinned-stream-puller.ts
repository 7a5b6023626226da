import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FfmpegBinaries } from '../media/ffmpeg-binaries';
import { PCM } from '../playout/player/pcm';
import { StreamPuller } from '../playout/player/relay-player';
import type { DecoderProcess } from '../playout/sinks/audio-sinks';
import { PlayoutProcess } from '../playout/sinks/playout-process';
import type { StreamRules } from './pinned-stream';
import { pullSource } from './source-pull';
import { resolveHostAddresses, resolverLookup } from './source-urls';

/** A stream that sends nothing this long is given up (as ffmpeg's own `-rw_timeout` did). */
const STREAM_IDLE_MS = 5000;

/** ffmpeg decoding whatever arrives on its standard input to the player's raw PCM. */
export function pipedDecoderArgs(): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-i',
    'pipe:0',
    '-vn',
    '-map',
    '0:a:0',
    '-f',
    PCM.format,
    '-ar',
    String(PCM.sampleRate),
    '-ac',
    String(PCM.channels),
    'pipe:1',
  ];
}

/** The sources' URL rules from the configuration (SOURCES_ALLOWED_HOSTS, SOURCES_DNS_SERVERS). */
export function streamRulesOf(config: AppConfig): StreamRules {
  const servers = config.sources.dnsServers;
  return {
    allowedHosts: config.sources.allowedHosts,
    lookup: servers.length > 0 ? resolverLookup(servers) : resolveHostAddresses,
  };
}

/**
 * The server's relay streams: pulled in Node by `pullSource` (one checked address per
 * connection, each redirect and HLS segment checked) and piped into an ffmpeg that decodes
 * `pipe:0`, so no name ffmpeg resolves and no redirect it follows can steer it. A refused or
 * failed pull ends the decoder's input: the relay fails over as for a dead stream.
 */
@Injectable()
export class PinnedStreamPuller extends StreamPuller {
  private readonly logger = new Logger(PinnedStreamPuller.name);
  private readonly rules: StreamRules;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly binaries: FfmpegBinaries,
  ) {
    super();
    this.rules = streamRulesOf(config);
  }

  open(url: string, timeoutMs: number): DecoderProcess {
    const decoder = new PlayoutProcess(this.binaries.ffmpegPath, pipedDecoderArgs(), timeoutMs);
    const pull = pullSource(url, this.rules, STREAM_IDLE_MS, (error) =>
      this.logger.warn(`Relay stream ${url}: ${error.message}`),
    );
    pull.audio.pipe(decoder.stdin);
    void decoder.exited.then(() => pull.stop());
    return {
      output: decoder.stdout,
      exited: decoder.exited,
      kill: () => {
        pull.stop();
        decoder.kill();
      },
    };
  }
}
