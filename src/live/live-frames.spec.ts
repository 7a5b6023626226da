import { monoToStereo } from '../playout/player/live-input';
import { MAX_FRAME_BYTES, parseFrame } from './live-frames';
import { wavHeader } from './live-recording';

describe('live frames', () => {
  it('takes whole 16-bit audio frames and the stop message', () => {
    expect(parseFrame(Buffer.alloc(1920), true)).toEqual({
      kind: 'audio',
      pcm: Buffer.alloc(1920),
    });
    expect(parseFrame(Buffer.from('{"type":"stop"}'), false)).toEqual({ kind: 'stop' });
  });

  it('refuses empty, odd, oversized and unknown frames', () => {
    expect(parseFrame(Buffer.alloc(0), true)).toMatch(/empty/);
    expect(parseFrame(Buffer.alloc(3), true)).toMatch(/even/);
    expect(parseFrame(Buffer.alloc(MAX_FRAME_BYTES + 2), true)).toMatch(/at most/);
    expect(parseFrame(Buffer.from('hello'), false)).toMatch(/JSON/);
    expect(parseFrame(Buffer.from('{"type":"start"}'), false)).toMatch(/only text frame/);
  });

  it('duplicates mono samples on both channels', () => {
    const mono = Buffer.alloc(4);
    mono.writeInt16LE(1000, 0);
    mono.writeInt16LE(-2000, 2);
    const stereo = monoToStereo(mono);
    expect([0, 2, 4, 6].map((offset) => stereo.readInt16LE(offset))).toEqual([
      1000, 1000, -2000, -2000,
    ]);
  });

  it('writes a WAV header with the data size', () => {
    const header = wavHeader(96000);
    expect(header.toString('ascii', 0, 4)).toBe('RIFF');
    expect(header.readUInt32LE(24)).toBe(48000);
    expect(header.readUInt16LE(22)).toBe(1);
    expect(header.readUInt32LE(40)).toBe(96000);
  });
});
