import { EntityManager } from 'typeorm';
import { insertRows, SqlValue } from './bulk-insert';

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

  it('binds a value the rows share once and names it by number in each row (SQLite)', async () => {
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
        sql: 'INSERT INTO item (id, commune, bulletin, status) VALUES (?3, ?1, ?4, ?2), (?5, ?1, ?6, ?2), (?7, ?1, ?8, ?2)',
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

  it('refuses a row of the wrong length before writing anything', async () => {
    const { manager, statements } = recording('sqlite');
    await expect(
      insertRows(manager, 'item', ['id', 'commune'], [['i1', 'c'], ['i2']]),
    ).rejects.toThrow('A row of 1 values for 2 columns of item');
    expect(statements).toEqual([]);
  });
});
