import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { LIVE_FRAME } from '../playout/player/live-input';

const HEADER_BYTES = 44;

/** A WAV header for `dataBytes` of 16-bit PCM (mono, the live frame's rate). */
export function wavHeader(dataBytes: number): Buffer {
  const { sampleRate, channels } = LIVE_FRAME;
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/**
 * The recording of a live announcement: the speech as it arrived, written to a WAV file as it
 * comes (so a long session is not held in memory), its header completed when it closes.
 */
export class LiveRecording {
  private readonly stream: WriteStream;
  private dataBytes = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.write(wavHeader(0));
  }

  get bytes(): number {
    return this.dataBytes;
  }

  write(mono: Buffer): void {
    this.dataBytes += mono.length;
    this.stream.write(mono);
  }

  /** Ends the file and writes its final sizes. */
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(resolve);
    });
    const file = await open(this.path, 'r+');
    try {
      await file.write(wavHeader(this.dataBytes), 0, HEADER_BYTES, 0);
    } finally {
      await file.close();
    }
  }
}
