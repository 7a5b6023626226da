import { PassThrough, Readable } from 'node:stream';
import { MediaInput, wav, mp3 } from './ffmpeg-args';
import { FfmpegAdapter, FfmpegFailure, FfmpegRunOptions, FfmpegRunResult } from './ffmpeg.adapter';
import { PipelineError, PipelineRunner } from './pipeline-runner';

const ARGS = { inputOptions: [], outputOptions: [] };

/** An adapter that replays stderr lines, then succeeds or throws. */
function adapter(lines: string[], failure?: FfmpegFailure): FfmpegAdapter {
  return {
    run: (_input: MediaInput, _args: unknown, _output: string, options: FfmpegRunOptions = {}) => {
      for (const line of lines) options.onStderrLine?.(line);
      return failure
        ? Promise.reject(failure)
        : Promise.resolve<FfmpegRunResult>({
            exitCode: 0,
            outTimeS: 12.5,
            outBytes: 4096,
            stderrTail: [],
          });
    },
  } as unknown as FfmpegAdapter;
}

const SUMMARY = [
  '[Parsed_ebur128_0 @ 0x1] Summary:',
  '',
  '  Integrated loudness:',
  '    I:         -16.1 LUFS',
  '    Threshold: -26.3 LUFS',
  '',
  '  Loudness range:',
  '    LRA:         3.0 LU',
  '    Threshold: -36.3 LUFS',
  '    LRA low:   -18.0 LUFS',
  '    LRA high:  -15.0 LUFS',
  '',
  '  True peak:',
  '    Peak:       -2.1 dBFS',
];

describe('PipelineRunner', () => {
  it('reads the summary at the end of a long log (frame lines before it)', async () => {
    const frames = Array.from(
      { length: 5000 },
      (_, i) => `[Parsed_ebur128_0 @ 0x1] t: ${i / 10} TARGET:-23 LUFS M: -20.0 S: -20.0`,
    );
    const seen: string[] = [];
    const result = await new PipelineRunner(adapter([...frames, ...SUMMARY])).loudness(
      'analyse',
      wav('in.wav'),
      ARGS,
      'out.wav',
      { onStderrLine: (line) => seen.push(line) },
    );
    expect(result).toMatchObject({
      outTimeS: 12.5,
      summary: { integratedLufs: -16.1, truePeakDbtp: -2.1 },
    });
    expect(seen).toHaveLength(5000 + SUMMARY.length);
  });

  it('reads named meters, and fails when one of them reported nothing', async () => {
    const named = (meter: string, lufs: string): string[] =>
      SUMMARY.map((line) =>
        line.replace('[Parsed_ebur128_0 @ 0x1]', `[ebur128@${meter} @ 0x2]`).replace('-16.1', lufs),
      );
    const runner = new PipelineRunner(
      adapter([...named('original', '-23.0'), ...named('downmix', '-26.0')]),
    );
    const result = await runner.meters(
      'analyse',
      wav('in.wav'),
      ARGS,
      ['original', 'downmix'],
      'out.wav',
    );
    expect(result.summaries.original.integratedLufs).toBe(-23);
    expect(result.summaries.downmix.integratedLufs).toBe(-26);
    await expect(
      runner.meters('analyse', wav('in.wav'), ARGS, ['original', 'difference']),
    ).rejects.toMatchObject({
      permanent: false,
      message: expect.stringContaining('difference'),
    });
  });

  it('fails (retryable) when ffmpeg reports no measurement', async () => {
    const failing = new PipelineRunner(adapter(['Conversion failed!'])).loudness(
      'measure',
      mp3('a.mp3'),
      ARGS,
    );
    await expect(failing).rejects.toMatchObject({
      permanent: false,
      message: expect.stringContaining('measure'),
    });
  });

  it('makes a failure on broken input permanent, and timeouts or kills retryable', async () => {
    const corrupt = new FfmpegFailure(
      'failed',
      'ffmpeg exited with code 1',
      ['in: Invalid data found when processing input'],
      1,
    );
    await expect(
      new PipelineRunner(adapter([], corrupt)).run('analyse', wav('in'), ARGS, '-'),
    ).rejects.toMatchObject({
      permanent: true,
      message: 'analyse: ffmpeg exited with code 1',
    });
    const timeout = new FfmpegFailure(
      'timeout',
      'ffmpeg ran longer than 600 s and was killed',
      [],
      null,
    );
    const retry = new PipelineRunner(adapter([], timeout)).run('render', wav('in'), ARGS, 'out');
    await expect(retry).rejects.toBeInstanceOf(PipelineError);
    await expect(retry).rejects.toMatchObject({ permanent: false });
  });

  describe('an encoding run measured as it writes', () => {
    /** An adapter whose piped run (the measurement) waits for its input or its abort. */
    function measuringAdapter(summary: string[]): {
      adapter: FfmpegAdapter;
      aborted: () => boolean;
    } {
      let aborted = false;
      const adapter = {
        run: (input: MediaInput, _args: unknown, _output: string, options: FfmpegRunOptions = {}) =>
          new Promise<FfmpegRunResult>((resolve, reject) => {
            expect(input.protocol).toBe('pipe');
            options.signal?.addEventListener('abort', () => {
              aborted = true;
              reject(new FfmpegFailure('aborted', 'ffmpeg was stopped', [], null));
            });
            options.stdinFrom?.on('end', () => {
              for (const line of summary) options.onStderrLine?.(line);
              resolve({ exitCode: 0, outTimeS: 3, outBytes: 0, stderrTail: [] });
            });
            options.stdinFrom?.resume();
          }),
      } as unknown as FfmpegAdapter;
      return { adapter, aborted: () => aborted };
    }

    it('returns what the run made and the measurement of its MP3', async () => {
      const { adapter } = measuringAdapter(SUMMARY);
      const result = await new PipelineRunner(adapter).withMeasuredMp3(
        'render',
        ARGS,
        undefined,
        (side) => {
          side.onSideOutput(Readable.from([Buffer.from('mp3 bytes')]));
          return Promise.resolve('rendered');
        },
      );
      expect(result.produced).toBe('rendered');
      expect(result.mp3.summary).toMatchObject({ integratedLufs: -16.1, truePeakDbtp: -2.1 });
    });

    it("stops the measurement when the run fails, and reports the run's failure", async () => {
      const { adapter, aborted } = measuringAdapter(SUMMARY);
      const failing = new PipelineRunner(adapter).withMeasuredMp3(
        'render',
        ARGS,
        undefined,
        (side) => {
          side.onSideOutput(new PassThrough());
          return Promise.reject(new PipelineError('render: ffmpeg exited with code 1', false));
        },
      );
      await expect(failing).rejects.toThrow('render: ffmpeg exited with code 1');
      expect(aborted()).toBe(true);
    });

    it('stops the run when the measurement fails', async () => {
      const { adapter } = measuringAdapter(['no summary here']);
      let runStopped = false;
      const failing = new PipelineRunner(adapter).withMeasuredMp3(
        'render',
        ARGS,
        undefined,
        (side) => {
          side.onSideOutput(Readable.from([Buffer.from('x')]));
          return new Promise((_, reject) =>
            side.signal.addEventListener('abort', () => {
              runStopped = true;
              reject(new PipelineError('render: ffmpeg was stopped', false));
            }),
          );
        },
      );
      await expect(failing).rejects.toThrow(
        'render: measuring the MP3: ffmpeg gave no loudness measurement',
      );
      expect(runStopped).toBe(true);
    });

    it('stops both when the job is cancelled', async () => {
      const { adapter, aborted } = measuringAdapter(SUMMARY);
      const job = new AbortController();
      const running = new PipelineRunner(adapter).withMeasuredMp3(
        'render',
        ARGS,
        job.signal,
        (side) => {
          side.onSideOutput(new PassThrough());
          return new Promise((_, reject) =>
            side.signal.addEventListener('abort', () =>
              reject(new PipelineError('render: ffmpeg was stopped', false)),
            ),
          );
        },
      );
      job.abort();
      await expect(running).rejects.toThrow('stopped');
      expect(aborted()).toBe(true);
    });
  });
});
