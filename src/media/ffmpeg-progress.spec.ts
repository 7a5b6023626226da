import { JobProgress, parseProgressLine, parseProgressSize } from './ffmpeg-progress';

describe('ffmpeg -progress output', () => {
  it('reads the output time in microseconds and the end marker', () => {
    expect(parseProgressLine('out_time_us=15813061')).toEqual({ outTimeS: 15.813061, done: false });
    expect(parseProgressLine('progress=end')).toMatchObject({ done: true });
    expect(parseProgressLine('progress=continue')).toBeNull();
    expect(parseProgressLine('out_time_us=N/A')).toBeNull();
    expect(parseProgressLine('out_time=00:00:15.813061')).toBeNull();
    expect(parseProgressLine('bitrate=1411.3kbits/s')).toBeNull();
    expect(parseProgressLine('garbage')).toBeNull();
  });
});

describe('JobProgress', () => {
  const stages = [
    { name: 'analyse', weight: 40 },
    { name: 'render', weight: 40 },
    { name: 'measure', weight: 20 },
  ];

  it('weights stages and counts earlier stages as done', () => {
    const progress = new JobProgress(stages);
    expect(progress.at('analyse', 0.5)).toBe(20);
    expect(progress.at('render', 0.25)).toBe(50);
    expect(progress.at('measure', 0.5)).toBe(90);
  });

  it('never goes backwards and stops at 99 until complete', () => {
    const progress = new JobProgress(stages);
    expect(progress.at('render', 0.5)).toBe(60);
    expect(progress.at('render', 0.1)).toBe(60);
    expect(progress.at('measure', 1)).toBe(99);
    expect(progress.complete()).toBe(100);
  });

  it('clamps nonsense fractions and refuses unknown stages', () => {
    const progress = new JobProgress(stages);
    expect(progress.at('analyse', Number.NaN)).toBe(0);
    expect(progress.at('analyse', 7)).toBe(40);
    expect(() => progress.at('upload', 0.5)).toThrow();
    expect(() => new JobProgress([])).toThrow();
  });
});

describe('parseProgressSize', () => {
  it('reads the bytes written so far, and nothing else', () => {
    expect(parseProgressSize('total_size=882046')).toBe(882046);
    expect(parseProgressSize('total_size=N/A')).toBeNull();
    expect(parseProgressSize('out_time_us=15813061')).toBeNull();
  });
});
