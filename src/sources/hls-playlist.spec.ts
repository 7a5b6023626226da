import { firstVariant, isHlsPlaylist, parseMediaPlaylist } from './hls-playlist';

describe('HLS playlists as a relay reads them', () => {
  it('tells a playlist by its type, or by its path for a generic type', () => {
    expect(isHlsPlaylist('https://a.vn/live', 'application/vnd.apple.mpegurl')).toBe(true);
    expect(isHlsPlaylist('https://a.vn/live', 'audio/x-mpegurl; charset=utf-8')).toBe(true);
    expect(isHlsPlaylist('https://a.vn/live.m3u8', 'application/octet-stream')).toBe(true);
    expect(isHlsPlaylist('https://a.vn/live.m3u8', 'audio/mpeg')).toBe(false);
    expect(isHlsPlaylist('https://a.vn/vov1.mp3', undefined)).toBe(false);
  });

  it('takes the first variant of a master playlist', () => {
    const master =
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000\naudio/64k.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=128000\naudio/128k.m3u8\n';
    expect(firstVariant(master)).toBe('audio/64k.m3u8');
    expect(firstVariant('#EXTM3U\n#EXTINF:4,\nseg.ts\n')).toBeNull();
  });

  it('reads the segments, the media sequence, the target duration and the end', () => {
    const live =
      '#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXT-X-MEDIA-SEQUENCE:120\r\n#EXTINF:6.0,\r\nseg120.aac\r\n#EXTINF:6.0,\r\nhttps://cdn.vn/seg121.aac\r\n';
    expect(parseMediaPlaylist(live)).toEqual({
      mediaSequence: 120,
      segments: ['seg120.aac', 'https://cdn.vn/seg121.aac'],
      targetDurationSeconds: 6,
      ended: false,
    });
    expect(parseMediaPlaylist('#EXTM3U\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n')).toMatchObject({
      mediaSequence: 0,
      ended: true,
    });
    expect(() => parseMediaPlaylist('<html>')).toThrow('not an HLS playlist');
  });
});
