import { Injectable } from '@nestjs/common';
import {
  assessDecode,
  cleanToolMessage,
  isRejection,
  ProbedAudio,
  readProbe,
  Rejection,
} from './audio-inspection';
import { decodeCheckArgs } from './ffmpeg-args';
import { FfmpegAdapter, FfmpegFailure } from './ffmpeg.adapter';

export interface InspectedAudio extends ProbedAudio {
  decodedDurationS: number;
}

/**
 * Decides at upload whether a file is a recording the pipeline can process: ffprobe must find an
 * audio stream in its content (the name and MIME type the client sent do not count), and a full
 * decode must run clean to the length the header declares (a truncated MP3 probes fine; only the
 * decode shows it ends early).
 */
@Injectable()
export class AudioInspector {
  constructor(private readonly ffmpeg: FfmpegAdapter) {}

  async inspect(path: string, size: number): Promise<InspectedAudio | Rejection> {
    if (size === 0) return { reason: 'empty', message: 'The file is empty' };
    const probe = await this.ffmpeg.probe(path);
    const probed = readProbe(probe.json);
    if (isRejection(probed)) return probed;
    const errors: string[] = [];
    let decodedS = 0;
    let exitCode: number | null = 0;
    try {
      const result = await this.ffmpeg.run(path, decodeCheckArgs(), '-', {
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
    const rejection = assessDecode(probed, { exitCode, decodedS, errors });
    return rejection ?? { ...probed, decodedDurationS: decodedS };
  }
}
