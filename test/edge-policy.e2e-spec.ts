import { join } from 'node:path';
import { formatLocalTime, localMsOfDay } from '../src/common/local-time';
import { registerDevice } from './support/fleet-device';
import { eventually } from './support/eventually';
import { filesUnder } from './support/media-fixtures';
import { insertScheduleItem, openDatabase } from './support/playout-fixtures';
import { createActors, createApproved, HAM_RONG, THANH_HOA } from './support/schedule-fixtures';
import {
  devicesOnline,
  logIn,
  onFreePorts,
  ServiceProcess,
  startEdgeProcess,
  startListeningService,
  SYNC_LEAD_MS,
} from './support/service-process';
import { ADMIN, bearer, createTestStorage, startTestApp, TestStorage } from './support/test-app';

jest.setTimeout(180000);

interface RecordJson {
  scheduleItemId: string;
  outcome: string;
  source: string;
  reason: string | null;
}

/**
 * An edge player (`node dist/edge/main.js`, file sink) against the real service: the province's
 * quiet hours cover the present, an item written straight to the log (an import, a bug) falls
 * in them. The box refuses it by the policy of its manifest (receipt `missed` with the rule), the
 * commune's record is `failed` with the rule, and an emergency at the same hour plays.
 */
describe('edge player and the broadcast policy (e2e, real processes)', () => {
  let storage: TestStorage;
  let service: ServiceProcess | null = null;
  let edge: ServiceProcess | null = null;

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    await edge?.stop('SIGKILL');
    await service?.stop();
    await storage.dispose();
  });

  it('refuses an item in quiet hours at play time and lets an emergency through', async () => {
    const app = await startTestApp(storage);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const who = await createActors(app, admin);
    const device = await registerDevice(app, who.otherOperator, HAM_RONG, 'Cụm loa chợ');
    const bulletin = (title: string, priority?: 'emergency') =>
      createApproved(app, who.otherOperator, who.otherApprover, HAM_RONG, {
        title,
        topics: ['kinh-te-so'],
        durationMs: 2000,
        priority,
      });
    // Quiet hours around now, whatever the hour this runs at.
    const minute = Math.floor(localMsOfDay(new Date()) / 60000);
    await app
      .http()
      .put(`/api/v1/provinces/${THANH_HOA}/policy`)
      .set(bearer(admin))
      .send({
        quietHours: {
          from: formatLocalTime((minute + 1440 - 60) % 1440),
          to: formatLocalTime((minute + 60) % 1440),
        },
      })
      .expect(200);
    const refusedBulletin = await bulletin('Tiếp âm nhập nhầm giờ');
    const urgentBulletin = await bulletin('Thông báo khẩn: lũ quét', 'emergency');
    await app.close();

    const { env, origin } = await onFreePorts({
      ...storage.env,
      PLAYOUT_RECEIPT_GRACE_MINUTES: '0',
    });
    service = await startListeningService(env);
    const token = await logIn(origin);
    const dir = join(storage.dir, 'cho');
    edge = startEdgeProcess({ serverUrl: origin, enrolmentCode: device.enrolmentCode, dir });
    await devicesOnline(origin, token, HAM_RONG, [device.id]);

    // With the box online, the items are written straight to the log, and the box is told to
    // sync (the operators' `sync` command).
    const printed = edge.output().length;
    const base = Date.now() + SYNC_LEAD_MS;
    const database = await openDatabase(env);
    const [refused, urgent] = await Promise.all([
      insertScheduleItem(database, {
        communeCode: HAM_RONG,
        bulletinId: refusedBulletin,
        startsAt: new Date(base),
        durationMs: 2000,
      }),
      insertScheduleItem(database, {
        communeCode: HAM_RONG,
        bulletinId: urgentBulletin,
        startsAt: new Date(base + 4000),
        durationMs: 2000,
        source: 'emergency',
      }),
    ]).finally(() => database.destroy());
    const sync = await fetch(
      `${origin}/api/v1/communes/${HAM_RONG}/devices/${device.id}/commands`,
      {
        method: 'POST',
        headers: { ...bearer(token), 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'sync' }),
      },
    );
    expect(sync.status).toBe(202);
    await edge.waitFor(/Synced: 2 items/, base - Date.now(), printed);
    await edge.waitFor(
      new RegExp(`Receipt \\d+: ${refused.id} missed 0 ms \\(.*POLICY_QUIET_HOURS`),
      base - Date.now() + 15000,
    );
    await edge.waitFor(new RegExp(`Receipt \\d+: ${urgent.id} aired 2000 ms`), 20000);
    const archived = filesUnder(join(dir, 'archive'));
    expect(archived.some((file) => file.includes(urgent.id))).toBe(true);
    expect(archived.some((file) => file.includes(refused.id))).toBe(false);

    const records = await eventually(
      async () => {
        const response = await fetch(`${origin}/api/v1/communes/${HAM_RONG}/playout-log`, {
          headers: bearer(token),
        });
        const rows = (await response.json()) as RecordJson[];
        return rows.length >= 2 ? rows : undefined;
      },
      { timeoutMs: 30000, what: 'both records from the receipts' },
    );
    expect(records.find((record) => record.scheduleItemId === refused.id)).toMatchObject({
      source: 'devices',
      outcome: 'failed',
      reason: expect.stringContaining('(POLICY_QUIET_HOURS)'),
    });
    // The emergency aired (the service's player may have taken it too: an emergency's job is due
    // at once, before the box enrolled; that is not the policy's business).
    expect(records.find((record) => record.scheduleItemId === urgent.id)).toMatchObject({
      outcome: 'aired',
    });
  });
});
