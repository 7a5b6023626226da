import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
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
import type { StreamRules } from './pinned-stream';
import { streamRulesOf } from './pinned-stream-puller';
import { pullSource } from './source-pull';

/** The check's pull gives up on a stream that sends nothing this long. */
const CHECK_IDLE_MS = 5000;

/**
 * Checks one stream URL with ffprobe and ffmpeg, every process killed at the timeout. Node pulls
 * the stream (`pullSource`: the address resolved once, checked and connected to; every redirect
 * and HLS segment checked) and pipes it in, once for the probe and once for the loudness.
 */
@Injectable()
export class SourceChecker {
  private readonly rules: StreamRules;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly binaries: FfmpegBinaries,
    private readonly runner: ProcessRunner,
    private readonly clock: Clock,
  ) {
    this.rules = streamRulesOf(config);
  }

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
    let pullError: string | null = null;
    const pulled = () => {
      return pullSource(url, this.rules, CHECK_IDLE_MS, (error) => (pullError ??= error.message));
    };
    const forProbe = pulled();
    const probe = await this.runner
      .run({
        command: this.binaries.ffprobePath,
        args: probeStreamArgs(),
        timeoutMs,
        stdinFrom: forProbe.audio,
        onStdoutLine: (line) => (json += line),
      })
      .finally(() => forProbe.stop());
    if (probe.timedOut) return SourceChecker.unreachable(url, `Timed out: ${timeoutText}`);
    const stream = probe.exitCode === 0 ? parseProbe(json) : null;
    if (!stream) {
      const why = pullError ?? (probe.stderrTail.join(' ').trim() || 'no audio stream');
      return SourceChecker.unreachable(url, why.slice(0, 500));
    }
    const stderr: string[] = [];
    const forMeasure = pulled();
    const measure = await this.runner
      .run({
        command: this.binaries.ffmpegPath,
        args: loudnessStreamArgs(),
        timeoutMs: Math.max(1000, deadline - this.clock.nowMs()),
        stdinFrom: forMeasure.audio,
        onStderrLine: (line) => stderr.push(line),
      })
      .finally(() => forMeasure.stop());
    const loudnessLufs = parseLoudness(stderr.join('\n'));
    const error = measure.timedOut
      ? `Timed out before ${CHECK_SECONDS} s of audio were measured: ${timeoutText}`
      : loudnessLufs === null
        ? (measure.stderrTail.join(' ').trim() || 'no loudness measured').slice(0, 500)
        : null;
    return { url, reachable: true, ...stream, loudnessLufs, error };
  }
}
