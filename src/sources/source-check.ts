import { parseEbur128Summary } from '../media/loudness';
import { SourceCheckResult } from './source.view';

export { SourceCheckResult };

/** How much of a stream a check measures. */
export const CHECK_SECONDS = 10;
/**
 * The stream's bytes arrive on standard input, pulled in Node with the URL rules on every
 * connection (`pullSource`): ffmpeg and ffprobe may open nothing else.
 */
const PIPE_ONLY = ['-protocol_whitelist', 'pipe'];
const PIPED_INPUT = 'pipe:0';

/** ffprobe of the piped stream's first audio stream, as JSON. */
export function probeStreamArgs(): string[] {
  return [
    '-v',
    'error',
    ...PIPE_ONLY,
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=codec_name,sample_rate,channels',
    '-of',
    'json',
    PIPED_INPUT,
  ];
}

/** 10 s of the piped stream through `ebur128` (its summary on stderr, no per-frame lines). */
export function loudnessStreamArgs(): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-nostdin',
    '-loglevel',
    'info',
    ...PIPE_ONLY,
    '-t',
    String(CHECK_SECONDS),
    '-i',
    PIPED_INPUT,
    '-vn',
    '-map',
    '0:a:0',
    '-af',
    'ebur128=framelog=verbose',
    '-f',
    'null',
    '-',
  ];
}

export interface ProbedStream {
  codec: string | null;
  sampleRate: number | null;
  channels: number | null;
}

/** ffprobe's JSON, or null when it names no audio stream. */
export function parseProbe(json: string): ProbedStream | null {
  try {
    const parsed = JSON.parse(json) as {
      streams?: { codec_name?: string; sample_rate?: string; channels?: number }[];
    };
    const stream = parsed.streams?.[0];
    if (!stream) return null;
    return {
      codec: stream.codec_name ?? null,
      sampleRate: stream.sample_rate ? Number(stream.sample_rate) : null,
      channels: stream.channels ?? null,
    };
  } catch {
    return null;
  }
}

/** The integrated loudness of what was measured, from ffmpeg's stderr; null when none. */
export function parseLoudness(stderr: string): number | null {
  const summary = parseEbur128Summary(stderr);
  return summary && Number.isFinite(summary.integratedLufs) ? summary.integratedLufs : null;
}
