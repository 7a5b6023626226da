import { id3TagLength, identifyContainer, sniffContainer } from './audio-container';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((part) =>
      typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part),
    ),
  );

const ZEROS = new Array<number>(48).fill(0);

describe('sniffContainer', () => {
  it.each([
    ['wav', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ', ZEROS)],
    ['wav', bytes('RF64', [0xff, 0xff, 0xff, 0xff], 'WAVEds64', ZEROS)],
    ['aiff', bytes('FORM', [0, 0, 0, 0], 'AIFFCOMM', ZEROS)],
    ['flac', bytes('fLaC', ZEROS)],
    ['ogg', bytes('OggS', ZEROS)],
    ['matroska', bytes([0x1a, 0x45, 0xdf, 0xa3], ZEROS)],
    [
      'asf',
      bytes(
        [
          0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce,
          0x6c,
        ],
        ZEROS,
      ),
    ],
    ['amr', bytes('#!AMR\n', ZEROS)],
    ['mov', bytes([0, 0, 0, 0x20], 'ftypM4A ', ZEROS)],
    ['aac', bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc], ZEROS)],
    ['mp3', bytes([0xff, 0xfb, 0x90, 0x64], ZEROS)],
  ])('knows %s by its first bytes', (demuxer, head) => {
    expect(sniffContainer(head)).toBe(demuxer);
  });

  it.each([
    ['an HLS playlist', '#EXTM3U\n#EXTINF:10,\n/media/renditions/x.mp3\n'],
    ['an ffconcat script', 'ffconcat version 1.0\nfile /media/renditions/x.mp3\n'],
    ['a concat demuxer script', "file '/media/renditions/x.mp3'\n"],
    ['an SDP description', 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\nm=audio 5004 RTP/AVP 0\r\n'],
    ['a concat: protocol name', 'concat:/media/renditions/a.mp3|/media/renditions/b.mp3'],
    ['text', 'Đây không phải là tệp âm thanh'],
    ['too little', 'RIF'],
  ])('refuses %s', (_name, text) => {
    expect(sniffContainer(Buffer.from(text, 'utf8'))).toBeNull();
  });

  it('does not take an invalid MPEG frame header for MP3', () => {
    // Reserved version, then bitrate index 15.
    expect(sniffContainer(bytes([0xff, 0xeb, 0x90, 0x64], ZEROS))).toBeNull();
    expect(sniffContainer(bytes([0xff, 0xfb, 0xf0, 0x64], ZEROS))).toBeNull();
  });
});

describe('identifyContainer', () => {
  const id3 = (body: number, rest: Buffer): Buffer =>
    Buffer.concat([
      bytes('ID3', [4, 0, 0, 0, 0, (body >> 7) & 0x7f, body & 0x7f]),
      Buffer.alloc(body),
      rest,
    ]);

  it('measures an ID3 tag (sync-safe size, optional footer)', () => {
    expect(id3TagLength(bytes('ID3', [4, 0, 0, 0, 0, 1, 0], ZEROS))).toBe(10 + 128);
    expect(id3TagLength(bytes('ID3', [4, 0, 0x10, 0, 0, 0, 5], ZEROS))).toBe(10 + 5 + 10);
    expect(id3TagLength(bytes('RIFF', ZEROS))).toBe(0);
  });

  it('looks past an ID3 tag, reading further when the tag is longer than the head', async () => {
    const file = id3(300, bytes([0xff, 0xfb, 0x90, 0x64], ZEROS));
    const readAt = (offset: number) => Promise.resolve(file.subarray(offset, offset + 64));
    expect(await identifyContainer(file.subarray(0, 64), readAt)).toBe('mp3');
  });

  it('refuses a playlist or a container hidden behind an ID3 tag', async () => {
    for (const inner of [
      bytes('#EXTM3U\n/media/x.mp3\n', ZEROS),
      bytes([0, 0, 0, 0x20], 'ftypM4A ', ZEROS),
    ]) {
      const file = id3(20, inner);
      const readAt = (offset: number) => Promise.resolve(file.subarray(offset, offset + 64));
      expect(await identifyContainer(file.subarray(0, 64), readAt)).toBeNull();
    }
  });
});
