import type { IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { firstVariant, isHlsPlaylist, parseMediaPlaylist } from './hls-playlist';
import { openSourceStream, StreamRules } from './pinned-stream';

/** A playlist larger than this is not a playlist. */
const MAX_PLAYLIST_BYTES = 256 * 1024;

/** A stream's audio bytes as Node pulls them; `stop` ends the pull and everything it opened. */
export interface SourcePull {
  readonly audio: Readable;
  stop(): void;
}

/** Copies a response into the pull's output, held by its back-pressure, without ending it. */
async function copyInto(source: IncomingMessage, audio: PassThrough): Promise<void> {
  for await (const chunk of source) {
    if (audio.destroyed) return;
    if (!audio.write(chunk)) await once(audio, 'drain');
  }
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of response) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_PLAYLIST_BYTES) {
      response.destroy();
      throw new Error('playlist too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Pulls a source URL's audio in Node, every connection through `openSourceStream` (the address
 * resolved once and checked, each redirect checked): an HTTP/Icecast stream is its body; an HLS
 * playlist is read (its first variant, for a master playlist) and its segments, each URL checked
 * like the playlist's, are fetched in order and concatenated, the playlist read again while it
 * is live. ffmpeg then only decodes bytes from a pipe: it opens no URL, follows no redirect and
 * resolves no name of its own. `audio` ends when the stream does, and when the pull fails
 * (`onError` says why: a refused address or redirect, an HTTP error, a dropped connection).
 */
export function pullSource(
  url: string,
  rules: StreamRules,
  timeoutMs: number,
  onError: (error: Error) => void = () => undefined,
): SourcePull {
  const audio = new PassThrough();
  let stopped = false;
  let current: IncomingMessage | null = null;
  const open = async (target: string) => {
    const opened = await openSourceStream(target, rules, timeoutMs);
    current = opened.response;
    if (stopped) opened.response.destroy();
    return opened;
  };
  const run = async (): Promise<void> => {
    const first = await open(url);
    if (!isHlsPlaylist(first.url, first.response.headers['content-type'])) {
      await copyInto(first.response, audio);
      audio.end();
      return;
    }
    let playlistUrl = first.url;
    let text = await readText(first.response);
    const variant = firstVariant(text);
    if (variant) {
      const media = await open(new URL(variant, playlistUrl).toString());
      playlistUrl = media.url;
      text = await readText(media.response);
    }
    let lastSequence = -1;
    while (!stopped) {
      const playlist = parseMediaPlaylist(text);
      for (const [index, uri] of playlist.segments.entries()) {
        const sequence = playlist.mediaSequence + index;
        if (sequence <= lastSequence || stopped) continue;
        const segment = await open(new URL(uri, playlistUrl).toString());
        await copyInto(segment.response, audio);
        lastSequence = sequence;
      }
      if (playlist.ended) break;
      await new Promise((resolve) =>
        setTimeout(resolve, (playlist.targetDurationSeconds * 1000) / 2),
      );
      if (stopped) break;
      text = await readText((await open(playlistUrl)).response);
    }
    audio.end();
  };
  run().catch((error: Error) => {
    if (stopped) return;
    onError(error);
    audio.end();
  });
  return {
    audio,
    stop: () => {
      stopped = true;
      current?.destroy();
      audio.destroy();
    },
  };
}
