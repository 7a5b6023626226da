import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpeg } from './media-fixtures';

/**
 * Uploads that are not recordings but make ffprobe/ffmpeg read other files when their own format
 * detection is trusted: playlists, concat scripts, SDP descriptions, and the same hidden behind
 * the first bytes of a real container. Each names `target` (another commune's file).
 */
export function textAttacks(target: string, second: string): { name: string; content: Buffer }[] {
  const playlist = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:10',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXTINF:10.0,',
    target,
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
  const riffHeader = Buffer.concat([
    Buffer.from('RIFF'),
    Buffer.from([0x24, 0x10, 0, 0]),
    Buffer.from('WAVE'),
  ]);
  const id3Header = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
  const oggHeader = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(23)]);
  const ftypHeader = Buffer.concat([
    Buffer.from([0, 0, 0, 0x14]),
    Buffer.from('ftypM4A \0\0\0\0M4A '),
  ]);
  const ebmlHeader = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80]);
  const text = (value: string) => Buffer.from(value, 'utf8');
  return [
    { name: 'an HLS playlist', content: text(playlist) },
    {
      name: 'an HLS playlist with a file:// URL',
      content: text(playlist.replace(target, `file://${target}`)),
    },
    {
      name: 'an HLS playlist naming a concat: URL',
      content: text(playlist.replace(target, `concat:${target}|${second}`)),
    },
    { name: 'an M3U list of plain paths', content: text(`${target}\n${second}\n`) },
    {
      name: 'an ffconcat script',
      content: text(`ffconcat version 1.0\nfile '${target}'\nfile '${second}'\n`),
    },
    { name: 'a concat demuxer script', content: text(`file '${target}'\nfile '${second}'\n`) },
    { name: 'a concat: protocol name', content: text(`concat:${target}|${second}`) },
    {
      name: 'an SDP description',
      content: text(
        'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=loa\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 14\r\na=rtpmap:14 MPA/90000\r\n',
      ),
    },
    {
      name: 'an HLS playlist behind an ID3 tag',
      content: Buffer.concat([id3Header, text(playlist)]),
    },
    {
      name: 'an HLS playlist behind a RIFF/WAVE header',
      content: Buffer.concat([riffHeader, text(playlist)]),
    },
    {
      name: 'an HLS playlist behind an Ogg page header',
      content: Buffer.concat([oggHeader, text(playlist)]),
    },
    {
      name: 'an HLS playlist behind an MP4 ftyp box',
      content: Buffer.concat([ftypHeader, text(playlist)]),
    },
    {
      name: 'an HLS playlist behind a Matroska header',
      content: Buffer.concat([ebmlHeader, text(playlist)]),
    },
  ];
}

const CONTAINER_BOXES = new Set(['moov', 'trak', 'mdia', 'minf', 'dinf']);

function box(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/** A QuickTime alias record (`alis`) whose absolute path is `target`, as ffmpeg's mov demuxer reads it. */
function aliasEntry(target: string): Buffer {
  const fixed = Buffer.alloc(10 + 1 + 27 + 12 + 1 + 63 + 16 + 4 + 16);
  const path = Buffer.from(target, 'latin1');
  const record = Buffer.alloc(4);
  record.writeUInt16BE(2, 0); // absolute path
  record.writeUInt16BE(path.length, 2);
  const padded = path.length % 2 === 1 ? Buffer.concat([path, Buffer.alloc(1)]) : path;
  const end = Buffer.from([0xff, 0xff, 0, 0]);
  return box('alis', Buffer.concat([Buffer.alloc(4), fixed, record, padded, end]));
}

/**
 * An M4A made from `source` whose samples live in another file: its `dref` names `target` by an
 * external alias and its own media data is gone. A demuxer that follows data references plays
 * `target` (when `target` holds the same encoding as `source`, all of it).
 */
export function m4aWithExternalReference(source: string, target: string, output: string): string {
  const rewrite = (data: Buffer, start: number, end: number): Buffer => {
    const parts: Buffer[] = [];
    for (let at = start; at < end;) {
      const size = data.readUInt32BE(at);
      const type = data.toString('latin1', at + 4, at + 8);
      if (CONTAINER_BOXES.has(type)) {
        parts.push(box(type, rewrite(data, at + 8, at + size)));
      } else if (type === 'dref') {
        const versionAndCount = data.subarray(at + 8, at + 16);
        parts.push(box('dref', Buffer.concat([versionAndCount, aliasEntry(target)])));
      } else if (type !== 'mdat') {
        parts.push(data.subarray(at, at + size));
      }
      at += size;
    }
    return Buffer.concat(parts);
  };
  const data = readFileSync(source);
  writeFileSync(output, rewrite(data, 0, data.length));
  return output;
}

/** An AAC M4A with its index in front (so sample offsets do not depend on the index's size). */
export async function toneM4a(dir: string, name: string, seconds: number): Promise<string> {
  const path = join(dir, name);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=520:sample_rate=44100:duration=${seconds}`,
    '-af',
    'volume=-12dB',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-movflags',
    '+faststart',
    path,
  ]);
  return path;
}

/**
 * An MP3 of `actualS` seconds whose Info/Xing header claims a tenth of it: ffprobe reports the
 * header's duration, only decoding shows the truth.
 */
export async function mp3LyingAboutDuration(dir: string, actualS: number): Promise<string> {
  const honest = join(dir, 'honest-long.mp3');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=330:sample_rate=44100:duration=${actualS}`,
    '-af',
    'volume=-10dB',
    '-ac',
    '1',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '32k',
    honest,
  ]);
  const data = readFileSync(honest);
  const tag = Math.max(data.indexOf('Info'), data.indexOf('Xing'));
  if (tag < 0) throw new Error('The encoder wrote no Info/Xing header');
  const frames = data.readUInt32BE(tag + 8);
  data.writeUInt32BE(Math.floor(frames / 10), tag + 8);
  const path = join(dir, 'claims-short.mp3');
  writeFileSync(path, data);
  return path;
}
