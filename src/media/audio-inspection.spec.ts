import {
  assessDecode,
  cleanToolMessage,
  durationRejection,
  formatDuration,
  isRejection,
  looksLikeCorruptInput,
  ProbedAudio,
  readProbe,
} from './audio-inspection';

const mp3 = JSON.stringify({
  streams: [
    { codec_type: 'video', codec_name: 'mjpeg' },
    {
      codec_type: 'audio',
      codec_name: 'mp3',
      channels: 2,
      sample_rate: '44100',
      duration: '10.866939',
    },
  ],
  format: { format_name: 'mp3', duration: '10.866939' },
});

describe('readProbe', () => {
  it('takes the first audio stream (cover art does not count)', () => {
    expect(readProbe(mp3)).toEqual({
      formatName: 'mp3',
      codec: 'mp3',
      channels: 2,
      sampleRate: 44100,
      declaredDurationS: 10.866939,
    });
  });

  it('falls back to the container duration', () => {
    const json = JSON.stringify({
      streams: [{ codec_type: 'audio', codec_name: 'opus', channels: 1, sample_rate: '48000' }],
      format: { format_name: 'ogg', duration: '3.5' },
    });
    expect(readProbe(json)).toMatchObject({ declaredDurationS: 3.5 });
  });

  it('rejects what is not media, and media without audio', () => {
    expect(readProbe('{}')).toMatchObject({ reason: 'not-audio' });
    expect(readProbe('not json')).toMatchObject({ reason: 'not-audio' });
    const image = JSON.stringify({
      streams: [{ codec_type: 'video', codec_name: 'png' }],
      format: { format_name: 'png_pipe' },
    });
    expect(readProbe(image)).toEqual({
      reason: 'no-audio-stream',
      message: 'The file is png_pipe but holds no audio stream',
    });
  });
});

describe('assessDecode', () => {
  const probe = readProbe(mp3) as ProbedAudio;

  it('accepts a clean, complete decode', () => {
    expect(assessDecode(probe, { exitCode: 0, decodedS: 10.81, errors: [] })).toBeNull();
  });

  it('calls a file that decodes to half its declared length truncated', () => {
    const rejection = assessDecode(probe, {
      exitCode: 0,
      decodedS: 5.38,
      errors: ['invalid new backstep -1'],
    });
    expect(rejection).toEqual({
      reason: 'truncated',
      message:
        'The file is truncated: its header declares 10.9 s of audio but only 5.4 s can be decoded',
    });
  });

  it('calls decoder errors corrupt', () => {
    expect(
      assessDecode(
        { ...probe, declaredDurationS: null },
        { exitCode: 0, decodedS: 5.4, errors: ['Invalid PCM packet'] },
      ),
    ).toMatchObject({ reason: 'corrupt', message: expect.stringContaining('Invalid PCM packet') });
    expect(assessDecode(probe, { exitCode: 1, decodedS: 10.8, errors: [] })).toMatchObject({
      reason: 'corrupt',
    });
  });

  it('refuses recordings too short to measure', () => {
    expect(
      assessDecode(
        { ...probe, declaredDurationS: 0.2 },
        { exitCode: 0, decodedS: 0.2, errors: [] },
      ),
    ).toMatchObject({ reason: 'too-short' });
  });

  it('is a type guard', () => {
    expect(isRejection(probe)).toBe(false);
    expect(isRejection({ reason: 'empty', message: 'x' })).toBe(true);
  });
});

describe('tool messages', () => {
  it('drops the log prefix and the server path', () => {
    expect(
      cleanToolMessage(
        '[mp3float @ 0x55d230936440] /srv/media/incoming/abc.part: invalid frame',
        '/srv/media/incoming/abc.part',
      ),
    ).toBe('input: invalid frame');
  });

  it('recognises corrupt input', () => {
    expect(looksLikeCorruptInput(['x: Invalid data found when processing input'])).toBe(true);
    expect(looksLikeCorruptInput(['ffmpeg was killed with signal SIGKILL'])).toBe(false);
  });
});

describe('durationRejection', () => {
  it('refuses a recording longer than the maximum, from the probe or the decode', () => {
    expect(durationRejection(7200, 7200)).toBeNull();
    expect(durationRejection(null, 7200)).toBeNull();
    expect(durationRejection(36000, 7200)).toEqual({
      reason: 'too-long',
      message: 'The recording is 10 h long; at most 2 h is accepted',
    });
    expect(durationRejection(7201, 7200, true)).toMatchObject({
      reason: 'too-long',
      message: expect.stringMatching(/decodes to more than 2 h/),
    });
    expect(formatDuration(5430)).toBe('1 h 30 min 30 s');
  });
});
