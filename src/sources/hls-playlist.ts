/** A media playlist as a relay reads it: its segments in order and how to follow it live. */
export interface MediaPlaylist {
  /** The sequence number of the first segment (`#EXT-X-MEDIA-SEQUENCE`, 0 by default). */
  mediaSequence: number;
  /** Segment URIs as written (relative to the playlist's URL, or absolute). */
  segments: string[];
  /** `#EXT-X-TARGETDURATION` in seconds (how often a live playlist is read again). */
  targetDurationSeconds: number;
  /** `#EXT-X-ENDLIST`: nothing will be added. */
  ended: boolean;
}

/** Whether a response is an HLS playlist, by its type or, for generic types, its path. */
export function isHlsPlaylist(url: string, contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/vnd.apple.mpegurl' || type === 'application/x-mpegurl') return true;
  if (type === 'audio/mpegurl' || type === 'audio/x-mpegurl') return true;
  const generic = type === '' || type === 'application/octet-stream' || type === 'text/plain';
  return generic && new URL(url).pathname.toLowerCase().endsWith('.m3u8');
}

const uriLines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

/** A master playlist's first variant URI, or null when `text` is a media playlist. */
export function firstVariant(text: string): string | null {
  if (!/^#EXT-X-STREAM-INF/m.test(text)) return null;
  return uriLines(text)[0] ?? null;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  if (!text.trimStart().startsWith('#EXTM3U')) throw new Error('not an HLS playlist (#EXTM3U)');
  const number = (tag: string, fallback: number): number => {
    const match = new RegExp(`^#${tag}:(\\d+(?:\\.\\d+)?)`, 'm').exec(text);
    return match ? Number(match[1]) : fallback;
  };
  return {
    mediaSequence: number('EXT-X-MEDIA-SEQUENCE', 0),
    segments: uriLines(text),
    targetDurationSeconds: Math.max(1, number('EXT-X-TARGETDURATION', 6)),
    ended: /^#EXT-X-ENDLIST/m.test(text),
  };
}
