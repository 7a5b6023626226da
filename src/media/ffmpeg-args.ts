import { Demuxer } from './audio-container';

/**
 * The ffmpeg command lines of the audio pipeline, as pure functions (no process, no file system),
 * so each one is unit-tested without running ffmpeg. The adapter (ffmpeg.adapter.ts) adds the
 * options every run shares (no banner, no stdin, machine-readable progress, CPU time limit) and
 * the input and output paths.
 *
 * No token contains a space: fluent-ffmpeg splits an option holding exactly one space in two.
 */
export interface FfmpegArgs {
  inputOptions: string[];
  outputOptions: string[];
  /** Options of further inputs of the same file (each opened again, e.g. at another position). */
  moreInputs?: string[][];
}

/** A span of audio, in seconds from its start. */
export interface TimeRange {
  startS: number;
  endS: number;
}

/** The broadcast rendition: mono MP3 at 44.1 kHz. */
export const RENDITION_SAMPLE_RATE = 44100;

/** What a render applies between decoding the analysed audio and encoding the MP3. */
export interface RenderChain {
  /** Seconds kept from the analysed audio (leading and trailing silence trimmed). */
  trimStartS: number;
  trimEndS: number;
  gainDb: number;
  /** Sample-peak ceiling of the look-ahead limiter (dBFS), or null when no limiting is needed. */
  limiterCeilingDbfs: number | null;
  /** Slow compression of the loudness range, or null. */
  compressor: CompressorSettings | null;
}

export interface CompressorSettings {
  thresholdDbfs: number;
  ratio: number;
}

/** Enough digits for ffmpeg, no exponent notation, no trailing noise. */
export function decimal(value: number, digits = 4): string {
  if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
  const fixed = value.toFixed(digits);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

export function dbToAmplitude(db: number): number {
  return 10 ** (db / 20);
}

/**
 * How the loudspeakers' one channel is made from several (see downmix.ts for the choice):
 * - `sum`: stereo averaged, (L+R)/2 (a centred voice keeps its level per channel); other layouts
 *   use libswresample's standard mono downmix (LFE left out).
 * - `difference`: the second channel's polarity restored, (L−R)/2; other layouts folded to stereo
 *   by libswresample first. For recordings whose channels cancel in the sum (anti-phase).
 */
export type Downmix = 'sum' | 'difference';

export function monoDownmixFilter(channels: number, downmix: Downmix = 'sum'): string | null {
  if (channels === 1) return null;
  const pair = downmix === 'sum' ? 'pan=mono|c0=0.5*c0+0.5*c1' : 'pan=mono|c0=0.5*c0-0.5*c1';
  if (channels === 2) return pair;
  return downmix === 'sum'
    ? 'aformat=channel_layouts=mono'
    : `aformat=channel_layouts=stereo,${pair}`;
}

/**
 * The named ebur128 meters of pass 1's downmix process (`ebur128@<name>`; ffmpeg prefixes each
 * one's log lines, summary included, with the name):
 * - `downmix`: the mono downmix the rendition is made from (its momentary loudness is logged);
 * - `difference`: the `difference` downmix, integrated loudness and sample peak only, to see
 *   cancellation.
 */
export const METERS = { downmix: 'downmix', difference: 'difference' } as const;

/**
 * ebur128 weights channels by the stream's channel layout. A file that declares none (a WAV
 * without channel mask) gets ffmpeg's default layout for its channel count (6 → 5.1, LFE 4th), as
 * long as it has at most this many channels; without a layout every channel would weigh 1.0.
 */
export const GUESS_LAYOUT_MAX_CHANNELS = 8;

/** Arguments of ffprobe: format and streams as JSON, the input opened as `inputArgs` says. */
export function probeArgs(input: MediaInput): string[] {
  return [
    '-v',
    'error',
    ...inputGuardOptions(input.demuxer),
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    inputUrl(input.path),
  ];
}

/**
 * Decodes the first audio stream to nothing. A truncated or corrupt file shows as error lines and
 * as a decoded duration shorter than the declared one (the progress output carries it).
 */
export function decodeCheckArgs(): FfmpegArgs {
  return {
    inputOptions: ['-v', 'error'],
    outputOptions: ['-map', '0:a:0', '-f', 'null'],
  };
}

/**
 * Pass 1 of a recording with several channels, beside `analysisArgs` (another process, so the two
 * share the cores): the original measured as ITU-R BS.1770 defines it, all its channels, with true
 * peak: the stored input figures, and for stereo the true peak that decides the plan. The 4×
 * oversampling of the true peak is most of pass 1's work; it runs once, here.
 */
export function originalMeterArgs(): FfmpegArgs {
  return {
    inputOptions: ['-v', 'info', '-guess_layout_max', String(GUESS_LAYOUT_MAX_CHANNELS)],
    outputOptions: ['-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null'],
  };
}

/**
 * Pass 1, one decode of the original: downmix to mono, resample to the rendition rate, measure
 * (EBU R128 integrated loudness, loudness range, sample peak, true peak where it is needed, and
 * the momentary loudness every 100 ms, which locates leading and trailing silence), and keep the
 * result as 32-bit float WAV so later passes neither decode the original again nor lose precision.
 * The sample peak is what the render's (sample-peak) limiter sees, and places the gain trials.
 *
 * With several channels the decode is split (asplit) two ways: the `sum` downmix measured and
 * kept (`downmix`), and the `difference` downmix measured only (`difference`, integrated loudness
 * and sample peak). The original itself is measured by another process at the same time
 * (`originalMeterArgs`). The stereo downmix's true peak is not measured (see `downmixPeak`). A
 * mono original is its own downmix: its one meter serves for both. With `downmix = 'difference'`
 * (the rare second pass after cancellation was found) only the kept downmix is measured.
 */
export function analysisArgs(channels: number, downmix: Downmix = 'sum'): FfmpegArgs {
  const kept = [
    monoDownmixFilter(channels, downmix),
    `aresample=${RENDITION_SAMPLE_RATE}`,
    'ebur128=peak=sample+true:framelog=info',
  ].filter((filter): filter is string => filter !== null);
  const encode = ['-c:a', 'pcm_f32le', '-f', 'wav'];
  const inputOptions = ['-v', 'info', '-guess_layout_max', String(GUESS_LAYOUT_MAX_CHANNELS)];
  if (channels === 1 || downmix === 'difference') {
    return { inputOptions, outputOptions: ['-map', '0:a:0', '-af', kept.join(','), ...encode] };
  }
  // (L±R)/2 never peaks above the louder channel, true peak included (the interpolation is
  // linear): for stereo the original's true peak bounds the downmix's, and the costly 4×
  // oversampling runs once, on the original. Other downmixes (libswresample's matrix) may add up.
  const downmixPeak = channels === 2 ? 'sample' : 'sample+true';
  kept[kept.length - 1] = `ebur128@${METERS.downmix}=peak=${downmixPeak}:framelog=info`;
  const graph = [
    '[0:a:0]asplit=2[sum][difference]',
    `[difference]${monoDownmixFilter(channels, 'difference')},ebur128@${METERS.difference}=peak=sample:framelog=verbose,anullsink`,
    `[sum]${kept.join(',')}[analysed]`,
  ];
  return {
    inputOptions,
    outputOptions: ['-filter_complex', graph.join(';'), '-map', '[analysed]', ...encode],
  };
}

/**
 * Where the decisions listen: windows of the analysed audio, each its own input opened at its
 * position (`-ss`/`-t` on a WAV seek exactly without reading what lies before), joined with 10 ms
 * fades (a click at a join would make the limiter work where the recording does not). One window
 * is used as it is.
 */
function windowInputs(windows: readonly TimeRange[]): { first: string[]; more: string[][] } {
  if (windows.length === 0) throw new Error('No sample windows');
  const inputs = windows.map((window) => [
    '-ss',
    decimal(window.startS),
    '-t',
    decimal(window.endS - window.startS),
  ]);
  return { first: inputs[0], more: inputs.slice(1) };
}

/** The graph that joins the window inputs into one stream, up to where `rest` continues it. */
function joinedWindows(windows: readonly TimeRange[], rest: string): string {
  if (windows.length === 1) return `[0:a:0]${rest}`;
  const faded = windows.map((window, i) => {
    const lengthS = window.endS - window.startS;
    return `[${i}:a:0]afade=t=in:d=0.01,afade=t=out:st=${decimal(Math.max(0, lengthS - 0.01))}:d=0.01[s${i}]`;
  });
  const join = `${windows.map((_, i) => `[s${i}]`).join('')}concat=n=${windows.length}:v=0:a=1,${rest}`;
  return [...faded, join].join(';');
}

/** Seconds of audio the joined windows hold. */
export function windowsLength(windows: readonly TimeRange[]): number {
  return windows.reduce((total, window) => total + window.endS - window.startS, 0);
}

/** The named meters of the listening pass (`ebur128@<name>`). */
export const LISTEN_METERS = {
  /** The sample as it is. */
  sample: 'sample',
  /** The codec check's chain, just before the encoder. */
  codec: 'codec',
  trial: (index: number): string => `trial${index}`,
};

/** What one listening pass does on the sample windows. */
export interface ListenPlan {
  windows: readonly TimeRange[];
  /** Measure the sample as it is (`ebur128@sample`). */
  measureSample: boolean;
  /** Rendered, measured (`ebur128@codec`) and encoded as MP3 to the output. */
  codec: RenderChain;
  /** Rendered and measured only (`ebur128@trial<i>`): points of the gain search. */
  trials: readonly RenderChain[];
}

/**
 * The decisions' one pass over the sample windows: the sample measured as it is, the codec
 * check's chain measured just before the MP3 encoder (the MP3 goes to the output, read and
 * measured by another process as it is written), and gain trials through the limiter, each a
 * branch of the same graph (a branch costs a fraction of a process).
 */
export function listenArgs(plan: ListenPlan, bitrateKbps: number): FfmpegArgs {
  const { first, more } = windowInputs(plan.windows);
  const labels = [
    ...(plan.measureSample ? ['raw'] : []),
    'codec',
    ...plan.trials.map((_, i) => `t${i}`),
  ];
  const graph = [
    joinedWindows(
      plan.windows,
      `asplit=${labels.length}${labels.map((label) => `[${label}]`).join('')}`,
    ),
  ];
  if (plan.measureSample) {
    graph.push(`[raw]ebur128@${LISTEN_METERS.sample}=framelog=verbose,anullsink`);
  }
  plan.trials.forEach((trial, i) =>
    graph.push(
      `[t${i}]${[...renderFilters(trial), `ebur128@${LISTEN_METERS.trial(i)}=framelog=verbose`].join(',')},anullsink`,
    ),
  );
  graph.push(
    `[codec]${[...renderFilters(plan.codec), `ebur128@${LISTEN_METERS.codec}=framelog=verbose`].join(',')}[encoded]`,
  );
  return {
    inputOptions: ['-v', 'info', ...first],
    moreInputs: more,
    outputOptions: [
      '-filter_complex',
      graph.join(';'),
      '-map',
      '[encoded]',
      ...mp3Encoding(bitrateKbps),
      '-f',
      'mp3',
    ],
  };
}

/** The filters between the analysed audio and the encoder (or the loudness meter). */
export function renderFilters(chain: RenderChain): string[] {
  if (chain.trimEndS <= chain.trimStartS) {
    throw new Error(`Empty trim range ${chain.trimStartS}..${chain.trimEndS}`);
  }
  const filters = [
    `atrim=start=${decimal(chain.trimStartS)}:end=${decimal(chain.trimEndS)}`,
    'asetpts=PTS-STARTPTS',
    `volume=${decimal(chain.gainDb, 2)}dB`,
  ];
  if (chain.compressor) {
    filters.push(
      [
        'acompressor=detection=rms',
        `threshold=${decimal(dbToAmplitude(chain.compressor.thresholdDbfs), 6)}`,
        `ratio=${decimal(chain.compressor.ratio, 2)}`,
        'attack=20',
        'release=1000',
        'makeup=1',
      ].join(':'),
    );
  }
  if (chain.limiterCeilingDbfs !== null) {
    // level=0: alimiter would otherwise raise its output so the ceiling becomes 0 dBFS.
    filters.push(
      [
        `alimiter=limit=${decimal(dbToAmplitude(chain.limiterCeilingDbfs), 6)}`,
        'attack=5',
        'release=50',
        'level=0',
      ].join(':'),
    );
  }
  return filters;
}

/**
 * One more trial of the gain search, on the sample windows: the render chain without the encoder,
 * measured by ebur128 (integrated loudness only, so no 192 kHz true-peak resampling).
 */
export function gainTrialArgs(windows: readonly TimeRange[], chain: RenderChain): FfmpegArgs {
  const { first, more } = windowInputs(windows);
  return {
    inputOptions: ['-v', 'info', ...first],
    moreInputs: more,
    outputOptions: [
      '-filter_complex',
      joinedWindows(
        windows,
        [...renderFilters(chain), 'ebur128=framelog=verbose[measured]'].join(','),
      ),
      '-map',
      '[measured]',
      '-f',
      'null',
    ],
  };
}

function mp3Encoding(bitrateKbps: number): string[] {
  return [
    '-c:a',
    'libmp3lame',
    '-b:a',
    `${bitrateKbps}k`,
    '-ar',
    String(RENDITION_SAMPLE_RATE),
    '-ac',
    '1',
  ];
}

/**
 * Pass 2: the render chain and the MP3 encoder, one process. The encoded MP3 goes through the tee
 * muxer (see `renditionTargets`) to the rendition file and, as it is written, to the process that
 * measures it. The tee muxer has no size of its own, so `-fs` does not bound it: `-t` does (a
 * constant bitrate MP3's size follows its duration).
 */
export function renderArgs(chain: RenderChain, bitrateKbps: number): FfmpegArgs {
  return {
    inputOptions: ['-v', 'error'],
    outputOptions: [
      '-map',
      '0:a:0',
      '-map_metadata',
      '-1',
      '-af',
      renderFilters(chain).join(','),
      ...mp3Encoding(bitrateKbps),
      '-f',
      'tee',
    ],
  };
}

/**
 * A process's file descriptor 3 (a pipe the process runner opens): where an encoded MP3 goes to
 * be measured by a second process while it is written.
 */
export const SIDE_OUTPUT = 'pipe:3';

/**
 * The tee muxer's targets: the same MP3 packets to the rendition file (seekable, so it gets its
 * Xing/LAME header with the encoder delay) and to the side output. Special characters of the tee
 * syntax in the path are escaped.
 */
export function renditionTargets(path: string): string {
  const escaped = path.replace(/[\\|'[\]]/g, (char) => `\\${char}`);
  return `[f=mp3]${inputUrl(escaped)}|[f=mp3]${SIDE_OUTPUT}`;
}

/** Integrated loudness of an input as it is (no filters, no true peak): the codec check's MP3. */
export function loudnessArgs(): FfmpegArgs {
  return {
    inputOptions: ['-v', 'info'],
    outputOptions: ['-map', '0:a:0', '-af', 'ebur128=framelog=verbose', '-f', 'null'],
  };
}

/** Measures a finished rendition as a listener gets it: the MP3 decoded, true peak included. */
export function measureArgs(): FfmpegArgs {
  return {
    inputOptions: ['-v', 'info'],
    outputOptions: ['-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null'],
  };
}

/** A file an ffmpeg pass reads, with the one demuxer allowed to open it. */
export interface MediaInput {
  /** A file path, or for `pipe` the file descriptor. */
  path: string;
  demuxer: Demuxer;
  /** `file` unless the input is another process's output coming through standard input. */
  protocol?: InputProtocol;
}

export type InputProtocol = 'file' | 'pipe';

/**
 * Options before every input of user data (and of the work files made from it): the demuxer is
 * forced and the only one allowed (a playlist, concat script or SDP file cannot switch to
 * another), only the `file` protocol may be opened, and a QuickTime file may not pull its samples
 * from another file through an external data reference.
 */
export function inputGuardOptions(demuxer: Demuxer, protocol: InputProtocol = 'file'): string[] {
  const options = ['-protocol_whitelist', protocol, '-format_whitelist', demuxer, '-f', demuxer];
  if (demuxer === 'mov') options.push('-enable_drefs', '0', '-use_absolute_path', '0');
  return options;
}

/** The input as a `file:` URL, so no part of its name can be read as another protocol. */
export function inputUrl(path: string, protocol: InputProtocol = 'file'): string {
  return `${protocol}:${path}`;
}

/** How much one ffmpeg pass may write: output duration and output file size. */
export interface OutputLimits {
  maxSeconds: number;
  maxBytes: number;
}

/** `-t` and `-fs` after the output's other options: ffmpeg stops writing at either. */
export function outputLimitOptions(limits: OutputLimits): string[] {
  return ['-t', decimal(limits.maxSeconds, 3), '-fs', String(Math.ceil(limits.maxBytes))];
}

/** Headroom of a work file's size bound over its audio (headers, the last packet). */
const WORK_FILE_SLACK_BYTES = 1024 * 1024;

/**
 * The most bytes a float WAV of `seconds` takes with `channels` at `sampleRate` (or at the
 * rendition rate, whichever is higher): the bound of the analysed audio.
 */
export function floatWavBytes(seconds: number, channels: number, sampleRate: number): number {
  const rate = Math.max(sampleRate, RENDITION_SAMPLE_RATE);
  return Math.ceil(seconds * rate * Math.max(channels, 1) * 4) + WORK_FILE_SLACK_BYTES;
}

/** The most bytes an MP3 of `seconds` at `bitrateKbps` takes. */
export function mp3Bytes(seconds: number, bitrateKbps: number): number {
  return Math.ceil((seconds * bitrateKbps * 1000) / 8) + WORK_FILE_SLACK_BYTES;
}

/** A work file of the pipeline's own: float WAV. */
export function wav(path: string): MediaInput {
  return { path, demuxer: 'wav' };
}

/** A rendition: MP3. */
export function mp3(path: string): MediaInput {
  return { path, demuxer: 'mp3' };
}

/** An MP3 coming from another ffmpeg process, on standard input. */
export function pipedMp3(): MediaInput {
  return { path: '0', demuxer: 'mp3', protocol: 'pipe' };
}
