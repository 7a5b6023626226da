import { loudnessStreamArgs, parseLoudness, parseProbe, probeStreamArgs } from './source-check';

describe('source checks', () => {
  it('probes and measures 10 s of a stream from its standard input, opening nothing else', () => {
    expect(probeStreamArgs()).toEqual(
      expect.arrayContaining(['-protocol_whitelist', 'pipe', 'pipe:0']),
    );
    const measure = loudnessStreamArgs();
    expect(measure).toEqual(expect.arrayContaining(['-protocol_whitelist', 'pipe']));
    expect(measure.slice(measure.indexOf('-t'), measure.indexOf('-t') + 4)).toEqual([
      '-t',
      '10',
      '-i',
      'pipe:0',
    ]);
    expect(measure).toContain('ebur128=framelog=verbose');
  });

  it('reads the codec, sample rate, channels and the integrated loudness', () => {
    expect(
      parseProbe(
        '{"programs":[],"streams":[{"codec_name":"mp3","sample_rate":"44100","channels":2}]}',
      ),
    ).toEqual({ codec: 'mp3', sampleRate: 44100, channels: 2 });
    expect(parseProbe('{"streams":[]}')).toBeNull();
    expect(parseProbe('not json')).toBeNull();
    const stderr = [
      '[Parsed_ebur128_0 @ 0x1] Summary:',
      '',
      '  Integrated loudness:',
      '    I:         -19.4 LUFS',
      '    Threshold: -29.6 LUFS',
      '',
      '  Loudness range:',
      '    LRA:         2.1 LU',
      '    Threshold: -39.7 LUFS',
      '    LRA low:   -20.5 LUFS',
      '    LRA high:  -18.4 LUFS',
    ].join('\n');
    expect(parseLoudness(stderr)).toBe(-19.4);
    expect(parseLoudness('Connection refused')).toBeNull();
  });
});
