import { jobId, jobOptions } from './queue.constants';

describe('job ids and options', () => {
  it('builds deterministic ids without a colon', () => {
    expect(jobId('playout.play', { scheduleItemId: '0b6c' })).toBe('play-0b6c');
    expect(jobId('audio.process', { assetId: 'a1' })).toBe('audio-a1');
    expect(jobId('maintenance.rollup', { date: '2025-10-01' })).toBe('rollup-2025-10-01');
  });

  it('refuses an id BullMQ would refuse', () => {
    expect(() => jobId('playout.play', { scheduleItemId: 'a:b' })).toThrow(/must not contain ":"/);
  });

  it('never retries a play, retries audio with backoff', () => {
    expect(jobOptions('playout.play', { scheduleItemId: 'x' })).toMatchObject({
      jobId: 'play-x',
      attempts: 1,
    });
    expect(jobOptions('audio.process', { assetId: 'x' })).toMatchObject({
      jobId: 'audio-x',
      attempts: 5,
      backoff: { type: 'exponential' },
    });
  });

  it('retries a statistics delivery with backoff, one job per delivery', () => {
    expect(jobOptions('maintenance.stats-delivery', { deliveryId: 'd1' })).toMatchObject({
      jobId: 'stats-delivery-d1',
      attempts: 9,
      backoff: { type: 'exponential', delay: 30_000 },
    });
    expect(jobId('maintenance.stats-push', {})).toBe('stats-push');
  });
});
