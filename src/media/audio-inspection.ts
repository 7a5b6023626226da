/**
 * Deciding whether an upload is audio the pipeline can process, from ffprobe's JSON and a full
 * decode. Pure functions; the adapter runs the tools.
 */

export interface ProbedAudio {
  formatName: string;
  codec: string;
  channels: number;
  sampleRate: number;
  /** The duration the container or stream header declares, when it declares one. */
  declaredDurationS: number | null;
}

export type RejectionReason =
  'empty' | 'not-audio' | 'no-audio-stream' | 'truncated' | 'corrupt' | 'too-short' | 'too-long';

/** Why an upload is refused, in words a user can act on. */
export interface Rejection {
  reason: RejectionReason;
  message: string;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

function positiveNumber(value: string | number | undefined): number | null {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : null;
}

/** The first audio stream of a probe, or a rejection. */
export function readProbe(json: string): ProbedAudio | Rejection {
  let output: FfprobeOutput;
  try {
    output = JSON.parse(json) as FfprobeOutput;
  } catch {
    return notAudio();
  }
  if (!output.format?.format_name) return notAudio();
  const audio = (output.streams ?? []).find((stream) => stream.codec_type === 'audio');
  if (!audio) {
    return {
      reason: 'no-audio-stream',
      message: `The file is ${output.format.format_name} but holds no audio stream`,
    };
  }
  const channels = positiveNumber(audio.channels);
  const sampleRate = positiveNumber(audio.sample_rate);
  if (!audio.codec_name || channels === null || sampleRate === null) {
    return {
      reason: 'corrupt',
      message: 'The audio stream has no usable codec, channel count or sample rate',
    };
  }
  return {
    formatName: output.format.format_name,
    codec: audio.codec_name,
    channels,
    sampleRate,
    declaredDurationS: positiveNumber(audio.duration) ?? positiveNumber(output.format.duration),
  };
}

export function notAudio(): Rejection {
  return {
    reason: 'not-audio',
    message: 'The file is not audio: ffprobe recognises no audio format in its content',
  };
}

/** The content is none of the accepted recording containers (a playlist, a script, text…). */
export function unsupportedContainer(): Rejection {
  return {
    reason: 'not-audio',
    message:
      'The file is not audio in an accepted format: its content is none of WAV, AIFF, MP3, FLAC, Ogg, MP4/M4A/MOV, Matroska/WebM, AAC, AMR or WMA',
  };
}

/**
 * Refuses a recording longer than `maxS` seconds: from the probe's declared duration before any
 * decoding, and from the decoded length (which a decode capped just past `maxS` cannot exceed by
 * much) when the header said less.
 */
export function durationRejection(
  seconds: number | null,
  maxS: number,
  decoded = false,
): Rejection | null {
  if (seconds === null || seconds <= maxS) return null;
  const limit = formatDuration(maxS);
  return {
    reason: 'too-long',
    message: decoded
      ? `The recording decodes to more than ${limit} (its header says otherwise); at most ${limit} is accepted`
      : `The recording is ${formatDuration(seconds)} long; at most ${limit} is accepted`,
  };
}

/** 7200 → "2 h", 5400 → "1 h 30 min", 90 → "1 min 30 s". */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const parts: string[] = [];
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  if (rest > 0 || parts.length === 0) parts.push(`${rest} s`);
  return parts.join(' ');
}

export function isRejection(value: ProbedAudio | Rejection): value is Rejection {
  return 'reason' in value;
}

export interface DecodeOutcome {
  exitCode: number | null;
  /** Seconds of audio the decoder produced. */
  decodedS: number;
  /** Error lines the decoder logged (with `-v error`). */
  errors: string[];
}

/** Shorter than this, loudness cannot be measured (EBU R128 gates 400 ms blocks). */
export const MIN_DURATION_S = 0.5;

/**
 * The decoded length falls short of the declared one by more than this share (and at least half
 * a second): the file ends early.
 */
const TRUNCATION_SHARE = 0.02;

/** Null when the full decode shows a complete, clean recording; otherwise why not. */
export function assessDecode(probe: ProbedAudio, decode: DecodeOutcome): Rejection | null {
  const declared = probe.declaredDurationS;
  if (
    declared !== null &&
    decode.decodedS < declared * (1 - TRUNCATION_SHARE) &&
    declared - decode.decodedS > 0.5
  ) {
    return {
      reason: 'truncated',
      message: `The file is truncated: its header declares ${declared.toFixed(1)} s of audio but only ${decode.decodedS.toFixed(1)} s can be decoded`,
    };
  }
  if (decode.exitCode !== 0 || decode.errors.length > 0) {
    const first = decode.errors[0];
    return {
      reason: 'corrupt',
      message: `The audio cannot be decoded cleanly${first ? `: ${first}` : ''}`,
    };
  }
  if (decode.decodedS < MIN_DURATION_S) {
    return {
      reason: 'too-short',
      message: `The recording is ${decode.decodedS.toFixed(2)} s long; at least ${MIN_DURATION_S} s is needed`,
    };
  }
  return null;
}

/**
 * ffmpeg's error lines without the parts that mean nothing to a user or leak server paths:
 * `[mp3float @ 0x55d2…] ` prefixes and the temporary file name.
 */
export function cleanToolMessage(line: string, path: string): string {
  return line
    .split(path)
    .join('input')
    .replace(/^\[[^\]]*@\s*0x[0-9a-f]+\]\s*/i, '')
    .trim();
}

/**
 * ffmpeg failures that will not go away on a retry: the input itself is broken. Anything else
 * (timeouts, kills, missing binaries, full disks) may be transient.
 */
export function looksLikeCorruptInput(stderrLines: readonly string[]): boolean {
  const corrupt =
    /Invalid data found when processing input|moov atom not found|could not find codec parameters|Error while decoding stream|Header missing|Invalid PCM packet|partial file|does not contain any stream|End of file while parsing/i;
  return stderrLines.some((line) => corrupt.test(line));
}
