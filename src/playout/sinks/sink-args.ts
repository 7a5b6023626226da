import { PCM } from '../player/pcm';

/** An ffmpeg command line in its three parts, built without running anything. */
export interface FfmpegCommand {
  inputOptions: string[];
  input: string;
  outputOptions: string[];
  output: string;
}

/** Where a commune's audio goes (PLAYOUT_SINK, or PLAYOUT_SINK_BY_COMMUNE for one commune). */
export type SinkTarget =
  | { kind: 'null' }
  | { kind: 'file'; path: string }
  | {
      kind: 'device';
      driver: 'alsa' | 'pulse';
      device: string;
      streamName: string;
      /** Output volume in percent (a cluster's `volume` command); absent: as the audio is. */
      volume?: number;
    }
  | { kind: 'icecast'; url: string; name: string; bitrateKbps: number };

const COMMON = ['-hide_banner', '-nostats', '-loglevel', 'error'];
const RAW_PCM = ['-f', PCM.format, '-ar', String(PCM.sampleRate), '-ac', String(PCM.channels)];

/** Decodes a rendition to raw PCM on standard output, as fast as the player reads it. */
export function decoderCommand(renditionPath: string): FfmpegCommand {
  return {
    inputOptions: [...COMMON, '-nostdin'],
    input: renditionPath,
    outputOptions: ['-vn', '-map', '0:a:0', ...RAW_PCM],
    output: 'pipe:1',
  };
}

/** A stream that sends nothing for this long is given up by ffmpeg itself (microseconds). */
const STREAM_IO_TIMEOUT_US = 5_000_000;

/**
 * Decodes a relay's stream (HTTP/Icecast or HLS) to raw PCM on standard output, at the pace the
 * stream sends it. Only network protocols: an HLS playlist cannot make ffmpeg read a local file.
 */
export function streamDecoderCommand(url: string): FfmpegCommand {
  return {
    inputOptions: [
      ...COMMON,
      '-nostdin',
      '-protocol_whitelist',
      'http,https,tcp,tls,crypto',
      '-rw_timeout',
      String(STREAM_IO_TIMEOUT_US),
    ],
    input: url,
    outputOptions: ['-vn', '-map', '0:a:0', ...RAW_PCM],
    output: 'pipe:1',
  };
}

/**
 * Takes raw PCM on standard input (written by the player in real time) to the sink. The process
 * is started before the item and waits on its input, so its start-up is not in the start error.
 */
export function sinkCommand(target: SinkTarget): FfmpegCommand {
  const input = { inputOptions: [...COMMON, ...RAW_PCM], input: 'pipe:0' };
  switch (target.kind) {
    case 'null':
      // Decodes and discards: the timing and the process are real, nothing is heard.
      return { ...input, outputOptions: ['-f', 'null'], output: '-' };
    case 'file':
      return {
        ...input,
        outputOptions: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', '-flush_packets', '1'],
        output: target.path,
      };
    case 'device': {
      const gain =
        target.volume === undefined || target.volume === 100
          ? []
          : ['-af', `volume=${(target.volume / 100).toFixed(2)}`];
      return target.driver === 'pulse'
        ? {
            ...input,
            outputOptions: [...gain, '-f', 'pulse', '-device', target.device],
            output: target.streamName,
          }
        : { ...input, outputOptions: [...gain, '-f', 'alsa'], output: target.device };
    }
    case 'icecast':
      return {
        ...input,
        outputOptions: [
          '-c:a',
          'libmp3lame',
          '-b:a',
          `${target.bitrateKbps}k`,
          '-f',
          'mp3',
          '-content_type',
          'audio/mpeg',
          '-ice_name',
          target.name,
        ],
        output: target.url,
      };
  }
}

/** The argument vector for `ffmpeg`. */
export function commandArgs(command: FfmpegCommand): string[] {
  return [
    ...command.inputOptions,
    '-i',
    command.input,
    ...command.outputOptions,
    '-y',
    command.output,
  ];
}

/** `alsa:default`, `alsa:hw:1,0`, `pulse:alsa_output.usb-…` → driver and device. */
export function parseDeviceSpec(spec: string): { driver: 'alsa' | 'pulse'; device: string } {
  const match = /^(alsa|pulse):(.+)$/.exec(spec.trim());
  if (!match)
    throw new Error(`PLAYOUT_DEVICE must be alsa:<device> or pulse:<device>, got "${spec}"`);
  return { driver: match[1] as 'alsa' | 'pulse', device: match[2] };
}

/** The Icecast URL of a commune: `{commune}` in PLAYOUT_ICECAST_URL becomes its code. */
export function icecastUrlFor(template: string, communeCode: string): string {
  const url = template.split('{commune}').join(communeCode);
  if (!/^icecast:\/\/[^/]+\/.+/.test(url)) {
    throw new Error(
      `PLAYOUT_ICECAST_URL must look like icecast://user:pass@host:port/mount, got "${template}"`,
    );
  }
  return url;
}
