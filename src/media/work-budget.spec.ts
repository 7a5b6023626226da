import { AppConfig } from '../config/app-config';
import { floatWavBytes, mp3Bytes } from './ffmpeg-args';
import { analysisLimits, WorkBudget, workBytesNeeded } from './work-budget';

const budget = (maxBytes: number) =>
  new WorkBudget({ audio: { workMaxBytes: maxBytes } } as AppConfig);

describe('analysisLimits', () => {
  it('cuts the pass over an original at its own length, never past the maximum', () => {
    expect(analysisLimits({ durationS: 60, channels: 1, sampleRate: 44100 }, 7200)).toEqual({
      maxSeconds: 61,
      maxBytes: floatWavBytes(61, 1, 44100),
    });
    expect(
      analysisLimits({ durationS: 9000, channels: 2, sampleRate: 48000 }, 7200).maxSeconds,
    ).toBe(7201);
    expect(analysisLimits({ durationS: 0, channels: 2, sampleRate: 48000 }, 600).maxSeconds).toBe(
      601,
    );
    // The analysed audio is at most stereo at 48 kHz, whatever the original holds.
    expect(analysisLimits({ durationS: 60, channels: 8, sampleRate: 96000 }, 7200).maxBytes).toBe(
      floatWavBytes(61, 2, 48000),
    );
  });

  it('counts the analysed audio and the rendition in the work a run needs', () => {
    const shape = { durationS: 600, channels: 1, sampleRate: 44100 };
    const analysis = analysisLimits(shape, 7200);
    expect(workBytesNeeded(shape, 7200, 128)).toBe(
      analysis.maxBytes + mp3Bytes(analysis.maxSeconds, 128),
    );
  });
});

describe('WorkBudget', () => {
  it('lets runs through while they fit, and the next one in order when room is freed', async () => {
    const work = budget(100);
    const first = await work.reserve(60);
    const order: string[] = [];
    const second = work.reserve(50).then((release) => {
      order.push('second');
      return release;
    });
    const third = work.reserve(10).then((release) => {
      order.push('third');
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    expect(work.reservedBytes).toBe(60);
    first();
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(work.reservedBytes).toBe(0);
  });

  it('refuses what can never fit, and stops waiting when the run is cancelled', async () => {
    const work = budget(100);
    await expect(work.reserve(101)).rejects.toThrow(/MEDIA_WORK_MAX_BYTES/);
    const held = await work.reserve(90);
    const controller = new AbortController();
    const waiting = work.reserve(20, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    held();
    expect(work.reservedBytes).toBe(0);
  });
});
