import { Injectable } from '@nestjs/common';
import { PassThrough, Readable } from 'node:stream';
import { together } from '../common/together';
import { looksLikeCorruptInput } from './audio-inspection';
import { FfmpegArgs, MediaInput, pipedMp3 } from './ffmpeg-args';
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
    const { stderr, outTimeS, outBytes } = await this.runKeepingLog(
      name,
      input,
      args,
      output,
      options,
    );
    const summary = parseEbur128Summary(stderr);
    if (!summary) throw new PipelineError(`${name}: ffmpeg gave no loudness measurement`, false);
    return { summary, outTimeS, outBytes };
  }

  /**
   * A run with several named ebur128 meters (`ebur128@<name>`); fails when one of them reports
   * no summary.
   */
  async meters<M extends string>(
    name: string,
    input: MediaInput,
    args: FfmpegArgs,
    meters: readonly M[],
    output = '-',
    options: FfmpegRunOptions = {},
  ): Promise<{ summaries: Record<M, LoudnessSummary>; outTimeS: number; outBytes: number }> {
    const { stderr, outTimeS, outBytes } = await this.runKeepingLog(
      name,
      input,
      args,
      output,
      options,
    );
    const summaries = {} as Record<M, LoudnessSummary>;
    for (const meter of meters) {
      const summary = parseEbur128Summary(stderr, meter);
      if (!summary) {
        throw new PipelineError(`${name}: ffmpeg gave no loudness measurement for ${meter}`, false);
      }
      summaries[meter] = summary;
    }
    return { summaries, outTimeS, outBytes };
  }

  /**
   * An encoding run and the measurement of what it encodes, at once: `produce` starts a run that
   * writes an MP3 to its side output (`SIDE_OUTPUT`), and a second ffmpeg decodes and measures that
   * MP3 (`measure`, one ebur128) as it comes, so measuring the encoded audio costs no pass of its
   * own. When either fails the other is stopped; the first failure is the one reported.
   */
  async withMeasuredMp3<T>(
    name: string,
    measure: FfmpegArgs,
    signal: AbortSignal | undefined,
    produce: (side: {
      signal: AbortSignal;
      onSideOutput: (stream: Readable) => void;
    }) => Promise<T>,
  ): Promise<{ produced: T; mp3: { summary: LoudnessSummary; outTimeS: number } }> {
    const encoded = new PassThrough();
    try {
      const [produced, mp3] = await together(
        [
          (both) => produce({ signal: both, onSideOutput: (stream) => stream.pipe(encoded) }),
          (both) =>
            this.loudness(`${name}: measuring the MP3`, pipedMp3(), measure, '-', {
              signal: both,
              stdinFrom: encoded,
            }),
        ],
        signal,
      );
      return { produced, mp3: { summary: mp3.summary, outTimeS: mp3.outTimeS } };
    } finally {
      encoded.destroy();
    }
  }

  private async runKeepingLog(
    name: string,
    input: MediaInput,
    args: FfmpegArgs,
    output: string,
    options: FfmpegRunOptions,
  ): Promise<{ stderr: string; outTimeS: number; outBytes: number }> {
    const lines: string[] = [];
    const result = await this.run(name, input, args, output, {
      ...options,
      onStderrLine: (line) => {
        options.onStderrLine?.(line);
        lines.push(line);
        if (lines.length > LOG_TAIL_LINES) lines.shift();
      },
    });
    return { stderr: lines.join('\n'), outTimeS: result.outTimeS, outBytes: result.outBytes };
  }
}
