import type { FfmpegCommand } from '../playout/sinks/sink-args';
import { LIVE_FRAME } from '../playout/player/live-input';

/**
 * The codec of the live stream to devices: MP3, mono, 64 kb/s — 8 kB/s, which a 3G link
 * carries, and which any box's ffmpeg (or hardware decoder) plays.
 */
export const LIVE_STREAM_CODEC = {
  codec: 'libmp3lame',
  bitrateKbps: 64,
  contentType: 'audio/mpeg',
};

const COMMON = ['-hide_banner', '-nostats', '-loglevel', 'error', '-nostdin'];
const LIVE_PCM = [
  '-f',
  LIVE_FRAME.format,
  '-ar',
  String(LIVE_FRAME.sampleRate),
  '-ac',
  String(LIVE_FRAME.channels),
];

/**
 * The server's encoder of a live session: the speaker's PCM (as the socket brings it) on
 * standard input, MP3 on standard output, each packet written as soon as it is encoded.
 */
export function liveEncoderCommand(): FfmpegCommand {
  return {
    inputOptions: [...COMMON.filter((option) => option !== '-nostdin'), ...LIVE_PCM],
    input: 'pipe:0',
    outputOptions: [
      '-c:a',
      LIVE_STREAM_CODEC.codec,
      '-b:a',
      `${LIVE_STREAM_CODEC.bitrateKbps}k`,
      '-ac',
      '1',
      '-f',
      'mp3',
      '-write_xing',
      '0',
      '-id3v2_version',
      '0',
      '-flush_packets',
      '1',
    ],
    output: 'pipe:1',
  };
}

/** ffmpeg gives the stream up after this long without a byte (microseconds). */
const LIVE_IO_TIMEOUT_US = 5_000_000;

/**
 * A device's decoder of the live stream: MP3 pulled over HTTP with the device's token, to PCM
 * in the live frame's format on standard output. No probing and no input buffer (the format is
 * known), so the first packet is decoded as it arrives: the delay stays the network's.
 */
export function liveDecoderCommand(url: string, apiToken: string): FfmpegCommand {
  return {
    inputOptions: [
      ...COMMON,
      '-protocol_whitelist',
      'http,https,tcp,tls,crypto',
      '-rw_timeout',
      String(LIVE_IO_TIMEOUT_US),
      '-headers',
      `Authorization: Bearer ${apiToken}\r\n`,
      '-fflags',
      'nobuffer',
      '-probesize',
      '4096',
      '-analyzeduration',
      '0',
      '-f',
      'mp3',
    ],
    input: url,
    outputOptions: ['-vn', ...LIVE_PCM],
    output: 'pipe:1',
  };
}
