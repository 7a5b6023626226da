import { PassThrough } from 'node:stream';
import { LIVE_FRAME } from '../playout/player/live-input';
import { liveDecoderCommand, liveEncoderCommand } from './live-stream-args';
import { frameStart, LiveStream } from './live-stream';

/** A second of a 440 Hz tone in the live frame's format. */
function tone(): Buffer {
  const pcm = Buffer.alloc(LIVE_FRAME.sampleRate * 2);
  for (let i = 0; i < LIVE_FRAME.sampleRate; i++) {
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48000)), i * 2);
  }
  return pcm;
}

function collect(listener: PassThrough): Promise<Buffer> {
  const chunks: Buffer[] = [];
  listener.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => listener.once('end', () => resolve(Buffer.concat(chunks))));
}

describe('LiveStream', () => {
  it('fans the speech out as MP3 to every listener and ends them with the session', async () => {
    const stream = new LiveStream('ffmpeg', 60000);
    const [first, second] = [new PassThrough(), new PassThrough()];
    expect(stream.listen(first)).toBe(true);
    expect(stream.listen(second)).toBe(true);
    const heard = [collect(first), collect(second)];
    for (let seconds = 0; seconds < 2; seconds++) stream.write(tone());
    await stream.end();
    const [a, b] = await Promise.all(heard);
    // 2 s at 64 kb/s is about 16 kB of MPEG audio frames (sync word 0xFFE…).
    expect(a.length).toBeGreaterThan(12000);
    expect(a.length).toBeLessThan(24000);
    expect(a.equals(b)).toBe(true);
    expect(a[0]).toBe(0xff);
    expect(a[1] & 0xe0).toBe(0xe0);
    expect(stream.listen(new PassThrough())).toBe(false);
  });

  it('starts a joining listener at a frame header', () => {
    expect(frameStart(Buffer.from([0x12, 0xff, 0x00, 0xff, 0xfb, 0x90]))).toBe(3);
    expect(frameStart(Buffer.from([0xff, 0xf3, 0x00]))).toBe(0);
    expect(frameStart(Buffer.from([0x00, 0xff]))).toBe(-1);
  });

  it('encodes for devices without probing and decodes with the device token', () => {
    expect(liveEncoderCommand().outputOptions).toEqual(
      expect.arrayContaining(['-f', 'mp3', '-b:a', '64k', '-flush_packets', '1']),
    );
    const decoder = liveDecoderCommand('http://server/api/v1/devices/d/live/s', 'lxd_token');
    expect(decoder.inputOptions).toEqual(
      expect.arrayContaining(['-headers', 'Authorization: Bearer lxd_token\r\n', '-f', 'mp3']),
    );
    expect(decoder.outputOptions).toEqual(['-vn', '-f', 's16le', '-ar', '48000', '-ac', '1']);
  });
});
