import { AppConfig } from '../config/app-config';
import { floatWavBytes, gainTrialArgs, pipedMp3, wav } from './ffmpeg-args';
import { FfmpegAdapter, FfmpegFailure } from './ffmpeg.adapter';
import { FfmpegBinaries } from './ffmpeg-binaries';
import { ProcessOutcome, ProcessRunner, ProcessSpec } from './process-runner';

const config = { ffmpeg: { timeoutMs: 600_000 }, audio: { maxDurationSeconds: 7200 } } as AppConfig;
const binaries = {
  ffmpegPath: '/usr/bin/ffmpeg',
  ffprobePath: '/usr/bin/ffprobe',
} as FfmpegBinaries;

class FakeRunner extends ProcessRunner {
  specs: ProcessSpec[] = [];

  constructor(
    private readonly outcome: Partial<ProcessOutcome>,
    private readonly stdout: string[] = [],
  ) {
    super();
  }

  override run(spec: ProcessSpec): Promise<ProcessOutcome> {
    this.specs.push(spec);
    for (const line of this.stdout) spec.onStdoutLine?.(line);
    return Promise.resolve({
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      stderrTail: [],
      ...this.outcome,
    });
  }
}

describe('FfmpegAdapter', () => {
  it('builds the command line with fluent-ffmpeg: shared options, inputs, progress, output', () => {
    const adapter = new FfmpegAdapter(config, binaries, new FakeRunner({}));
    const args = adapter.commandLine(
      wav('/media/work/a/analysed.wav'),
      gainTrialArgs(
        [
          { startS: 10, endS: 18 },
          { startS: 50, endS: 58 },
        ],
        { trimStartS: 0, trimEndS: 16, gainDb: 3, limiterCeilingDbfs: -2.5, compressor: null },
      ),
      '-',
    );
    const guard = ['-protocol_whitelist', 'file', '-format_whitelist', 'wav', '-f', 'wav'];
    expect(args.slice(0, 18)).toEqual([
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-timelimit',
      '600',
      ...guard,
      '-v',
      'info',
      '-ss',
      '10',
      '-t',
      '8',
      '-i',
    ]);
    expect(args.filter((token) => token === '-i')).toHaveLength(2);
    expect(args.slice(18, 30)).toEqual([
      'file:/media/work/a/analysed.wav',
      ...guard,
      '-ss',
      '50',
      '-t',
      '8',
      '-i',
    ]);
    expect(args).toContain('-progress');
    expect(args[args.length - 1]).toBe('-');
  });

  it('reads a piped MP3 from standard input, through the mp3 demuxer and the pipe protocol only', () => {
    const adapter = new FfmpegAdapter(config, binaries, new FakeRunner({}));
    const args = adapter.commandLine(
      pipedMp3(),
      { inputOptions: [], outputOptions: ['-f', 'null'] },
      '-',
    );
    const input = args.indexOf('-i');
    expect(args.slice(input - 6, input + 2)).toEqual([
      '-protocol_whitelist',
      'pipe',
      '-format_whitelist',
      'mp3',
      '-f',
      'mp3',
      '-i',
      'pipe:0',
    ]);
  });

  it('bounds every output by MEDIA_MAX_DURATION_SECONDS, or by tighter limits of the run', () => {
    const adapter = new FfmpegAdapter(config, binaries, new FakeRunner({}));
    const output = (args: string[]) => args.slice(args.indexOf('-progress'));
    const byDefault = output(
      adapter.commandLine(
        wav('/w/a.wav'),
        { inputOptions: [], outputOptions: ['-f', 'null'] },
        '-',
      ),
    );
    expect(byDefault).toEqual([
      '-progress',
      'pipe:1',
      '-f',
      'null',
      '-t',
      '7201',
      '-fs',
      String(floatWavBytes(7201, 2, 48000)),
      '-',
    ]);
    const tight = output(
      adapter.commandLine(wav('/w/a.wav'), { inputOptions: [], outputOptions: [] }, '/w/b.wav', {
        maxSeconds: 30.5,
        maxBytes: 5000,
      }),
    );
    expect(tight).toEqual(['-progress', 'pipe:1', '-t', '30.5', '-fs', '5000', '/w/b.wav']);
  });

  it('reports the output time from -progress and runs the configured binary with the timeout', async () => {
    const runner = new FakeRunner({}, [
      'out_time_us=2500000',
      'total_size=1024',
      'progress=continue',
      'out_time_us=5000000',
      'total_size=882046',
      'progress=end',
    ]);
    const adapter = new FfmpegAdapter(config, binaries, runner);
    const seen: number[] = [];
    const result = await adapter.run(wav('in.wav'), { inputOptions: [], outputOptions: [] }, '-', {
      onProgress: (seconds) => seen.push(seconds),
    });
    expect(seen).toEqual([2.5, 5]);
    expect(result.outTimeS).toBe(5);
    expect(result.outBytes).toBe(882046);
    expect(runner.specs[0]).toMatchObject({ command: '/usr/bin/ffmpeg', timeoutMs: 600_000 });
  });

  it('turns timeouts, kills and failures into FfmpegFailure', async () => {
    const run = (outcome: Partial<ProcessOutcome>) =>
      new FfmpegAdapter(config, binaries, new FakeRunner(outcome)).run(
        wav('in.wav'),
        { inputOptions: [], outputOptions: [] },
        '-',
      );
    await expect(run({ exitCode: null, signal: 'SIGKILL', timedOut: true })).rejects.toMatchObject({
      kind: 'timeout',
    });
    await expect(run({ exitCode: null, signal: 'SIGKILL', aborted: true })).rejects.toMatchObject({
      kind: 'aborted',
    });
    const failed = run({
      exitCode: 1,
      stderrTail: ['in.wav: Invalid data found when processing input'],
    });
    await expect(failed).rejects.toBeInstanceOf(FfmpegFailure);
    await expect(failed).rejects.toThrow(/exited with code 1: in.wav: Invalid data found/);
  });
});
