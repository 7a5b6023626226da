import { ManualClock } from '../common/manual-clock';
import { AppConfig } from '../config/app-config';
import { AudioPipeline, PipelineInput } from './audio-pipeline';
import { FfmpegArgs } from './ffmpeg-args';
import { GainFinder, Listening } from './gain-finder';
import { LoudnessSummary } from './loudness';
import { NormalizationPlan } from './normalization-plan';
import { PipelineError, PipelineRunner } from './pipeline-runner';

const CONFIG = {
  audio: {
    targetLufs: -16,
    truePeakDbtp: -1.5,
    lra: 11,
    bitrateKbps: 128,
    maxDurationSeconds: 1800,
  },
} as AppConfig;

const INPUT: PipelineInput = {
  originalPath: '/media/originals/ab/abcd',
  demuxer: 'mp3',
  channels: 2,
  sampleRate: 44100,
  durationS: 300,
  workDir: '/media/work/a1',
  outputPath: '/media/renditions/a1.mp3.tmp',
};

function summary(integratedLufs: number, peaks: Partial<LoudnessSummary> = {}): LoudnessSummary {
  return {
    integratedLufs,
    thresholdLufs: integratedLufs - 10,
    lra: 2,
    lraLowLufs: integratedLufs - 1,
    lraHighLufs: integratedLufs + 1,
    truePeakDbtp: null,
    samplePeakDbfs: null,
    ...peaks,
  };
}

/** A promise settled from outside, as a running process is. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects, as a killed ffmpeg does, when the signal aborts (a moment later: the process exits). */
function killedOnAbort(
  signal: AbortSignal | undefined,
  name: string,
  exited: string[],
  reject: (e: unknown) => void,
): void {
  signal?.addEventListener('abort', () =>
    setTimeout(() => {
      exited.push(name);
      reject(new PipelineError(`${name}: ffmpeg was killed`, false));
    }, 2),
  );
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1)
    await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('Never happened');
}

interface Scenario {
  /** The downmixes as the downmix process measures them. */
  sum: LoudnessSummary;
  difference: LoudnessSummary;
  /** The original's meter; settled by the test unless `originalTruePeak` is set. */
  originalTruePeak?: number;
  /** Momentary loudness of every frame of the downmix. */
  momentaryLufs?: number;
}

/**
 * The pipeline over fake processes: the downmix pass logs its frames and ends at once; the
 * original's meter runs until the test ends it; the listening pass lands on the aim at the plan's
 * gain (so no further trial), and the render measures the target.
 */
function harness(scenario: Scenario) {
  const exited: string[] = [];
  const original = deferred<{ summary: LoudnessSummary; outTimeS: number; outBytes: number }>();
  if (scenario.originalTruePeak !== undefined) {
    original.resolve({
      summary: summary(-23, { truePeakDbtp: scenario.originalTruePeak }),
      outTimeS: 300,
      outBytes: 0,
    });
  }
  const calls: string[] = [];
  const runner = {
    loudness: jest.fn(
      (
        name: string,
        _input: unknown,
        _args: FfmpegArgs,
        _output: string,
        options: { signal?: AbortSignal; onStderrLine?: (line: string) => void },
      ) => {
        calls.push(`start ${name}`);
        killedOnAbort(options.signal, name, exited, original.reject);
        return original.promise.finally(() => calls.push(`end ${name}`));
      },
    ),
    meters: jest.fn(
      (
        name: string,
        _input: unknown,
        _args: FfmpegArgs,
        _meters: string[],
        _output: string,
        options: { onStderrLine?: (line: string) => void },
      ) => {
        calls.push(`start ${name}`);
        for (let t = 0.5; t <= 300; t += 0.5) {
          options.onStderrLine?.(
            `[ebur128@downmix @ 0x1] t: ${t} TARGET:-23 LUFS M: ${scenario.momentaryLufs ?? -23} S: -23 I: -23 LUFS`,
          );
        }
        calls.push(`end ${name}`);
        return Promise.resolve({
          summaries: { downmix: scenario.sum, difference: scenario.difference },
          outTimeS: 300,
          outBytes: 1000,
        });
      },
    ),
    withMeasuredMp3: jest.fn(() =>
      Promise.resolve({
        produced: undefined,
        mp3: { summary: summary(-16.1, { truePeakDbtp: -2.4 }), outTimeS: 300 },
      }),
    ),
  };
  const listenings: { plan: NormalizationPlan; gains: readonly number[]; signal?: AbortSignal }[] =
    [];
  const gains = {
    listen: jest.fn(
      (
        analysedPath: string,
        _bounds: unknown,
        fileLufs: number,
        plan: NormalizationPlan,
        trialGains: readonly number[],
        signal?: AbortSignal,
      ): Promise<Listening> => {
        calls.push('listen');
        listenings.push({ plan, gains: trialGains, signal });
        return Promise.resolve({
          sample: { analysedPath, windows: [{ startS: 0, endS: 300 }], lufs: fileLufs },
          lossLu: 0.3,
          // Lands on the aim (target + loss) at the plan's gain: settled without more trials.
          trials: [{ gainDb: plan.gainDb, integratedLufs: -15.7 }],
        });
      },
    ),
    searchGain: jest.fn(() => Promise.reject(new Error('no search expected'))),
  };
  const pipeline = new AudioPipeline(
    CONFIG,
    runner as unknown as PipelineRunner,
    gains as unknown as GainFinder,
    new ManualClock('2026-12-04T08:00:00Z'),
  );
  return { pipeline, runner, gains, original, listenings, calls, exited };
}

const CENTRED = {
  sum: summary(-23, { samplePeakDbfs: -12 }),
  difference: summary(-70, { samplePeakDbfs: Number.NEGATIVE_INFINITY }),
};

describe('AudioPipeline pass 1 in two processes', () => {
  it("listens while the original's meter still runs, and plans with the true peak it measures", async () => {
    const h = harness(CENTRED);
    const running = h.pipeline.process(INPUT);
    await until(() => h.calls.includes('listen'));
    // The downmix, on the critical path, is spawned before the original's meter.
    expect(h.calls).toEqual(['start analyse', 'end analyse', 'start original', 'listen']);
    // Gain 7 dB: the bound of the downmixes' peaks (−12) + 7 stays under −2.5, linear; so does
    // the measured true peak.
    h.original.resolve({
      summary: summary(-22.8, { truePeakDbtp: -11.8 }),
      outTimeS: 300,
      outBytes: 0,
    });
    const outcome = await running;
    expect(h.gains.listen).toHaveBeenCalledTimes(1);
    expect(outcome.listenings).toBe(1);
    expect(outcome.plan).toEqual({
      path: 'linear',
      gainDb: 7.3,
      limiterCeilingDbfs: null,
      compressor: null,
    });
    // The stored input figures are the original's; the plan's true peak is the original's too.
    expect(outcome.input).toMatchObject({ integratedLufs: -22.8, truePeakDbtp: -11.8 });
    expect(outcome.downmix.summary).toMatchObject({
      integratedLufs: -23,
      truePeakDbtp: -11.8,
      samplePeakDbfs: -12,
    });
  });

  it("listens again when the original's true peak takes the other path, with the result of a pipeline that waited for it", async () => {
    // The bound says linear (−12 + 7 ≤ −2.5); the original's true peak −9 says dynamic.
    const redone = harness({ ...CENTRED, originalTruePeak: -9 });
    const again = await redone.pipeline.process(INPUT);
    expect(redone.listenings.map((l) => l.plan.path)).toEqual(['linear', 'dynamic']);
    expect(again.listenings).toBe(2);

    // The same recording where the bound already says dynamic (a louder difference): one pass.
    const direct = harness({
      sum: CENTRED.sum,
      difference: summary(-60, { samplePeakDbfs: -12 }),
      originalTruePeak: -9,
    });
    const once = await direct.pipeline.process(INPUT);
    expect(direct.listenings.map((l) => l.plan.path)).toEqual(['dynamic']);

    const last = (h: ReturnType<typeof harness>) => {
      const { plan, gains } = h.listenings[h.listenings.length - 1];
      return { plan, gains };
    };
    expect(last(redone)).toEqual(last(direct));
    // Trials placed from the downmix's sample peak: −12 + 7 − (−2.5) = −2.5 dB over → 3 dB span.
    expect(last(direct).gains).toEqual([8, 9]);
    const { timings: _t1, listenings: _l1, ...redoneResult } = again;
    const { timings: _t2, listenings: _l2, ...directResult } = once;
    expect(redoneResult).toEqual(directResult);
    expect(again.plan).toEqual({
      path: 'dynamic',
      gainDb: 7,
      limiterCeilingDbfs: -2.5,
      compressor: null,
    });
  });

  it("stops the original's meter when the downmix shows a silent recording, and fails once it has exited", async () => {
    const h = harness({
      ...CENTRED,
      sum: summary(-70, { samplePeakDbfs: -80 }),
      momentaryLufs: -80,
    });
    await expect(h.pipeline.process(INPUT)).rejects.toThrow('The recording is silent');
    expect(h.exited).toEqual(['original']);
    expect(h.gains.listen).not.toHaveBeenCalled();
  });

  it("stops the listening pass when the original's meter fails, and reports that failure", async () => {
    const h = harness(CENTRED);
    const listenExited: string[] = [];
    h.gains.listen.mockImplementationOnce((_a, _b, _c, _d, _e, signal?: AbortSignal) => {
      h.calls.push('listen');
      return new Promise<Listening>((_resolve, reject) =>
        killedOnAbort(signal, 'codec check', listenExited, reject),
      );
    });
    const running = h.pipeline.process(INPUT);
    await until(() => h.calls.includes('listen'));
    h.original.reject(new PipelineError('original: ffmpeg exited with code 1', true));
    await expect(running).rejects.toThrow('original: ffmpeg exited with code 1');
    expect(listenExited).toEqual(['codec check']);
    expect(h.runner.withMeasuredMp3).not.toHaveBeenCalled();
  });

  it('stops both when the job is cancelled', async () => {
    const h = harness(CENTRED);
    const job = new AbortController();
    const running = h.pipeline.process(INPUT, { signal: job.signal });
    await until(() => h.calls.includes('listen'));
    job.abort();
    await expect(running).rejects.toThrow('original: ffmpeg was killed');
    expect(h.exited).toEqual(['original']);
  });

  it('runs no meter of the original for a mono recording: it is its own downmix', async () => {
    const h = harness(CENTRED);
    const mono = summary(-23, { truePeakDbtp: -5, samplePeakDbfs: -5.2 });
    h.runner.loudness.mockImplementationOnce(
      (
        name: string,
        _input: unknown,
        _args: FfmpegArgs,
        _output: string,
        options: { onStderrLine?: (line: string) => void },
      ) => {
        h.calls.push(`start ${name}`);
        for (let t = 0.5; t <= 300; t += 0.5) {
          options.onStderrLine?.(
            `[Parsed_ebur128_1 @ 0x1] t: ${t} TARGET:-23 LUFS M: -23 S: -23 I: -23 LUFS`,
          );
        }
        return Promise.resolve({ summary: mono, outTimeS: 300, outBytes: 1000 });
      },
    );
    const outcome = await h.pipeline.process({ ...INPUT, channels: 1 });
    expect(h.calls).toEqual(['start analyse', 'listen']);
    expect(outcome.input).toEqual(mono);
    expect(outcome.plan.path).toBe('dynamic');
    // Trials from the sample peak: −5.2 + 7 − (−2.5) = 4.3 dB over the ceiling.
    expect(h.listenings[0].gains).toEqual([8.43, 9.87]);
  });
});
