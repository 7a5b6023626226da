import { SegmentLog } from './relay-segments';

describe('a relay segment log', () => {
  const start = new Date('2025-10-06T05:40:00.000Z');
  const end = new Date('2025-10-06T05:50:00.000Z');
  const primary = { url: 'http://vov.example/vov1.mp3' };
  const backup = { url: 'http://vov.example/backup.mp3' };

  it('extends one segment per content, tiles the output and counts only programme', () => {
    const log = new SegmentLog();
    for (let ms = 0; ms < 1000; ms += 20) log.wrote(primary, 'start', ms, 20);
    for (let ms = 1000; ms < 1500; ms += 20) log.wrote({ silence: true }, 'failed', ms, 20);
    for (let ms = 1500; ms < 3000; ms += 20) log.wrote(backup, 'failed', ms, 20);
    log.wrote({ bulletinId: 'b1' }, 'failed', 3000, 1000);
    expect(log.segments(start, end)).toEqual([
      {
        ...primary,
        startedAt: '2025-10-06T05:40:00.000Z',
        endedAt: '2025-10-06T05:40:01.000Z',
        reason: 'start',
      },
      {
        silence: true,
        startedAt: '2025-10-06T05:40:01.000Z',
        endedAt: '2025-10-06T05:40:01.500Z',
        reason: 'failed',
      },
      {
        ...backup,
        startedAt: '2025-10-06T05:40:01.500Z',
        endedAt: '2025-10-06T05:40:03.000Z',
        reason: 'failed',
      },
      {
        bulletinId: 'b1',
        startedAt: '2025-10-06T05:40:03.000Z',
        endedAt: '2025-10-06T05:40:04.000Z',
        reason: 'failed',
      },
    ]);
    expect(log.playedMs).toBe(3500);
    expect(log.onAir).toEqual({ bulletinId: 'b1' });
  });

  it('opens a new segment when the same URL comes back after another', () => {
    const log = new SegmentLog();
    log.wrote(primary, 'start', 0, 100);
    log.wrote(backup, 'dead-air', 100, 100);
    log.wrote(primary, 'primary-back', 200, 100);
    expect(log.segments(start, end).map((segment) => segment.reason)).toEqual([
      'start',
      'dead-air',
      'primary-back',
    ]);
  });

  it('tiles exactly when rounded positions disagree by a millisecond', () => {
    const log = new SegmentLog();
    // Chunks of 201 bytes: each rounds to 1 ms alone, 201 × 2 bytes to 2 ms, 201 × 3 to 3 ms…
    log.wrote(primary, 'start', 0, 101);
    log.wrote(backup, 'failed', 100, 50);
    const segments = log.segments(start, end);
    expect(segments.map((segment) => [segment.startedAt, segment.endedAt])).toEqual([
      ['2025-10-06T05:40:00.000Z', '2025-10-06T05:40:00.101Z'],
      ['2025-10-06T05:40:00.101Z', '2025-10-06T05:40:00.150Z'],
    ]);
  });

  it('ends with the relay: a last chunk past its measured end is cut, a segment after it left out', () => {
    const log = new SegmentLog();
    log.wrote(primary, 'start', 0, 1000);
    // The output's sums ran 1 ms past the 2 s the placement measured.
    log.wrote(backup, 'failed', 1000, 1001);
    log.wrote({ silence: true }, 'dead-air', 2001, 20);
    const segments = log.segments(start, new Date('2025-10-06T05:40:02.000Z'));
    expect(segments.map((segment) => [segment.startedAt, segment.endedAt])).toEqual([
      ['2025-10-06T05:40:00.000Z', '2025-10-06T05:40:01.000Z'],
      ['2025-10-06T05:40:01.000Z', '2025-10-06T05:40:02.000Z'],
    ]);
  });
});
