import { DynamicGain, LoudnessMeter, loudnessOf, meanSquare } from './loudness-meter';
import { CHUNK_BYTES, CHUNK_MS, PCM } from './pcm';

/** 20 ms of a stereo sine at `amplitude` (full scale 1). */
function sineChunk(amplitude: number, frequency = 1000, offset = 0): Buffer {
  const chunk = Buffer.alloc(CHUNK_BYTES);
  const frames = CHUNK_BYTES / (PCM.channels * PCM.bytesPerSample);
  for (let frame = 0; frame < frames; frame += 1) {
    const value = Math.round(
      amplitude * 32767 * Math.sin((2 * Math.PI * frequency * (offset + frame)) / PCM.sampleRate),
    );
    chunk.writeInt16LE(value, frame * 4);
    chunk.writeInt16LE(value, frame * 4 + 2);
  }
  return chunk;
}

describe('relay loudness', () => {
  it('reads a full-scale stereo sine near 0 LUFS and −20 dB below it 20 LU lower', () => {
    const full = loudnessOf(meanSquare(sineChunk(1)));
    expect(full).toBeCloseTo(-0.691 + 10 * Math.log10(2 * 0.5), 1);
    expect(loudnessOf(meanSquare(sineChunk(0.1)))).toBeCloseTo(full - 20, 0);
    expect(loudnessOf(meanSquare(Buffer.alloc(CHUNK_BYTES)))).toBe(-Infinity);
  });

  it('counts dead air only while the 3 s short-term loudness stays below −50 LUFS', () => {
    const meter = new LoudnessMeter(CHUNK_MS);
    for (let index = 0; index < 150; index += 1) meter.push(sineChunk(0.3));
    expect(meter.silentMs).toBe(0);
    // The programme still in the 3 s window keeps it above the level for a while.
    for (let index = 0; index < 150; index += 1) meter.push(Buffer.alloc(CHUNK_BYTES));
    expect(meter.silentMs).toBeGreaterThan(0);
    expect(meter.silentMs).toBeLessThan(3000);
    for (let index = 0; index < 400; index += 1) meter.push(Buffer.alloc(CHUNK_BYTES));
    expect(meter.silentMs).toBeGreaterThanOrEqual(8000);
    meter.push(sineChunk(0.3));
    meter.push(sineChunk(0.3));
    expect(meter.shortTerm).toBeGreaterThan(-50);
    expect(meter.silentMs).toBe(0);
  });

  it('brings a quiet stream slowly up to the target and never boosts dead air', () => {
    const gain = new DynamicGain(-16);
    const meter = new LoudnessMeter(CHUNK_MS);
    let out: Buffer = Buffer.alloc(0);
    for (let index = 0; index < 500; index += 1) {
      const chunk = sineChunk(0.05, 1000, index * (CHUNK_BYTES / 4));
      meter.push(chunk);
      out = gain.apply(chunk, meter.shortTerm);
    }
    expect(loudnessOf(meanSquare(out))).toBeCloseTo(-16, 0);
    const steady = new DynamicGain(-16);
    expect(
      steady.apply(Buffer.alloc(CHUNK_BYTES), -Infinity).equals(Buffer.alloc(CHUNK_BYTES)),
    ).toBe(true);
    expect(steady.currentDb).toBe(0);
  });
});
