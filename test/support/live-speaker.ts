import { execFileSync } from 'node:child_process';
import { WebSocket } from 'ws';

/** A message the speaker's socket received. */
export interface Message {
  type: string;
  [key: string]: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A frame as the page sends it: 40 ms of s16le mono 48 kHz. */
const FRAME_BYTES = 1920 * 2;

/** 40 ms of a sine at `frequency` (s16le mono 48 kHz), as the page sends it. */
export function toneFrame(frequency: number, index: number): Buffer {
  const samples = 1920;
  const frame = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = (index * samples + i) / 48000;
    frame.writeInt16LE(Math.round(0.3 * 32767 * Math.sin(2 * Math.PI * frequency * t)), i * 2);
  }
  return frame;
}

/** A speaker's socket: its messages, and how it closed. */
export class Speaker {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private sending = false;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) =>
      this.messages.push(JSON.parse(data.toString('utf8')) as Message),
    );
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  static async connect(baseUrl: string, ticket: string): Promise<Speaker> {
    const ws = new WebSocket(
      `${baseUrl.replace('http', 'ws')}/api/v1/live/socket?ticket=${ticket}`,
    );
    const speaker = new Speaker(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return speaker;
  }

  /** Sends a tone in real time (40 ms frames) for `ms`, or until the socket closes. */
  async speak(frequency: number, ms: number): Promise<void> {
    this.sending = true;
    const started = Date.now();
    for (let index = 0; Date.now() - started < ms && this.sending; index++) {
      if (this.ws.readyState !== WebSocket.OPEN) break;
      this.ws.send(toneFrame(frequency, index));
      const due = started + (index + 1) * 40;
      await sleep(Math.max(0, due - Date.now()));
    }
  }

  /**
   * Sends a recording (s16le mono 48 kHz, as `recordedTone` makes it) in real time, 40 ms a
   * frame, to its end or until `quiet()`; resolves with when the first frame went.
   */
  async speakRecording(pcm: Buffer): Promise<number> {
    this.sending = true;
    const started = Date.now();
    for (let index = 0; index * FRAME_BYTES < pcm.length && this.sending; index++) {
      if (this.ws.readyState !== WebSocket.OPEN) break;
      this.ws.send(pcm.subarray(index * FRAME_BYTES, (index + 1) * FRAME_BYTES));
      const due = started + (index + 1) * 40;
      await sleep(Math.max(0, due - Date.now()));
    }
    return started;
  }

  /** Stops sending (the socket stays open). */
  quiet(): void {
    this.sending = false;
  }

  async waitFor(type: string, timeoutMs = 15000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((message) => message.type === type);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`No ${type} message; got ${JSON.stringify(this.messages)}`);
      }
      await sleep(50);
    }
  }
}

/** A real recording of a tone (ffmpeg's lavfi sine), as the page's PCM: s16le mono 48 kHz. */
export function recordedTone(frequency: number, seconds: number): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`,
      '-af',
      'volume=0.3',
      '-ac',
      '1',
      '-f',
      's16le',
      '-',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}
