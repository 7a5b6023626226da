import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Demuxer } from './audio-container';
import {
  assessDecode,
  cleanToolMessage,
  durationRejection,
  isRejection,
  ProbedAudio,
  readProbe,
  Rejection,
  unsupportedContainer,
} from './audio-inspection';
import { decodeCheckArgs, MediaInput } from './ffmpeg-args';
import { FfmpegAdapter, FfmpegFailure } from './ffmpeg.adapter';
import { MediaStorage } from './media-storage';

export interface InspectedAudio extends ProbedAudio {
  demuxer: Demuxer;
  decodedDurationS: number;
}

/**
 * Decides at upload whether a file is a recording the pipeline can process: ffprobe must find an
 * audio stream in its content (the name and MIME type the client sent do not count), and a full
 * decode must run clean to the length the header declares (a truncated MP3 probes fine; only the
 * decode shows it ends early).
 *
 * The container is identified by the file's first bytes first, and only an allowed recording
 * container gets as far as ffprobe, which then opens it with that demuxer only (a playlist or a
 * concat script never reaches a tool that would follow what it names). A recording longer than
 * MEDIA_MAX_DURATION_SECONDS is refused from the probe, before any decoding; the decode stops just
 * past that length whatever the header said.
 */
@Injectable()
export class AudioInspector {
  private readonly maxDurationS: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly ffmpeg: FfmpegAdapter,
    private readonly storage: MediaStorage,
  ) {
    this.maxDurationS = config.audio.maxDurationSeconds;
  }

  async inspect(path: string, size: number): Promise<InspectedAudio | Rejection> {
    if (size === 0) return { reason: 'empty', message: 'The file is empty' };
    const demuxer = await this.storage.containerOf(path);
    if (demuxer === null) return unsupportedContainer();
    const input: MediaInput = { path, demuxer };
    const probe = await this.ffmpeg.probe(input);
    const probed = readProbe(probe.json);
    if (isRejection(probed)) return probed;
    const declaredTooLong = durationRejection(probed.declaredDurationS, this.maxDurationS);
    if (declaredTooLong) return declaredTooLong;
    const errors: string[] = [];
    let decodedS = 0;
    let exitCode: number | null = 0;
    try {
      const result = await this.ffmpeg.run(input, decodeCheckArgs(), '-', {
        allowFailure: true,
        onStderrLine: (line) => {
          if (line.trim() !== '' && errors.length < 20) errors.push(cleanToolMessage(line, path));
        },
      });
      decodedS = result.outTimeS;
      exitCode = result.exitCode;
    } catch (error) {
      if (error instanceof FfmpegFailure && error.kind === 'timeout') {
        return { reason: 'corrupt', message: 'Decoding the file did not finish in time' };
      }
      throw error;
    }
    const decodedTooLong = durationRejection(decodedS, this.maxDurationS, true);
    if (decodedTooLong) return decodedTooLong;
    const rejection = assessDecode(probed, { exitCode, decodedS, errors });
    return rejection ?? { ...probed, demuxer, decodedDurationS: decodedS };
  }
}
