import { Db } from '../database/db.service';
import { UsersService } from './users.service';

interface Row {
  id: string;
  username: string;
  role: string;
  commune_code: string | null;
  province_code: string | null;
  token_version: number;
  disabled: number;
}

/** A UsersService over an in-memory `user` table that answers the plain query findActive runs. */
function usersOver(table: Row[]): { users: UsersService; queries: string[][] } {
  const queries: string[][] = [];
  const manager = {
    connection: { options: { type: 'sqlite' } },
    query: jest.fn(async (sql: string, parameters: unknown[]) => {
      expect(sql).toMatch(/FROM "user" WHERE id IN \((\?, )*\?\) AND disabled = \?$/);
      const ids = parameters.slice(0, -1) as string[];
      queries.push(ids);
      // Read when the query runs, not when it was asked for.
      const snapshot = table.map((row) => ({ ...row }));
      await new Promise((done) => setImmediate(done));
      return snapshot.filter((row) => ids.includes(row.id) && row.disabled === parameters.at(-1));
    }),
  };
  const db = { manager } as unknown as Db;
  const none = {} as never;
  return { users: new UsersService(none, db, none, none, none, none), queries };
}

const row = (id: string, tokenVersion = 0): Row => ({
  id,
  username: `user-${id}`,
  role: 'operator',
  commune_code: '38001',
  province_code: '38',
  token_version: tokenVersion,
  disabled: 0,
});

describe('UsersService.findActive', () => {
  it('reads the ids asked for while a read runs together, in the next query', async () => {
    const { users, queries } = usersOver([row('a'), row('b'), row('c', 4)]);
    const answers = await Promise.all(['a', 'b', 'c', 'b', 'x'].map((id) => users.findActive(id)));
    expect(queries).toEqual([['a'], ['b', 'c', 'x']]);
    expect(answers.map((user) => user?.id ?? null)).toEqual(['a', 'b', 'c', 'b', null]);
    expect(answers[2]).toEqual({
      id: 'c',
      username: 'user-c',
      role: 'operator',
      communeCode: '38001',
      provinceCode: '38',
      tokenVersion: 4,
    });
  });

  it('never answers a read with a query that began before it was asked for', async () => {
    const table = [row('a')];
    const { users } = usersOver(table);
    const first = users.findActive('a');
    // Revoked while the first read runs: a read asked for now must see it.
    table[0].token_version = 1;
    const second = users.findActive('a');
    table[0].disabled = 1;
    const third = users.findActive('a');
    expect((await first)?.tokenVersion).toBe(0);
    expect(await second).toBeNull();
    expect(await third).toBeNull();
  });
});
