import { DataSource } from 'typeorm';
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
});
