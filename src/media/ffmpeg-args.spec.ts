import {
  analysisArgs,
  originalMeterArgs,
  decimal,
  decodeCheckArgs,
  FfmpegArgs,
  gainTrialArgs,
  listenArgs,
  loudnessArgs,
  measureArgs,
  monoDownmixFilter,
  floatWavBytes,
  inputGuardOptions,
  inputUrl,
  mp3Bytes,
  outputLimitOptions,
  probeArgs,
  RenderChain,
  renderArgs,
  renderFilters,
  renditionTargets,
  windowsLength,
} from './ffmpeg-args';

const chain: RenderChain = {
  trimStartS: 1.25,
  trimEndS: 12.5,
  gainDb: 6.5,
  limiterCeilingDbfs: null,
  compressor: null,
};

function allTokens(args: FfmpegArgs): string[] {
  return [...args.inputOptions, ...(args.moreInputs ?? []).flat(), ...args.outputOptions];
}

describe('ffmpeg arguments', () => {
  it('writes numbers without exponents or noise', () => {
    expect(decimal(1.25)).toBe('1.25');
    expect(decimal(3)).toBe('3');
    expect(decimal(-0.00001)).toBe('0');
    expect(decimal(0.000001234, 9)).toBe('0.000001234');
    expect(() => decimal(Number.NaN)).toThrow();
  });

  it('downmixes stereo by averaging (or by the difference) and other layouts with the standard matrix', () => {
    expect(monoDownmixFilter(1)).toBeNull();
    expect(monoDownmixFilter(1, 'difference')).toBeNull();
    expect(monoDownmixFilter(2)).toBe('pan=mono|c0=0.5*c0+0.5*c1');
    expect(monoDownmixFilter(2, 'difference')).toBe('pan=mono|c0=0.5*c0-0.5*c1');
    expect(monoDownmixFilter(6)).toBe('aformat=channel_layouts=mono');
    expect(monoDownmixFilter(6, 'difference')).toBe(
      'aformat=channel_layouts=stereo,pan=mono|c0=0.5*c0-0.5*c1',
    );
  });

  it('probes as JSON with format and streams, through the one demuxer and the file protocol', () => {
    expect(probeArgs({ path: '/media/incoming/a.part', demuxer: 'ogg' })).toEqual([
      '-v',
      'error',
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'ogg',
      '-f',
      'ogg',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      'file:/media/incoming/a.part',
    ]);
  });

  it('forces the demuxer on every input, and keeps QuickTime from opening other files', () => {
    expect(inputGuardOptions('wav')).toEqual([
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'wav',
      '-f',
      'wav',
    ]);
    expect(inputGuardOptions('mov')).toEqual(
      expect.arrayContaining(['-f', 'mov', '-enable_drefs', '0', '-use_absolute_path', '0']),
    );
    expect(inputUrl('concat:/a|/b')).toBe('file:concat:/a|/b');
  });

  it('bounds every output in duration and size', () => {
    expect(outputLimitOptions({ maxSeconds: 7201, maxBytes: 1234.2 })).toEqual([
      '-t',
      '7201',
      '-fs',
      '1235',
    ]);
    // Float WAV: 4 bytes a sample, at least at the rendition rate, plus headroom.
    expect(floatWavBytes(10, 1, 8000)).toBe(10 * 44100 * 4 + 1024 * 1024);
    expect(floatWavBytes(10, 2, 48000)).toBe(10 * 48000 * 2 * 4 + 1024 * 1024);
    expect(mp3Bytes(8, 128)).toBe(128000 + 1024 * 1024);
  });

  it('decode check decodes the first audio stream to nothing, errors only', () => {
    expect(decodeCheckArgs()).toEqual({
      inputOptions: ['-v', 'error'],
      outputOptions: ['-map', '0:a:0', '-f', 'null'],
    });
  });

  it('pass 1 keeps the sum as float audio and measures both downmixes (sample peak) in one decode', () => {
    const args = analysisArgs(2);
    expect(args.inputOptions).toEqual(['-v', 'info', '-guess_layout_max', '8']);
    expect(args.moreInputs).toBeUndefined();
    expect(args.outputOptions).toEqual([
      '-filter_complex',
      '[0:a:0]asplit=2[sum][difference];' +
        '[difference]pan=mono|c0=0.5*c0-0.5*c1,ebur128@difference=peak=sample:framelog=verbose,anullsink;' +
        '[sum]pan=mono|c0=0.5*c0+0.5*c1,aresample=44100,ebur128@downmix=peak=sample:framelog=info[analysed]',
      '-map',
      '[analysed]',
      '-c:a',
      'pcm_f32le',
      '-f',
      'wav',
    ]);
    expect(args.outputOptions[1]).not.toContain('peak=true');
    expect(analysisArgs(6).outputOptions[1]).toContain(
      '[sum]aformat=channel_layouts=mono,aresample=44100,ebur128@downmix=peak=sample+true:framelog=info[analysed]',
    );
  });

  it("pass 1's other process measures the original as it is, all channels, with true peak", () => {
    expect(originalMeterArgs()).toEqual({
      inputOptions: ['-v', 'info', '-guess_layout_max', '8'],
      outputOptions: ['-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null'],
    });
  });

  it('pass 1 of a mono original measures it once; the difference pass keeps only the downmix', () => {
    expect(analysisArgs(1).outputOptions).toEqual([
      '-map',
      '0:a:0',
      '-af',
      'aresample=44100,ebur128=peak=sample+true:framelog=info',
      '-c:a',
      'pcm_f32le',
      '-f',
      'wav',
    ]);
    expect(analysisArgs(2, 'difference').outputOptions[3]).toBe(
      'pan=mono|c0=0.5*c0-0.5*c1,aresample=44100,ebur128=peak=sample+true:framelog=info',
    );
  });

  it('listens to sample windows in one pass: each window its own seeking input, branches for the codec check and the trials', () => {
    const windows = [
      { startS: 10, endS: 18 },
      { startS: 50.5, endS: 58.5 },
    ];
    const sampleChain = {
      ...chain,
      trimStartS: 0,
      trimEndS: windowsLength(windows),
      limiterCeilingDbfs: -2.5,
    };
    const args = listenArgs(
      {
        windows,
        measureSample: true,
        codec: sampleChain,
        trials: [{ ...sampleChain, gainDb: 8.5 }],
      },
      128,
    );
    expect(windowsLength(windows)).toBe(16);
    expect(args.inputOptions).toEqual(['-v', 'info', '-ss', '10', '-t', '8']);
    expect(args.moreInputs).toEqual([['-ss', '50.5', '-t', '8']]);
    const limiter = 'alimiter=limit=0.749894:attack=5:release=50:level=0';
    expect(args.outputOptions).toEqual([
      '-filter_complex',
      '[0:a:0]afade=t=in:d=0.01,afade=t=out:st=7.99:d=0.01[s0];' +
        '[1:a:0]afade=t=in:d=0.01,afade=t=out:st=7.99:d=0.01[s1];' +
        '[s0][s1]concat=n=2:v=0:a=1,asplit=3[raw][codec][t0];' +
        '[raw]ebur128@sample=framelog=verbose,anullsink;' +
        `[t0]atrim=start=0:end=16,asetpts=PTS-STARTPTS,volume=8.5dB,${limiter},ebur128@trial0=framelog=verbose,anullsink;` +
        `[codec]atrim=start=0:end=16,asetpts=PTS-STARTPTS,volume=6.5dB,${limiter},ebur128@codec=framelog=verbose[encoded]`,
      '-map',
      '[encoded]',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      '-ar',
      '44100',
      '-ac',
      '1',
      '-f',
      'mp3',
    ]);
    expect(() =>
      listenArgs({ windows: [], measureSample: false, codec: chain, trials: [] }, 128),
    ).toThrow();
  });

  it('listens to a short recording whole, without joins', () => {
    const args = listenArgs(
      { windows: [{ startS: 0.5, endS: 40 }], measureSample: false, codec: chain, trials: [] },
      128,
    );
    expect(args.inputOptions).toEqual(['-v', 'info', '-ss', '0.5', '-t', '39.5']);
    expect(args.moreInputs).toEqual([]);
    expect(args.outputOptions[1]).toBe(
      '[0:a:0]asplit=1[codec];[codec]atrim=start=1.25:end=12.5,asetpts=PTS-STARTPTS,volume=6.5dB,ebur128@codec=framelog=verbose[encoded]',
    );
  });

  it('a linear render is trim and gain only', () => {
    expect(renderFilters(chain)).toEqual([
      'atrim=start=1.25:end=12.5',
      'asetpts=PTS-STARTPTS',
      'volume=6.5dB',
    ]);
  });

  it('a dynamic render adds the compressor and a limiter that does not re-level its output', () => {
    const filters = renderFilters({
      ...chain,
      gainDb: 17.26,
      limiterCeilingDbfs: -2.5,
      compressor: { thresholdDbfs: -16, ratio: 1.5 },
    });
    expect(filters[2]).toBe('volume=17.26dB');
    expect(filters[3]).toBe(
      'acompressor=detection=rms:threshold=0.158489:ratio=1.5:attack=20:release=1000:makeup=1',
    );
    expect(filters[4]).toBe('alimiter=limit=0.749894:attack=5:release=50:level=0');
  });

  it('refuses an empty trim range', () => {
    expect(() => renderFilters({ ...chain, trimStartS: 5, trimEndS: 5 })).toThrow();
  });

  it('encodes mono MP3 at 44.1 kHz with the configured bitrate and no copied tags, through the tee muxer', () => {
    const args = renderArgs(chain, 96);
    expect(args.outputOptions).toEqual(
      expect.arrayContaining(['-c:a', 'libmp3lame', '-b:a', '96k', '-ar', '44100', '-ac', '1']),
    );
    expect(args.outputOptions.join(' ')).toContain('-map_metadata -1');
    expect(args.outputOptions.slice(-2)).toEqual(['-f', 'tee']);
  });

  it('tees the rendition to its file and to the side output, escaping the tee syntax in the path', () => {
    expect(renditionTargets('/media/renditions/a.mp3.1f.tmp')).toBe(
      '[f=mp3]file:/media/renditions/a.mp3.1f.tmp|[f=mp3]pipe:3',
    );
    expect(renditionTargets("/m|e[d]i'a\\/a.mp3")).toBe(
      "[f=mp3]file:/m\\|e\\[d\\]i\\'a\\\\/a.mp3|[f=mp3]pipe:3",
    );
  });

  it('a gain trial reads the sample windows and measures integrated loudness without true peak', () => {
    const args = gainTrialArgs([{ startS: 2, endS: 10 }], { ...chain, trimStartS: 0, trimEndS: 8 });
    expect(args.inputOptions).toEqual(['-v', 'info', '-ss', '2', '-t', '8']);
    const filter = args.outputOptions[1];
    expect(filter.endsWith(',ebur128=framelog=verbose[measured]')).toBe(true);
    expect(filter).not.toContain('peak=true');
  });

  it("the codec check's MP3 is measured for integrated loudness only", () => {
    expect(loudnessArgs().outputOptions).toEqual([
      '-map',
      '0:a:0',
      '-af',
      'ebur128=framelog=verbose',
      '-f',
      'null',
    ]);
  });

  it('the rendition is measured with true peak', () => {
    expect(measureArgs().outputOptions).toContain('ebur128=peak=true:framelog=verbose');
  });

  it('never puts a space inside a token (fluent-ffmpeg would split it)', () => {
    for (const args of [
      decodeCheckArgs(),
      analysisArgs(2),
      analysisArgs(6),
      analysisArgs(2, 'difference'),
      originalMeterArgs(),
      gainTrialArgs(
        [
          { startS: 1, endS: 9 },
          { startS: 20, endS: 28 },
        ],
        { ...chain, limiterCeilingDbfs: -3, compressor: { thresholdDbfs: -16, ratio: 2 } },
      ),
      renderArgs(chain, 128),
      listenArgs(
        { windows: [{ startS: 1, endS: 9 }], measureSample: true, codec: chain, trials: [chain] },
        128,
      ),
      loudnessArgs(),
      measureArgs(),
    ]) {
      for (const token of allTokens(args)) expect(token).not.toMatch(/\s/);
    }
  });
});
