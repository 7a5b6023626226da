import { Mutex } from './mutex';

describe('Mutex', () => {
  it('runs tasks one at a time, in order, even when one fails', async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      mutex.run(task('a')),
      mutex.run(task('b', true)),
      mutex.run(task('c')),
    ]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs an urgent task before those waiting, after the one running', async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${name}`);
    };
    await Promise.all([
      mutex.run(task('a')),
      mutex.run(task('b')),
      mutex.run(task('c')),
      mutex.run(task('urgent'), { urgent: true }),
      mutex.run(() => Promise.reject(new Error('x')), { urgent: true }).catch(() => undefined),
      mutex.run(task('urgent 2'), { urgent: true }),
    ]);
    expect(events).toEqual([
      'start a',
      'end a',
      'start urgent',
      'end urgent',
      'start urgent 2',
      'end urgent 2',
      'start b',
      'end b',
      'start c',
      'end c',
    ]);
  });

  it('goes on after a task that throws before returning its promise', async () => {
    const mutex = new Mutex();
    await expect(
      mutex.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(mutex.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
