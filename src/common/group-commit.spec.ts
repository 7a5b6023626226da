import { GroupCommit, Settled } from './group-commit';

const tick = () => new Promise((done) => setImmediate(done));

describe('GroupCommit', () => {
  it('commits a lone request at once and those arriving meanwhile together, each answered', async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const commit = new GroupCommit<number, number>(async (group) => {
      groups.push([...group]);
      if (groups.length === 1) await new Promise<void>((done) => (release = done));
      return group.map((n): Settled<number> =>
        n === 4 ? { ok: false, error: new Error('four refused') } : { ok: true, value: n * 10 },
      );
    }, 10);
    const first = commit.submit(1);
    await tick();
    const later = [2, 3, 4, 5].map((n) => commit.submit(n));
    release();
    await expect(first).resolves.toBe(10);
    await expect(later[0]).resolves.toBe(20);
    await expect(later[1]).resolves.toBe(30);
    await expect(later[2]).rejects.toThrow('four refused');
    await expect(later[3]).resolves.toBe(50);
    expect(groups).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('keeps groups under the limit', async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit<number, number>(async (group) => {
      sizes.push(group.length);
      await tick();
      return group.map((n) => ({ ok: true as const, value: n }));
    }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, n) => commit.submit(n)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });

  it('commits each request alone when the group transaction fails, so errors stay their own', async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const commit = new GroupCommit<number, number>(async (group) => {
      groups.push([...group]);
      if (groups.length === 1) await new Promise<void>((done) => (release = done));
      if (group.includes(13)) throw new Error('database refused 13');
      return group.map((n) => ({ ok: true as const, value: n }));
    }, 10);
    const first = commit.submit(1);
    await tick();
    const later = [12, 13, 14].map((n) => commit.submit(n));
    release();
    await first;
    await expect(later[0]).resolves.toBe(12);
    await expect(later[1]).rejects.toThrow('database refused 13');
    await expect(later[2]).resolves.toBe(14);
    expect(groups).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });
});
