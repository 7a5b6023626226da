import { runInThisContext } from 'node:vm';
import { Query, QueryResult } from 'pg';
import { Database } from 'sqlite3';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/auth/audit.service';
import { selectRows, settleAll } from '../src/database/bulk-insert';
import { Db } from '../src/database/db.service';
import { serialPgClient } from '../src/database/serial-pg-client';
import { DropStartedAtIndex1765000002600 } from '../src/database/migrations/1765000002600-drop-started-at-index';
import { AuditSendBackIndex1765000002700 } from '../src/database/migrations/1765000002700-audit-send-back-index';
import { createTestStorage, startTestApp, TestApp, TestStorage } from './support/test-app';

const onSqlite = process.env.TEST_DB === 'postgres' ? it.skip : it;
const onPostgres = process.env.TEST_DB === 'postgres' ? it : it.skip;

/** What pg 8 says when a query is given to a client that runs one: pg 9 refuses it. */
const PG_BUSY_CLIENT = /client is already executing a query/;

describe('the service database connection (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  // Node emits warnings on its own process object, not on the one Jest gives the file; pg warns
  // once a file (its module is loaded afresh for each), so they are watched from the start.
  const nodeProcess = runInThisContext('process') as NodeJS.Process;
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);

  beforeAll(async () => {
    nodeProcess.on('warning', onWarning);
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api' });
  });

  afterAll(async () => {
    nodeProcess.off('warning', onWarning);
    await app.close();
    await storage.dispose();
  });

  /** The warnings so far (Node emits them on the next tick) that pg gave for a busy client. */
  const busyClientWarnings = async (): Promise<string[]> => {
    await new Promise((resolve) => setImmediate(resolve));
    return warnings.filter((message) => PG_BUSY_CLIENT.test(message));
  };

  onPostgres(
    'on PostgreSQL: the statements a transaction gives at once go to its client one at a time',
    async () => {
      const rows = await app.app
        .get(Db)
        .write((manager) =>
          settleAll([
            selectRows<{ n: number }>(manager, 'SELECT 1 AS n FROM pg_sleep(0.02)', []),
            selectRows<{ n: number }>(manager, 'SELECT 2 AS n', []),
            selectRows<{ n: number }>(manager, 'SELECT 3 AS n', []),
            selectRows<{ n: number }>(manager, 'SELECT 4 AS n', []),
          ]),
        );
      expect(rows).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }], [{ n: 4 }]]);
      expect(await busyClientWarnings()).toEqual([]);
    },
  );

  onSqlite(
    'on SQLite: WAL, an 8 MiB page cache, fewer checkpoints, every commit synced',
    async () => {
      const dataSource = app.app.get(DataSource);
      const pragma = async (name: string): Promise<unknown> => {
        const [row] = await dataSource.query<Record<string, unknown>[]>(`PRAGMA ${name}`);
        return Object.values(row)[0];
      };
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('cache_size')).toBe(-8192);
      expect(await pragma('wal_autocheckpoint')).toBe(10000);
      // FULL (2): a commit the API answered survives a power cut.
      expect(await pragma('synchronous')).toBe(2);
    },
  );

  onSqlite(
    'on SQLite: a write holds the write lock from its start, so another process’s commit cannot make it fail',
    async () => {
      // Another process on the same file (the demo's command while the service runs): its own
      // connection, with the service's busy timeout.
      const file = storage.env.DATABASE_URL!.replace(/^sqlite:/, '');
      const other = new Database(file);
      const run = (sql: string, params: string[] = []) =>
        new Promise<void>((done, fail) =>
          other.run(sql, params, (error) => (error ? fail(error) : done())),
        );
      try {
        await run('PRAGMA busy_timeout = 10000');
        let othersWrite: Promise<void> | undefined;
        await app.app.get(Db).write(async (manager) => {
          // A read first, then the other process writes and commits while this one goes on.
          await manager.query('SELECT COUNT(*) AS n FROM app_setting');
          othersWrite = run("INSERT INTO app_setting (key, value) VALUES ('e2e.other', 'b')");
          await new Promise((resolve) => setTimeout(resolve, 300));
          // Begun deferred, this write failed at once: SQLITE_BUSY, the read above being stale.
          await manager.query("INSERT INTO app_setting (key, value) VALUES ('e2e.mine', 'a')");
        });
        // The other process waited for this commit (its busy timeout), then wrote.
        await othersWrite;
        const rows = await app.app
          .get(DataSource)
          .query<{ key: string }[]>(
            "SELECT key FROM app_setting WHERE key LIKE 'e2e.%' ORDER BY rowid",
          );
        expect(rows.map((row) => row.key)).toEqual(['e2e.mine', 'e2e.other']);
      } finally {
        await new Promise<void>((done) => other.close(() => done()));
      }
    },
  );

  onPostgres(
    'on PostgreSQL: a connection takes every form of query in turn, and an error holds up none after it',
    async () => {
      const SerialPgClient = serialPgClient();
      const client = new SerialPgClient({ connectionString: storage.env.DATABASE_URL });
      await client.connect();
      try {
        const answered: string[] = [];
        const settle =
          (name: string, resolve: (n: unknown) => void, reject: (e: Error) => void) =>
          (error: Error | null | undefined, result?: Pick<QueryResult, 'rows'>) => {
            answered.push(name);
            if (error) reject(error);
            else resolve((result!.rows[0] as { n: number }).n);
          };
        const promised = client
          .query<{ n: number }>('SELECT 1 AS n FROM pg_sleep(0.02)')
          .then((result) => {
            answered.push('promise');
            return result.rows[0].n;
          });
        const calledBack = new Promise((resolve, reject) =>
          client.query('SELECT $1::int AS n', [2], settle('callback', resolve, reject)),
        );
        const failed = new Promise((resolve, reject) =>
          client.query('SELECT 1 / 0 AS n', settle('failure', resolve, reject)),
        );
        const custom = new Promise((resolve, reject) =>
          client.query(new Query('SELECT 4 AS n', settle('custom', resolve, reject))),
        );
        const last = client.query<{ n: number }>('SELECT 5 AS n');
        await expect(promised).resolves.toBe(1);
        await expect(calledBack).resolves.toBe(2);
        await expect(failed).rejects.toThrow('division by zero');
        await expect(custom).resolves.toBe(4);
        await expect(last).resolves.toMatchObject({ rows: [{ n: 5 }] });
        expect(answered).toEqual(['promise', 'callback', 'failure', 'custom']);

        // Queries still waiting when the connection closes are answered, with an error.
        const running = client.query('SELECT pg_sleep(0.05)');
        const waiting = client.query('SELECT 6 AS n');
        const closing = client.end();
        await expect(running).rejects.toThrow();
        await expect(waiting).rejects.toThrow();
        await closing;
      } finally {
        await client.end().catch(() => undefined);
      }
      expect(await busyClientWarnings()).toEqual([]);
    },
  );

  it('reads as-run records by time through their commune: no index on started_at alone', async () => {
    const dataSource = app.app.get(DataSource);
    const indexesByTime = async (): Promise<string[][]> => {
      const runner = dataSource.createQueryRunner();
      try {
        const table = await runner.getTable('playout_record');
        return (table?.indices ?? [])
          .filter((index) => index.columnNames.includes('started_at'))
          .map((index) => [...index.columnNames, ...(index.where ? ['(partial)'] : [])]);
      } finally {
        await runner.release();
      }
    };
    expect((await indexesByTime()).sort()).toEqual([
      ['commune_code', 'started_at'],
      ['commune_code', 'started_at', '(partial)'],
    ]);
    // The migration's way down puts the old index back, and its way up takes it away again.
    const migration = new DropStartedAtIndex1765000002600();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      expect(await indexesByTime()).toContainEqual(['started_at']);
      await migration.up(runner);
      expect(await indexesByTime()).not.toContainEqual(['started_at']);
    } finally {
      await runner.release();
    }
  });

  it('keeps the send-backs, and only them, in a partial index of the audit trail', async () => {
    const dataSource = app.app.get(DataSource);
    const sendBackIndexes = async (): Promise<{ columns: string[]; where?: string }[]> => {
      const runner = dataSource.createQueryRunner();
      try {
        const table = await runner.getTable('audit_event');
        return (table?.indices ?? [])
          .filter((index) => index.name === 'IDX_audit_event_send_back')
          .map((index) => ({ columns: index.columnNames, where: index.where }));
      } finally {
        await runner.release();
      }
    };
    const [index] = await sendBackIndexes();
    expect(index.columns).toEqual(['target_id']);
    // Each database writes the condition back in its own way: ((action)::text = '…'::text on PostgreSQL.
    expect(index.where).toMatch(/\baction\b.*=\s*'bulletin\.sent-back'/);
    const migration = new AuditSendBackIndex1765000002700();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      expect(await sendBackIndexes()).toEqual([]);
      await migration.up(runner);
      expect(await sendBackIndexes()).toHaveLength(1);
    } finally {
      await runner.release();
    }
  });

  onSqlite('plans the send-backs of the inbox’s bulletins by their partial index', async () => {
    const [sql, parameters] = app.app
      .get(AuditService)
      .sendBacksQuery(['b1', 'b2'])
      .getQueryAndParameters();
    const plan = await app.app
      .get(DataSource)
      .query<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, parameters);
    expect(plan.map((step) => step.detail).join('; ')).toMatch(
      /USING INDEX IDX_audit_event_send_back \(target_id=\?\)/,
    );
  });

  onSqlite('plans a province’s records over a month by commune and start', async () => {
    const dataSource = app.app.get(DataSource);
    const plan = await dataSource.query<{ detail: string }[]>(
      'EXPLAIN QUERY PLAN SELECT SUM(played_ms) FROM playout_record ' +
        'WHERE commune_code IN (?, ?, ?) AND started_at >= ? AND started_at < ?',
      ['14797', '14800', '14803', '2025-09-30T17:00:00.000Z', '2025-10-31T17:00:00.000Z'],
    );
    expect(plan.map((step) => step.detail).join('; ')).toMatch(
      /USING INDEX \S+ \(commune_code=\? AND started_at>\? AND started_at<\?\)/,
    );
  });
});
