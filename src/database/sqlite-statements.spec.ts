import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, QueryFailedError } from 'typeorm';
import { execute, insertRows, selectRows, SqlValue } from './bulk-insert';
import { preparedCount, runPrepared } from './sqlite-statements';

describe('prepared statements on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-statements-'));
    dataSource = new DataSource({ type: 'sqlite', database: join(dir, 'test.sqlite') });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id TEXT PRIMARY KEY, commune TEXT, n INTEGER)');
  });

  afterEach(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prepares a statement once and runs it again, reading and writing', async () => {
    const manager = dataSource.manager;
    for (let n = 0; n < 5; n += 1) {
      await insertRows(manager, 'item', ['id', 'commune', 'n'], [[`i${n}`, '14797', n]]);
    }
    const changed = await execute(manager, 'UPDATE item SET n = n + 10 WHERE commune = ?', [
      '14797',
    ]);
    const rows = await selectRows<{ id: string; n: number }>(
      manager,
      'SELECT id, n FROM item WHERE n >= ? ORDER BY id',
      [12],
    );
    expect(changed).toBe(5);
    expect(rows).toEqual([
      { id: 'i2', n: 12 },
      { id: 'i3', n: 13 },
      { id: 'i4', n: 14 },
    ]);
    // The INSERT, the UPDATE and the SELECT: three statements for seven runs.
    expect(preparedCount(manager)).toBe(3);
  });

  it('writes many rows in statements given at once, in the order of the rows', async () => {
    // The commune bound once, two values of their own a row: six statements of 750 rows given at
    // once, then one of the 480 left over.
    const rows: SqlValue[][] = Array.from({ length: 4980 }, (_, n) => [`i${n}`, '14797', n]);
    await dataSource.transaction((manager) =>
      insertRows(manager, 'item', ['id', 'commune', 'n'], rows, undefined, true),
    );
    const stored = await dataSource.query<{ n: number }[]>('SELECT n FROM item ORDER BY rowid');
    expect(stored.map((row) => row.n)).toEqual(rows.map((row) => row[2]));
    expect(preparedCount(dataSource.manager)).toBe(2);
  });

  it('answers a failed run with QueryFailedError and runs the statement again afterwards', async () => {
    const manager = dataSource.manager;
    await insertRows(manager, 'item', ['id', 'commune', 'n'], [['i1', '14797', 1]]);
    await expect(
      insertRows(manager, 'item', ['id', 'commune', 'n'], [['i1', '14797', 2]]),
    ).rejects.toThrow(QueryFailedError);
    await insertRows(manager, 'item', ['id', 'commune', 'n'], [['i2', '14797', 2]]);
    expect(await dataSource.query('SELECT id, n FROM item ORDER BY id')).toEqual([
      { id: 'i1', n: 1 },
      { id: 'i2', n: 2 },
    ]);
  });

  it('answers a statement SQLite cannot prepare instead of leaving its runs waiting', async () => {
    const manager = dataSource.manager;
    const read = () => selectRows(manager, 'SELECT id FROM missing WHERE id = ?', ['a']);
    const first = read();
    const second = read();
    await expect(first).rejects.toThrow(/no such table: missing/);
    await expect(second).rejects.toThrow(QueryFailedError);
    await dataSource.query('CREATE TABLE missing (id TEXT)');
    await expect(read()).resolves.toEqual([]);
  });

  it('keeps a bounded text of statements, the least recently used going first', async () => {
    const manager = dataSource.manager;
    const padded = (n: number) => `SELECT id FROM item WHERE n = ? /* ${'x'.repeat(2000)} ${n} */`;
    await selectRows(manager, padded(0), [0]);
    for (let n = 1; n < 100; n += 1) {
      await selectRows(manager, padded(n), [n]);
      // The first stays the most recently used of all.
      await selectRows(manager, padded(0), [0]);
    }
    // 64 kB of text: 32 statements of ~2 kB.
    expect(preparedCount(manager)).toBe(Math.floor((64 * 1024) / padded(50).length));
    // One longer than 16 kB runs without being kept.
    const long = `SELECT count(*) AS n FROM item /* ${'y'.repeat(17_000)} */`;
    expect(await selectRows(manager, long, [])).toEqual([{ n: 0 }]);
    expect(runPrepared(manager, long, [], 'all')).toBeNull();
    expect(preparedCount(manager)).toBe(32);
  });

  it('answers the runs of a statement dropped from the cache before SQLite prepared it', async () => {
    const manager = dataSource.manager;
    await insertRows(manager, 'item', ['id', 'commune', 'n'], [['i1', '14797', 1]]);
    const first = selectRows(manager, 'SELECT id FROM item WHERE n = ?', [1]);
    // 80 kB of other statements given at once: the first is dropped while still being prepared.
    const others = Array.from({ length: 40 }, (_, n) =>
      selectRows(manager, `SELECT n FROM item WHERE id = ? /* ${'x'.repeat(2000)} ${n} */`, ['i1']),
    );
    expect(preparedCount(manager)).toBeLessThan(41);
    await expect(first).resolves.toEqual([{ id: 'i1' }]);
    await expect(Promise.all(others)).resolves.toEqual(others.map(() => [{ n: 1 }]));
  });

  it('lets the data source close with statements kept', async () => {
    await selectRows(dataSource.manager, 'SELECT id FROM item', []);
    expect(preparedCount(dataSource.manager)).toBe(1);
    await expect(dataSource.destroy()).resolves.toBeUndefined();
  });

  it('leaves other databases to their driver', () => {
    const manager = { connection: { options: { type: 'postgres' } } } as DataSource['manager'];
    expect(runPrepared(manager, 'SELECT 1', [], 'all')).toBeNull();
  });
});
