import { DataSource } from 'typeorm';
import { DeviceEnrolments1765000003300 } from '../src/database/migrations/1765000003300-device-enrolments';
import { MigrationClass, migrationsUpTo, openMigrated } from './support/migrations';
import { createTestStorage, TestStorage } from './support/test-app';

const KEY = (n: number) => `${String(n).repeat(43).slice(0, 43)}=`;

describe("the device enrolments migration carries each enrolled cluster's current enrolment over (e2e)", () => {
  let storage: TestStorage;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await storage.dispose();
  });

  const open = (migrations: readonly MigrationClass[]): Promise<DataSource> =>
    openMigrated(storage, migrations);

  function enrolments() {
    return dataSource!.query<
      {
        device_id: string;
        seq: number | string;
        public_key: string;
        enrolled_at: string;
        ended_at: string | null;
        ended_by: string | null;
      }[]
    >(
      'SELECT device_id, seq, public_key, enrolled_at, ended_at, ended_by ' +
        'FROM device_enrolment ORDER BY device_id',
    );
  }

  it('backfills the enrolments from the devices, and drops them on the way down with the devices intact', async () => {
    const upTo = migrationsUpTo(DeviceEnrolments1765000003300);
    dataSource = await open(upTo.slice(0, -1));
    // Plain SQL: the entity may have columns of later migrations.
    const device = (
      id: string,
      key: string | null,
      enrolledAt: string | null,
      token: string | null,
      revokedAt: string | null,
      codeUsedAt: string | null,
    ) =>
      `('${id}', '14797', '38', 'Cụm ${id}', '[]', ${[key, enrolledAt, token, revokedAt, codeUsedAt]
        .map((value) => (value === null ? 'NULL' : `'${value}'`))
        .join(', ')}, '2026-12-01T00:00:00.000Z', '2026-12-02T08:00:00.000Z')`;
    await dataSource.query(
      'INSERT INTO device (id, commune_code, province_code, name, zones, public_key, ' +
        'enrolled_at, api_token_hash, revoked_at, enrolment_used_at, created_at, updated_at) VALUES ' +
        [
          device(
            'a-enrolled',
            KEY(1),
            '2026-12-01T01:00:00.000Z',
            'a'.repeat(64),
            null,
            '2026-12-01T01:00:00.000Z',
          ),
          // "Cấp mã mới": revoked, a new code waits unused.
          device(
            'b-rekeyed',
            KEY(2),
            '2026-12-01T02:00:00.000Z',
            null,
            '2026-12-02T03:00:00.000Z',
            null,
          ),
          // "Thu hồi": revoked, its code stays used.
          device(
            'c-revoked',
            KEY(3),
            '2026-12-01T03:00:00.000Z',
            null,
            '2026-12-02T04:00:00.000Z',
            '2026-12-01T03:00:00.000Z',
          ),
          device('d-never', null, null, null, null, null),
        ].join(', '),
    );
    await dataSource.destroy();

    dataSource = await open(upTo);
    expect((await enrolments()).map((row) => ({ ...row, seq: Number(row.seq) }))).toEqual([
      {
        device_id: 'a-enrolled',
        seq: 1,
        public_key: KEY(1),
        enrolled_at: '2026-12-01T01:00:00.000Z',
        ended_at: null,
        ended_by: null,
      },
      {
        device_id: 'b-rekeyed',
        seq: 1,
        public_key: KEY(2),
        enrolled_at: '2026-12-01T02:00:00.000Z',
        ended_at: '2026-12-02T03:00:00.000Z',
        ended_by: 're-keyed',
      },
      {
        device_id: 'c-revoked',
        seq: 1,
        public_key: KEY(3),
        enrolled_at: '2026-12-01T03:00:00.000Z',
        ended_at: '2026-12-02T04:00:00.000Z',
        ended_by: 'revoked',
      },
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await dataSource.createQueryRunner().hasTable('device_enrolment')).toBe(false);
    const devices = await dataSource.query<{ id: string; public_key: string | null }[]>(
      'SELECT id, public_key FROM device ORDER BY id',
    );
    expect(devices).toEqual([
      { id: 'a-enrolled', public_key: KEY(1) },
      { id: 'b-rekeyed', public_key: KEY(2) },
      { id: 'c-revoked', public_key: KEY(3) },
      { id: 'd-never', public_key: null },
    ]);

    // Up again: the same enrolments, once.
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await enrolments()).toHaveLength(3);
  });
});
