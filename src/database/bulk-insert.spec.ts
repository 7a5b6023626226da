import sqlite3 from 'sqlite3';
import { EntityManager } from 'typeorm';
import { insertRows, settleAll, SqlValue } from './bulk-insert';

/** A manager of the given driver that records the statements it is given. */
function recording(type: 'sqlite' | 'postgres') {
  const statements: { sql: string; parameters: SqlValue[] }[] = [];
  const manager = {
    connection: { options: { type } },
    query: jest.fn((sql: string, parameters: SqlValue[]) => {
      statements.push({ sql, parameters });
      return Promise.resolve([]);
    }),
  } as unknown as EntityManager;
  return { manager, statements };
}

describe('insertRows', () => {
  const rows: SqlValue[][] = [
    ['i1', '14797', 'b1', 'planned'],
    ['i2', '14797', 'b2', 'planned'],
    ['i3', '14797', 'b1', 'planned'],
  ];

  it('binds a value the rows share once, numbers the first row and repeats one tuple (SQLite)', async () => {
    const { manager, statements } = recording('sqlite');
    await insertRows(
      manager,
      'item',
      ['id', 'commune', 'bulletin', 'status'],
      rows,
      undefined,
      true,
    );
    expect(statements).toEqual([
      {
        sql: 'INSERT INTO item (id, commune, bulletin, status) VALUES (?3, ?1, ?4, ?2), (?, ?1, ?, ?2), (?, ?1, ?, ?2)',
        parameters: ['14797', 'planned', 'i1', 'b1', 'i2', 'b2', 'i3', 'b1'],
      },
    ]);
  });

  it('numbers them the same way on PostgreSQL, with the conflict clause', async () => {
    const { manager, statements } = recording('postgres');
    await insertRows(
      manager,
      'item',
      ['id', 'commune'],
      rows.slice(0, 2).map((row) => row.slice(0, 2)),
      'DO NOTHING',
      true,
    );
    expect(statements).toEqual([
      {
        sql: 'INSERT INTO item (id, commune) VALUES ($2, $1), ($3, $1) ON CONFLICT DO NOTHING',
        parameters: ['14797', 'i1', 'i2'],
      },
    ]);
  });

  it('puts as many rows in a statement as the values of their own leave room for', async () => {
    const shared = recording('sqlite');
    const many: SqlValue[][] = Array.from({ length: 3000 }, (_, index) => [`i${index}`, 'c', 1]);
    await insertRows(shared.manager, 'item', ['id', 'commune', 'n'], many, undefined, true);
    // 7,998 parameters left after the two shared values, one of its own a row: one statement.
    expect(shared.statements).toHaveLength(1);
    expect(shared.statements[0].parameters).toHaveLength(3002);
    const unshared = recording('sqlite');
    await insertRows(unshared.manager, 'item', ['id', 'commune', 'n'], many);
    // 8,000 parameters, three a row: 2,666 rows, then the other 334.
    expect(unshared.statements.map((statement) => statement.parameters.length)).toEqual([
      7998, 1002,
    ]);
  });

  it('binds every value in row order unless asked to share', async () => {
    const { manager, statements } = recording('sqlite');
    await insertRows(
      manager,
      'item',
      ['id', 'commune'],
      [
        ['i1', 'c'],
        ['i2', 'c'],
      ],
    );
    expect(statements).toEqual([
      {
        sql: 'INSERT INTO item (id, commune) VALUES (?, ?), (?, ?)',
        parameters: ['i1', 'c', 'i2', 'c'],
      },
    ]);
  });

  it('stores every value in its place in a real SQLite database, shared or not', async () => {
    const db = new sqlite3.Database(':memory:');
    const run = (sql: string, parameters: SqlValue[] = []) =>
      new Promise<unknown[]>((resolve, reject) =>
        db.all(sql, parameters, (error, result) => (error ? reject(error) : resolve(result))),
      );
    const manager = {
      connection: { options: { type: 'sqlite' } },
      query: run,
    } as unknown as EntityManager;
    try {
      await run('CREATE TABLE item (id TEXT, commune TEXT, bulletin TEXT, status TEXT, n INTEGER)');
      // Shared columns before, between and after the others; a shared value in the first column.
      // 5,000 rows of 3 values of their own: two statements (2,666 rows fit in the first).
      const many: SqlValue[][] = Array.from({ length: 5000 }, (_, index) => [
        'same',
        `i${index}`,
        '14797',
        index % 3 === 0 ? 'b1' : `b${index}`,
        index,
      ]);
      const columns = ['status', 'id', 'commune', 'bulletin', 'n'];
      await insertRows(manager, 'item', columns, many, undefined, true);
      await insertRows(manager, 'item', columns, many.slice(0, 2), undefined, false);
      const stored = await run('SELECT status, id, commune, bulletin, n FROM item ORDER BY rowid');
      expect(stored).toEqual(
        [...many, ...many.slice(0, 2)].map(([status, id, commune, bulletin, n]) => ({
          status,
          id,
          commune,
          bulletin,
          n,
        })),
      );
    } finally {
      await new Promise((resolve) => db.close(resolve));
    }
  });

  it('refuses a row of the wrong length before writing anything', async () => {
    const { manager, statements } = recording('sqlite');
    await expect(
      insertRows(manager, 'item', ['id', 'commune'], [['i1', 'c'], ['i2']]),
    ).rejects.toThrow('A row of 1 values for 2 columns of item');
    expect(statements).toEqual([]);
  });
});

describe('settleAll', () => {
  it('gives the values in the order of the runs', async () => {
    const later = new Promise<string>((resolve) => setTimeout(() => resolve('b'), 20));
    await expect(settleAll([Promise.resolve(1), later])).resolves.toEqual([1, 'b']);
  });

  it('throws the first failure only once every run has settled', async () => {
    const settled: string[] = [];
    const failing = Promise.reject(new Error('UNIQUE constraint failed'));
    const slow = new Promise<void>((resolve) =>
      setTimeout(() => {
        settled.push('slow');
        resolve();
      }, 30),
    );
    await expect(settleAll([failing, slow])).rejects.toThrow('UNIQUE constraint failed');
    expect(settled).toEqual(['slow']);
  });
});
