import type { Db } from '../database/db.service';
import { DevicePresenceRecorder } from './device-presence';

function recorder(fail = false) {
  const statements: unknown[][] = [];
  const manager = {
    connection: { options: { type: 'sqlite' } },
    query: jest.fn((_sql: string, parameters: unknown[]) => {
      if (fail) return Promise.reject(new Error('database is locked'));
      statements.push(parameters);
      return Promise.resolve([]);
    }),
  };
  const db = { write: (work: (m: typeof manager) => Promise<unknown>) => work(manager) };
  return { presence: new DevicePresenceRecorder(db as unknown as Db), statements, manager };
}

const cluster = (id: string) => ({ id, communeCode: '14797', provinceCode: '38' });

describe('cluster presence per day', () => {
  it("writes each cluster's first live status of a local day once, several in one statement", async () => {
    const { presence, statements } = recorder();
    presence.seen(cluster('a'), new Date('2025-10-01T17:00:00Z')); // 00:00 local, 2 October
    presence.seen(cluster('a'), new Date('2025-10-01T17:01:00Z'));
    presence.seen(cluster('b'), new Date('2025-10-01T18:00:00Z'));
    await presence.flush();
    expect(statements).toEqual([
      [
        ...['a', '2025-10-02', '14797', '38', '2025-10-01T17:00:00.000Z'],
        ...['b', '2025-10-02', '14797', '38', '2025-10-01T18:00:00.000Z'],
      ],
    ]);
    presence.seen(cluster('a'), new Date('2025-10-02T10:00:00Z'));
    await presence.flush();
    expect(statements).toHaveLength(1);
    presence.seen(cluster('a'), new Date('2025-10-02T17:00:00Z')); // the next local day
    await presence.flush();
    expect(statements[1]).toEqual(['a', '2025-10-03', '14797', '38', '2025-10-02T17:00:00.000Z']);
  });

  it('forgets a batch that failed, so the next status notes it again', async () => {
    const failing = recorder(true);
    failing.presence.seen(cluster('a'), new Date('2025-10-01T17:00:00Z'));
    await failing.presence.flush();
    failing.presence.seen(cluster('a'), new Date('2025-10-01T17:01:00Z'));
    await failing.presence.flush();
    expect(failing.manager.query).toHaveBeenCalledTimes(2);
  });
});
