import { Inject, Injectable } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import { Readable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  FfmpegArgs,
  inputGuardOptions,
  inputUrl,
  MediaInput,
  floatWavBytes,
  OutputLimits,
  outputLimitOptions,
  probeArgs,
} from './ffmpeg-args';
import { FfmpegBinaries } from './ffmpeg-binaries';
import { parseProgressLine, parseProgressSize } from './ffmpeg-progress';
import { ProcessOutcome, ProcessRunner } from './process-runner';

export type FfmpegFailureKind = 'failed' | 'timeout' | 'aborted';

/** An ffmpeg or ffprobe run that did not succeed; `stderrTail` says why. */
export class FfmpegFailure extends Error {
  constructor(
    readonly kind: FfmpegFailureKind,
    message: string,
    readonly stderrTail: string[],
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'FfmpegFailure';
  }
}

export interface FfmpegRunOptions {
  signal?: AbortSignal;
  /** Seconds of output written so far, from `-progress`. */
  onProgress?: (outTimeS: number) => void;
  /** Every stderr line (ebur128 writes its measurements there). */
  onStderrLine?: (line: string) => void;
  /** Accept a non-zero exit (the decode check judges the errors itself). */
  allowFailure?: boolean;
  /** Tighter bounds than the adapter's own (every run is bounded by MEDIA_MAX_DURATION_SECONDS). */
  limits?: OutputLimits;
  /** Standard input of a `pipe` input (another ffmpeg's side output). */
  stdinFrom?: Readable;
  /** What ffmpeg writes to `SIDE_OUTPUT` (file descriptor 3). */
  onSideOutput?: (stream: Readable) => void;
}

export interface FfmpegRunResult {
  exitCode: number | null;
  /** Output duration at the end, from `-progress` (0 when nothing was written). */
  outTimeS: number;
  /** Bytes written to the output, from `-progress` (0 for none or no file). */
  outBytes: number;
  stderrTail: string[];
}

/** ffprobe gets at most this long, however long the configured ffmpeg timeout is. */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * The one door to ffmpeg and ffprobe.
 *
 * fluent-ffmpeg (the user's choice) composes the command line: inputs, input options, output
 * options and output in the right order. It does not start the process, because it cannot do what
 * the pipeline needs: it spawns with fixed options (no `detached`), so its process cannot get a
 * process group of its own and cannot be killed as a group (`kill(-pid)`), and its `ffprobe()`
 * returns no handle to kill at all (a hung ffprobe would stay forever). Its progress events parse
 * the human-readable stats line against the input duration, which is wrong once the audio is
 * trimmed. So the arguments it builds are run by `ProcessRunner` (own process group, timeout,
 * SIGKILL on timeout, job cancel and shutdown), and progress comes from `-progress pipe:1`.
 */
@Injectable()
export class FfmpegAdapter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly binaries: FfmpegBinaries,
    private readonly runner: ProcessRunner,
  ) {}

  /**
   * Bounds of every run: the longest recording accepted (with a second of margin) and the largest
   * file the pipeline writes for it (its analysed audio, float WAV). The pass over an original
   * sets tighter ones (its own length and channels).
   */
  defaultLimits(): OutputLimits {
    const maxSeconds = this.config.audio.maxDurationSeconds + 1;
    return { maxSeconds, maxBytes: floatWavBytes(maxSeconds, 2, 48000) };
  }

  /**
   * The full ffmpeg command line for one input and one output (`-` for no file). Every input is
   * opened with its demuxer forced and the `file` protocol only; every output is bounded in
   * duration and size.
   */
  commandLine(
    input: MediaInput,
    args: FfmpegArgs,
    output: string,
    limits: OutputLimits = this.defaultLimits(),
  ): string[] {
    const timeLimitS = Math.ceil(this.config.ffmpeg.timeoutMs / 1000);
    const url = inputUrl(input.path, input.protocol);
    const guard = inputGuardOptions(input.demuxer, input.protocol);
    const command = ffmpeg()
      .input(url)
      .inputOptions([
        '-hide_banner',
        '-nostdin',
        '-nostats',
        // A backstop in CPU seconds: an ffmpeg orphaned by a killed worker still stops.
        '-timelimit',
        String(timeLimitS),
        ...guard,
        ...args.inputOptions,
      ]);
    for (const options of args.moreInputs ?? []) {
      command.input(url).inputOptions([...guard, ...options]);
    }
    command
      .output(output)
      .outputOptions(['-progress', 'pipe:1', ...args.outputOptions, ...outputLimitOptions(limits)]);
    return command._getArguments();
  }

  async run(
    input: MediaInput,
    args: FfmpegArgs,
    output: string,
    options: FfmpegRunOptions = {},
  ): Promise<FfmpegRunResult> {
    let outTimeS = 0;
    let outBytes = 0;
    const outcome = await this.runner.run({
      command: this.binaries.ffmpegPath,
      args: this.commandLine(input, args, output, options.limits ?? this.defaultLimits()),
      timeoutMs: this.config.ffmpeg.timeoutMs,
      signal: options.signal,
      onStdoutLine: (line) => {
        outBytes = parseProgressSize(line) ?? outBytes;
        const update = parseProgressLine(line);
        if (update && !update.done) {
          outTimeS = update.outTimeS;
          options.onProgress?.(outTimeS);
        }
      },
      onStderrLine: options.onStderrLine,
      stdinFrom: options.stdinFrom,
      onSideOutput: options.onSideOutput,
    });
    this.assertFinished('ffmpeg', outcome, this.config.ffmpeg.timeoutMs, options.allowFailure);
    return { exitCode: outcome.exitCode, outTimeS, outBytes, stderrTail: outcome.stderrTail };
  }

  /** ffprobe's JSON description of a file (format and streams), read by its one demuxer. */
  async probe(
    input: MediaInput,
    signal?: AbortSignal,
  ): Promise<{ json: string; exitCode: number | null }> {
    const timeoutMs = Math.min(PROBE_TIMEOUT_MS, this.config.ffmpeg.timeoutMs);
    const lines: string[] = [];
    const outcome = await this.runner.run({
      command: this.binaries.ffprobePath,
      args: probeArgs(input),
      timeoutMs,
      signal,
      onStdoutLine: (line) => lines.push(line),
    });
    this.assertFinished('ffprobe', outcome, timeoutMs, true);
    return { json: lines.join('\n'), exitCode: outcome.exitCode };
  }

  private assertFinished(
    tool: string,
    outcome: ProcessOutcome,
    timeoutMs: number,
    allowFailure = false,
  ): void {
    if (outcome.aborted) {
      throw new FfmpegFailure('aborted', `${tool} was stopped`, outcome.stderrTail, null);
    }
    if (outcome.timedOut) {
      throw new FfmpegFailure(
        'timeout',
        `${tool} ran longer than ${Math.round(timeoutMs / 1000)} s and was killed`,
        outcome.stderrTail,
        null,
      );
    }
    if (outcome.signal !== null) {
      throw new FfmpegFailure(
        'failed',
        `${tool} was killed by ${outcome.signal}`,
        outcome.stderrTail,
        null,
      );
    }
    if (outcome.exitCode !== 0 && !allowFailure) {
      const last = outcome.stderrTail
        .filter((line) => line.trim() !== '')
        .slice(-3)
        .join(' | ');
      throw new FfmpegFailure(
        'failed',
        `${tool} exited with code ${outcome.exitCode}${last ? `: ${last}` : ''}`,
        outcome.stderrTail,
        outcome.exitCode,
      );
    }
  }
}
