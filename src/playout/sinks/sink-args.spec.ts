import { parseSinkByCommune } from '../../config/load-config';
import {
  commandArgs,
  decoderCommand,
  icecastUrlFor,
  parseDeviceSpec,
  sinkCommand,
  streamDecoderCommand,
} from './sink-args';
import { archivePath } from './sink-targets';

const RAW_INPUT = ['-f', 's16le', '-ar', '48000', '-ac', '2', '-i', 'pipe:0'];

describe('sink arguments', () => {
  it('decodes a rendition to raw PCM on stdout, never reading stdin', () => {
    const args = commandArgs(decoderCommand('/media/renditions/a.mp3'));
    expect(args).toEqual([
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'error',
      '-nostdin',
      '-i',
      '/media/renditions/a.mp3',
      '-vn',
      '-map',
      '0:a:0',
      '-f',
      's16le',
      '-ar',
      '48000',
      '-ac',
      '2',
      '-y',
      'pipe:1',
    ]);
  });

  it('decodes a relay stream with network protocols only and an I/O timeout', () => {
    const args = commandArgs(streamDecoderCommand('https://stream.vov.vn/vov1.m3u8'));
    expect(args.slice(0, args.indexOf('-i'))).toEqual([
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'error',
      '-nostdin',
      '-protocol_whitelist',
      'http,https,tcp,tls,crypto',
      '-rw_timeout',
      '5000000',
    ]);
    expect(args.slice(args.indexOf('-i'))).toEqual([
      '-i',
      'https://stream.vov.vn/vov1.m3u8',
      ...['-vn', '-map', '0:a:0', '-f', 's16le', '-ar', '48000', '-ac', '2', '-y', 'pipe:1'],
    ]);
  });

  it('feeds every sink raw PCM from stdin', () => {
    for (const target of [
      { kind: 'null' as const },
      { kind: 'file' as const, path: '/a/b.mp3' },
      { kind: 'device' as const, driver: 'alsa' as const, device: 'default', streamName: 'x' },
      { kind: 'icecast' as const, url: 'icecast://s:p@h:8000/m', name: 'n', bitrateKbps: 96 },
    ]) {
      const args = commandArgs(sinkCommand(target));
      expect(args.join(' ')).toContain(RAW_INPUT.join(' '));
      expect(args).not.toContain('-nostdin');
      expect(args).not.toContain('-re');
    }
  });

  it('builds the null, file, ALSA, PulseAudio and Icecast outputs', () => {
    const tail = (args: string[]) => args.slice(args.indexOf('pipe:0') + 1);
    expect(tail(commandArgs(sinkCommand({ kind: 'null' })))).toEqual(['-f', 'null', '-y', '-']);
    expect(tail(commandArgs(sinkCommand({ kind: 'file', path: '/archive/x.mp3' })))).toEqual([
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      '-f',
      'mp3',
      '-flush_packets',
      '1',
      '-y',
      '/archive/x.mp3',
    ]);
    expect(
      tail(
        commandArgs(
          sinkCommand({ kind: 'device', driver: 'alsa', device: 'hw:1,0', streamName: 'Loa' }),
        ),
      ),
    ).toEqual(['-f', 'alsa', '-y', 'hw:1,0']);
    expect(
      tail(
        commandArgs(
          sinkCommand({
            kind: 'device',
            driver: 'alsa',
            device: 'default',
            streamName: 'Loa',
            volume: 40,
          }),
        ),
      ),
    ).toEqual(['-af', 'volume=0.40', '-f', 'alsa', '-y', 'default']);
    expect(
      tail(
        commandArgs(
          sinkCommand({
            kind: 'device',
            driver: 'pulse',
            device: 'alsa_output.usb',
            streamName: 'Loa xã 14797',
          }),
        ),
      ),
    ).toEqual(['-f', 'pulse', '-device', 'alsa_output.usb', '-y', 'Loa xã 14797']);
    expect(
      tail(
        commandArgs(
          sinkCommand({
            kind: 'icecast',
            url: 'icecast://source:pw@127.0.0.1:8000/14797.mp3',
            name: 'Đài truyền thanh 14797',
            bitrateKbps: 96,
          }),
        ),
      ),
    ).toEqual([
      '-c:a',
      'libmp3lame',
      '-b:a',
      '96k',
      '-f',
      'mp3',
      '-content_type',
      'audio/mpeg',
      '-ice_name',
      'Đài truyền thanh 14797',
      '-y',
      'icecast://source:pw@127.0.0.1:8000/14797.mp3',
    ]);
  });

  it('reads PLAYOUT_DEVICE and PLAYOUT_ICECAST_URL', () => {
    expect(parseDeviceSpec('alsa:hw:1,0')).toEqual({ driver: 'alsa', device: 'hw:1,0' });
    expect(parseDeviceSpec('pulse:default')).toEqual({ driver: 'pulse', device: 'default' });
    expect(() => parseDeviceSpec('oss:/dev/dsp')).toThrow('PLAYOUT_DEVICE');
    expect(icecastUrlFor('icecast://s:p@h:8000/{commune}.mp3', '14797')).toBe(
      'icecast://s:p@h:8000/14797.mp3',
    );
    expect(() => icecastUrlFor('http://h/x', '14797')).toThrow('PLAYOUT_ICECAST_URL');
  });

  it('reads PLAYOUT_SINK_BY_COMMUNE', () => {
    expect([...parseSinkByCommune(' 14797=file, 14758 = device ')]).toEqual([
      ['14797', 'file'],
      ['14758', 'device'],
    ]);
    expect(parseSinkByCommune('').size).toBe(0);
    expect(() => parseSinkByCommune('14797=radio')).toThrow('PLAYOUT_SINK_BY_COMMUNE');
    expect(() => parseSinkByCommune('1479=file')).toThrow('PLAYOUT_SINK_BY_COMMUNE');
  });

  it('files the archive by local date, commune and local time', () => {
    expect(archivePath('/archive', '14797', new Date('2025-10-01T22:30:05.250Z'), 'item-1')).toBe(
      '/archive/2025-10-02/14797/053005.250-item-1.mp3',
    );
  });
});
