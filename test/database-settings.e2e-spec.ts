import { Database } from 'sqlite3';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/auth/audit.service';
import { Db } from '../src/database/db.service';
import { DropStartedAtIndex1765000002600 } from '../src/database/migrations/1765000002600-drop-started-at-index';
import { AuditSendBackIndex1765000002700 } from '../src/database/migrations/1765000002700-audit-send-back-index';
import { createTestStorage, startTestApp, TestApp, TestStorage } from './support/test-app';

const onSqlite = process.env.TEST_DB === 'postgres' ? it.skip : it;

describe('the service database connection (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api' });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

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
