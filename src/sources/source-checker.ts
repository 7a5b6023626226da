import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { FfmpegBinaries } from '../media/ffmpeg-binaries';
import { ProcessRunner } from '../media/process-runner';
import {
  CHECK_SECONDS,
  loudnessStreamArgs,
  parseLoudness,
  parseProbe,
  probeStreamArgs,
  SourceCheckResult,
} from './source-check';

/** Checks one stream URL with ffprobe and ffmpeg, every process killed at the timeout. */
@Injectable()
export class SourceChecker {
  constructor(
    private readonly binaries: FfmpegBinaries,
    private readonly runner: ProcessRunner,
    private readonly clock: Clock,
  ) {}

  static unreachable(url: string, error: string): SourceCheckResult {
    return {
      url,
      reachable: false,
      codec: null,
      sampleRate: null,
      channels: null,
      loudnessLufs: null,
      error,
    };
  }

  async check(url: string, timeoutMs: number): Promise<SourceCheckResult> {
    const deadline = this.clock.nowMs() + timeoutMs;
    const timeoutText = `no answer within ${Math.round(timeoutMs / 1000)} s`;
    let json = '';
    const probe = await this.runner.run({
      command: this.binaries.ffprobePath,
      args: probeStreamArgs(url),
      timeoutMs,
      onStdoutLine: (line) => (json += line),
    });
    if (probe.timedOut) return SourceChecker.unreachable(url, `Timed out: ${timeoutText}`);
    const stream = probe.exitCode === 0 ? parseProbe(json) : null;
    if (!stream) {
      const why = probe.stderrTail.join(' ').trim() || 'no audio stream';
      return SourceChecker.unreachable(url, why.slice(0, 500));
    }
    const stderr: string[] = [];
    const measure = await this.runner.run({
      command: this.binaries.ffmpegPath,
      args: loudnessStreamArgs(url),
      timeoutMs: Math.max(1000, deadline - this.clock.nowMs()),
      onStderrLine: (line) => stderr.push(line),
    });
    const loudnessLufs = parseLoudness(stderr.join('\n'));
    const error = measure.timedOut
      ? `Timed out before ${CHECK_SECONDS} s of audio were measured: ${timeoutText}`
      : loudnessLufs === null
        ? (measure.stderrTail.join(' ').trim() || 'no loudness measured').slice(0, 500)
        : null;
    return { url, reachable: true, ...stream, loudnessLufs, error };
  }
}
