import { parseEbur128Frame, parseEbur128Summary, speechBounds } from './loudness';

const SUMMARY = `size=    2724kB time=00:00:15.81 bitrate=1411.3kbits/s speed=  68x
[Parsed_ebur128_2 @ 0x55cd2b79fa40] Summary:

  Integrated loudness:
    I:         -19.4 LUFS
    Threshold: -29.5 LUFS

  Loudness range:
    LRA:         5.2 LU
    Threshold: -40.2 LUFS
    LRA low:   -24.0 LUFS
    LRA high:  -18.8 LUFS

  True peak:
    Peak:       -0.4 dBFS
`;

describe('ebur128 output', () => {
  it('reads the summary', () => {
    expect(parseEbur128Summary(SUMMARY)).toEqual({
      integratedLufs: -19.4,
      thresholdLufs: -29.5,
      lra: 5.2,
      lraLowLufs: -24,
      lraHighLufs: -18.8,
      truePeakDbtp: -0.4,
      samplePeakDbfs: null,
    });
  });

  it('reads a summary without true peak, and with a sample peak section', () => {
    const text = SUMMARY.replace(
      / {2}True peak:[\s\S]*$/,
      '  Sample peak:\n    Peak:       -3.0 dBFS\n',
    );
    expect(parseEbur128Summary(text)).toMatchObject({
      integratedLufs: -19.4,
      truePeakDbtp: null,
      samplePeakDbfs: -3,
    });
  });

  it('reads the sample peak and the true peak when the meter logs both', () => {
    const text = SUMMARY.replace(
      '  True peak:',
      '  Sample peak:\n    Peak:       -6.3 dBFS\n\n  True peak:',
    );
    expect(parseEbur128Summary(text)).toMatchObject({ truePeakDbtp: -0.4, samplePeakDbfs: -6.3 });
    const silent = text.replace('-6.3 dBFS', '-inf dBFS');
    expect(parseEbur128Summary(silent)).toMatchObject({ samplePeakDbfs: Number.NEGATIVE_INFINITY });
  });

  it('reads silence as -70 LUFS and -inf peak', () => {
    const text = SUMMARY.replace('-19.4 LUFS', '-70.0 LUFS').replace('-0.4 dBFS', '-inf dBFS');
    expect(parseEbur128Summary(text)).toMatchObject({
      integratedLufs: -70,
      truePeakDbtp: Number.NEGATIVE_INFINITY,
    });
  });

  it("reads each named meter's last summary when several meters log", () => {
    const meter = (name: string, text: string): string =>
      text.replace('[Parsed_ebur128_2 @ 0x55cd2b79fa40]', `[ebur128@${name} @ 0x5556df2f6740]`);
    const text = [
      // ffmpeg 5 configures the graph once before running it: empty summaries come first.
      meter('downmix', SUMMARY.replace('-19.4 LUFS', '-70.0 LUFS')),
      meter('original', SUMMARY.replace('-19.4 LUFS', '-70.0 LUFS')),
      meter('downmix', SUMMARY.replace('-19.4 LUFS', '-22.1 LUFS')),
      meter(
        'difference',
        SUMMARY.replace(/ {2}True peak:[\s\S]*$/, '').replace('-19.4 LUFS', '-40.5 LUFS'),
      ),
      meter('original', SUMMARY.replace('-0.4 dBFS', '-1.2 dBFS')),
      '[out#0/wav @ 0x1] video:0kB audio:1875kB',
    ].join('');
    expect(parseEbur128Summary(text, 'original')).toMatchObject({
      integratedLufs: -19.4,
      truePeakDbtp: -1.2,
    });
    expect(parseEbur128Summary(text, 'downmix')).toMatchObject({
      integratedLufs: -22.1,
      truePeakDbtp: -0.4,
    });
    expect(parseEbur128Summary(text, 'difference')).toMatchObject({
      integratedLufs: -40.5,
      truePeakDbtp: null,
    });
    expect(parseEbur128Summary(text, 'missing')).toBeNull();
  });

  it('has no summary when ffmpeg stopped early', () => {
    expect(parseEbur128Summary('Conversion failed!')).toBeNull();
  });

  it('reads per-frame momentary loudness', () => {
    expect(
      parseEbur128Frame(
        '[Parsed_ebur128_2 @ 0x55cd2b79fa40] t: 2.39998    TARGET:-23 LUFS    M: -21.3 S: -25.0     I: -22.1 LUFS       LRA:   1.0 LU  FTPK: -3.1 dBFS  TPK:  -3.0 dBFS',
      ),
    ).toEqual({ t: 2.39998, lufs: -21.3 });
    expect(
      parseEbur128Frame(
        '[Parsed_ebur128_2 @ 0x5] t: 0.0999773  TARGET:-23 LUFS    M:-120.7 S:-120.7     I: -70.0 LUFS',
      ),
    ).toEqual({ t: 0.0999773, lufs: -120.7 });
    expect(
      parseEbur128Frame('[Parsed_ebur128_2 @ 0x5] t: 15.6  TARGET:-23 LUFS    M:   nan S:   nan'),
    ).toEqual({
      t: 15.6,
      lufs: Number.NEGATIVE_INFINITY,
    });
    expect(parseEbur128Frame('Stream mapping:')).toBeNull();
  });
});

describe('speechBounds', () => {
  /** 100 ms frames: silence, then speech from `from` to `to` seconds, then silence. */
  function frames(durationS: number, from: number, to: number, speech = -20, silence = -120) {
    const result = [];
    for (let t = 0.1; t <= durationS + 1e-9; t += 0.1) {
      const windowStart = t - 0.4;
      result.push({
        t: Math.round(t * 10) / 10,
        lufs: t > from && windowStart < to ? speech : silence,
      });
    }
    return result;
  }

  it('cuts leading and trailing silence, keeping a pad', () => {
    const bounds = speechBounds(frames(16, 2, 12.5), -20, 16);
    expect(bounds).not.toBeNull();
    expect(bounds!.startS).toBeGreaterThanOrEqual(1.4);
    expect(bounds!.startS).toBeLessThanOrEqual(2);
    expect(bounds!.endS).toBeGreaterThanOrEqual(12.5);
    expect(bounds!.endS).toBeLessThan(13.1);
  });

  it('judges silence against the recording own loudness (a hiss floor 25 LU down is silence)', () => {
    const bounds = speechBounds(frames(10, 3, 7, -36, -61), -36, 10);
    expect(bounds!.startS).toBeGreaterThan(2.3);
    expect(bounds!.endS).toBeLessThanOrEqual(7.7);
  });

  it('leaves short silences at the ends alone', () => {
    expect(speechBounds(frames(5, 0.1, 4.9), -20, 5)).toEqual({ startS: 0, endS: 5 });
  });

  it('is null for a silent recording', () => {
    expect(speechBounds(frames(5, 10, 10), -70, 5)).toBeNull();
  });
});
