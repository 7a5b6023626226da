import { LoadShedder } from './load-shedder';

describe('LoadShedder', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('admits up to its bound, queues the next ones in order and refuses past the queue', async () => {
    const shedder = new LoadShedder({ maxInFlight: 2, maxQueued: 2, queueTimeoutMs: 1000 });
    expect(await shedder.acquire()).toBe(true);
    expect(await shedder.acquire()).toBe(true);
    const admitted: string[] = [];
    const third = shedder.acquire().then((ok) => ok && admitted.push('third'));
    const fourth = shedder.acquire().then((ok) => ok && admitted.push('fourth'));
    expect(shedder.waiting).toBe(2);
    expect(await shedder.acquire()).toBe(false);

    shedder.release();
    await third;
    expect(admitted).toEqual(['third']);
    shedder.release();
    await fourth;
    expect(admitted).toEqual(['third', 'fourth']);
    expect(shedder.active).toBe(2);
    shedder.release();
    shedder.release();
    expect(shedder.active).toBe(0);
  });

  it('refuses a request that waited past the timeout, and says when to retry', async () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxQueued: 5, queueTimeoutMs: 2500 });
    await shedder.acquire();
    const waiting = shedder.acquire();
    jest.advanceTimersByTime(2500);
    expect(await waiting).toBe(false);
    expect(shedder.waiting).toBe(0);
    expect(shedder.retryAfterSeconds).toBe(3);
  });

  it('lets a cancelled waiter leave the queue', async () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxQueued: 5, queueTimeoutMs: 1000 });
    await shedder.acquire();
    let cancel: () => void = () => undefined;
    const waiting = shedder.acquire((fn) => (cancel = fn));
    cancel();
    expect(await waiting).toBe(false);
    expect(shedder.waiting).toBe(0);
    shedder.release();
    expect(shedder.active).toBe(0);
  });
});
