import { Injectable } from '@nestjs/common';
import { looksLikeCorruptInput } from './audio-inspection';
import { FfmpegArgs, MediaInput } from './ffmpeg-args';
import { FfmpegAdapter, FfmpegFailure, FfmpegRunOptions, FfmpegRunResult } from './ffmpeg.adapter';
import { LoudnessSummary, parseEbur128Summary } from './loudness';

/** A failure of the pipeline; `permanent` ones (broken or silent input) are not retried. */
export class PipelineError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'PipelineError';
  }
}

/** The last lines of ffmpeg's log kept per run: ebur128 writes its summary at the very end. */
const LOG_TAIL_LINES = 300;

/**
 * The ffmpeg runs of the processing pipeline: each named, a failure on broken input turned into
 * a permanent PipelineError (no retry), any other failure into a retryable one.
 */
@Injectable()
export class PipelineRunner {
  constructor(private readonly ffmpeg: FfmpegAdapter) {}

  async run(
    name: string,
    input: MediaInput,
    args: FfmpegArgs,
    output: string,
    options: FfmpegRunOptions = {},
  ): Promise<FfmpegRunResult> {
    try {
      return await this.ffmpeg.run(input, args, output, options);
    } catch (error) {
      if (error instanceof FfmpegFailure) {
        const permanent = error.kind === 'failed' && looksLikeCorruptInput(error.stderrTail);
        throw new PipelineError(`${name}: ${error.message}`, permanent);
      }
      throw error;
    }
  }

  /** A run whose ebur128 filter reports a loudness summary; fails when it reports none. */
  async loudness(
    name: string,
    input: MediaInput,
    args: FfmpegArgs,
    output = '-',
    options: FfmpegRunOptions = {},
  ): Promise<{ summary: LoudnessSummary; outTimeS: number; outBytes: number }> {
    const lines: string[] = [];
    const result = await this.run(name, input, args, output, {
      ...options,
      onStderrLine: (line) => {
        options.onStderrLine?.(line);
        lines.push(line);
        if (lines.length > LOG_TAIL_LINES) lines.shift();
      },
    });
    const summary = parseEbur128Summary(lines.join('\n'));
    if (!summary) throw new PipelineError(`${name}: ffmpeg gave no loudness measurement`, false);
    return { summary, outTimeS: result.outTimeS, outBytes: result.outBytes };
  }
}
