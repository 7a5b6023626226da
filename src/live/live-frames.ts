import { LIVE_FRAME } from '../playout/player/live-input';

/** The most audio one frame may carry: 1 s (the page sends about 40 ms at a time). */
export const MAX_FRAME_BYTES = LIVE_FRAME.sampleRate * 2;

/** What the speaker's page may send: audio (binary), or `{"type":"stop"}`. */
export type LiveFrame = { kind: 'audio'; pcm: Buffer } | { kind: 'stop' };

/** A frame as the socket received it, or why it is refused (English, for the problem). */
export function parseFrame(data: Buffer, isBinary: boolean): LiveFrame | string {
  if (isBinary) {
    if (data.length === 0) return 'an audio frame must not be empty';
    if (data.length % 2 !== 0) return 'an audio frame must hold whole 16-bit samples (even length)';
    if (data.length > MAX_FRAME_BYTES) {
      return `an audio frame may carry at most ${MAX_FRAME_BYTES} bytes (1 s)`;
    }
    return { kind: 'audio', pcm: data };
  }
  let message: unknown;
  try {
    message = JSON.parse(data.toString('utf8'));
  } catch {
    return 'a text frame must be JSON';
  }
  if (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'stop'
  ) {
    return { kind: 'stop' };
  }
  return 'the only text frame is {"type":"stop"}';
}
