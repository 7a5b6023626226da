import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdgeStore } from '../src/edge/edge-store';
import { receiptProblem } from '../src/fleet/protocol';
import { archivePath } from '../src/playout/sinks/sink-targets';
import { ON_TIME_MS, registerDevice } from './support/fleet-device';
import { eventually } from './support/eventually';
import { durationOf, filesUnder } from './support/media-fixtures';
import {
  clearOfMidnight,
  createActors,
  createWindowsAroundNow,
  createApproved,
  HAC_THANH,
} from './support/schedule-fixtures';
import {
  devicesOnline,
  onFreePorts,
  scheduleOnService,
  ServiceProcess,
  startEdgeProcess,
  startListeningService,
  SYNC_LEAD_MS,
} from './support/service-process';
import { ADMIN, bearer, createTestStorage, startTestApp, TestStorage } from './support/test-app';

jest.setTimeout(180000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface DeviceRow {
  id: string;
  status: string;
  cachedUntil: string | null;
  volume: number | null;
  version: string | null;
  clockSkewMs: number | null;
  publicKey: string | null;
}

/**
 * Two edge players (`node dist/edge/main.js`, file sinks) of one commune in two zones against
 * the real service (a separate process, its embedded broker): they enrol, sync their zones'
 * items, report status and answer commands; the service stops and the items still play on time
 * from the cache; the service comes back and they are online again.
 */
describe('edge players against the service (e2e, real processes)', () => {
  let storage: TestStorage;
  let service: ServiceProcess | null = null;
  const edges: ServiceProcess[] = [];
  let origin: string;
  let serviceEnv: Record<string, string | undefined>;

  beforeAll(async () => {
    storage = await createTestStorage();
    ({ env: serviceEnv, origin } = await onFreePorts(storage.env));
  });

  afterAll(async () => {
    await Promise.all(edges.map((edge) => edge.stop('SIGKILL')));
    await service?.stop();
    await storage.dispose();
  });

  async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { ...bearer(token), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status}`);
    return (await response.json()) as T;
  }

  it('syncs, reports, obeys and plays through an outage', async () => {
    // The commune's program, set up through the app on the service's own storage.
    const app = await startTestApp(storage);
    const who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    const register = (name: string, zones: string[]) =>
      registerDevice(app, who.operator, HAC_THANH, name, zones);
    const thon1 = await register('Cụm loa thôn 1', ['thon-1']);
    const thon2 = await register('Cụm loa thôn 2', ['thon-2']);
    const bulletin = (durationMs: number, title: string, priority?: 'emergency') =>
      createApproved(app, who.operator, who.approver, HAC_THANH, {
        title,
        topics: ['chinh-quyen-so'],
        durationMs,
        priority,
      });
    const everyone = await bulletin(2000, 'Thông báo chung');
    const village = await bulletin(3000, 'Họp thôn 1');
    const urgent = await bulletin(2000, 'Thông báo khẩn: lũ quét', 'emergency');
    await createWindowsAroundNow(app, who.operator, HAC_THANH);
    await app.close();

    service = await startListeningService(serviceEnv);
    const admin = (await api<{ accessToken: string }>('', 'POST', '/api/v1/auth/login', ADMIN))
      .accessToken;

    const dir = (name: string) => join(storage.dir, name);
    const startEdge = (name: string, code: string) =>
      startEdgeProcess({
        serverUrl: origin,
        enrolmentCode: code,
        dir: dir(name),
        env: { EDGE_STATUS_SECONDS: '5' },
      });
    edges.push(startEdge('thon-1', thon1.enrolmentCode), startEdge('thon-2', thon2.enrolmentCode));
    await devicesOnline(origin, admin, HAC_THANH, [thon1.id, thon2.id]);

    // Status as the commune sees it, and a command answered.
    const devices = () => api<DeviceRow[]>(admin, 'GET', `/api/v1/communes/${HAC_THANH}/devices`);
    const identity = (name: string) =>
      JSON.parse(readFileSync(join(dir(name), 'data', 'identity.json'), 'utf8')) as {
        deviceId: string;
        publicKey: string;
      };
    expect(identity('thon-1').deviceId).toBe(thon1.id);
    const command = await api<{ id: string }>(
      admin,
      'POST',
      `/api/v1/communes/${HAC_THANH}/devices/${thon1.id}/commands`,
      { type: 'volume', volume: 40 },
    );
    const acked = await eventually(
      async () => {
        const view = await api<{ ok: boolean | null }>(
          admin,
          'GET',
          `/api/v1/communes/${HAC_THANH}/devices/${thon1.id}/commands/${command.id}`,
        );
        return view.ok === null ? undefined : view;
      },
      { timeoutMs: 15000 },
    );
    expect(acked.ok).toBe(true);
    const row = await eventually(
      async () => {
        const found = (await devices()).find((device) => device.id === thon1.id);
        return found?.volume === 40 ? found : undefined;
      },
      { timeoutMs: 15000 },
    );
    expect(row).toMatchObject({
      version: expect.stringMatching(/^loa-xa-edge /),
      publicKey: identity('thon-1').publicKey,
    });
    expect(Math.abs(row.clockSkewMs ?? 99999)).toBeLessThan(1500);

    // An emergency to thon-2's zone: its play-emergency names an item the box has not synced;
    // it fetches it, plays it at once and acknowledges with its start.
    const sentAt = Date.now();
    const emergency = await api<{ id: string; emergencyId: string }>(
      admin,
      'POST',
      `/api/v1/communes/${HAC_THANH}/schedule/emergency`,
      { bulletinId: urgent, zones: ['thon-2'] },
    );
    const started = await eventually(
      async () => {
        const view = await api<{ acknowledged: { ok: boolean; error: string | null }[] }>(
          admin,
          'GET',
          `/api/v1/emergencies/${emergency.emergencyId}`,
        );
        return view.acknowledged[0];
      },
      { timeoutMs: 15000 },
    );
    expect(started).toMatchObject({ ok: true, error: null });
    await edges[1].waitFor(new RegExp(`Receipt 1: ${emergency.id} aired 2000 ms`), 10000);
    const emergencyFile = filesUnder(join(dir('thon-2'), 'archive')).find((file) =>
      file.includes(emergency.id),
    );
    expect(await durationOf(join(dir('thon-2'), 'archive', emergencyFile!))).toBeCloseTo(2, 1);
    expect(Date.now() - sentAt).toBeLessThan(8000);

    // The commune's program, scheduled now that the clusters are online: the service pushes it,
    // and they cache it before the service stops, 3 s before the first item.
    const printed = edges.map((edge) => edge.output().length);
    const base = clearOfMidnight(Date.now() + SYNC_LEAD_MS + 3000, 7000);
    const i1 = await scheduleOnService(origin, admin, HAC_THANH, {
      bulletinId: everyone,
      startsAt: base,
    });
    const i2 = await scheduleOnService(origin, admin, HAC_THANH, {
      bulletinId: village,
      startsAt: base + 4000,
      zones: ['thon-1'],
    });
    await edges[0].waitFor(/Synced: 2 items/, base - 3000 - Date.now(), printed[0]);
    await edges[1].waitFor(/Synced: 1 items/, base - 3000 - Date.now(), printed[1]);
    await eventually(
      async () => {
        const rows = await devices();
        return rows.every((row) => row.status === 'online' && row.cachedUntil !== null)
          ? rows
          : undefined;
      },
      { timeoutMs: 20000, what: 'both clusters online with their cache' },
    );
    expect(Date.now()).toBeLessThan(base - 3000);

    // The outage: service and broker stop; the items play on time all the same.
    await service.stop();
    service = null;
    await sleep(base + 8000 - Date.now());
    const archived = (name: string, item: { id: string; startsAt: Date }) =>
      archivePath(join(dir(name), 'archive'), HAC_THANH, item.startsAt, item.id);
    expect(await durationOf(archived('thon-1', i1))).toBeCloseTo(2, 1);
    expect(await durationOf(archived('thon-1', i2))).toBeCloseTo(3, 1);
    expect(await durationOf(archived('thon-2', i1))).toBeCloseTo(2, 1);
    expect(existsSync(archived('thon-2', i2))).toBe(false);
    for (const name of ['thon-1', 'thon-2']) {
      const store = await EdgeStore.open(join(dir(name), 'data', 'edge.sqlite'));
      const receipts = await store.receipts();
      await store.close();
      expect(receipts.length).toBe(2);
      for (const receipt of receipts.filter((played) => played.scheduleItemId !== emergency.id)) {
        expect(receiptProblem(receipt, identity(name).publicKey)).toBeNull();
        expect(receipt.outcome).toBe('aired');
        const planned = receipt.scheduleItemId === i1.id ? i1 : i2;
        expect(Math.abs(Date.parse(receipt.startedAt!) - planned.startsAt.getTime())).toBeLessThan(
          ON_TIME_MS,
        );
      }
    }

    // The service comes back: both clusters are online again without being touched.
    service = await startListeningService(serviceEnv);
    const again = (await api<{ accessToken: string }>('', 'POST', '/api/v1/auth/login', ADMIN))
      .accessToken;
    await eventually(
      async () => {
        const rows = await api<DeviceRow[]>(again, 'GET', `/api/v1/communes/${HAC_THANH}/devices`);
        return rows.every((device) => device.status === 'online') ? rows : undefined;
      },
      { timeoutMs: 30000, what: 'both clusters online again' },
    );

    // Their receipts reach the service, which builds the commune's as-run log from them.
    interface RecordRow {
      seq: number;
      scheduleItemId: string;
      outcome: string;
      source: string;
      startedAt: string;
      devices: Record<string, number>;
    }
    const log = await eventually(
      async () => {
        const records = await api<RecordRow[]>(
          again,
          'GET',
          `/api/v1/communes/${HAC_THANH}/playout-log`,
        );
        return records.length >= 3 ? records : undefined;
      },
      { timeoutMs: 60000, what: 'the commune records built from the receipts' },
    );
    const recordOf = (id: string) => log.find((record) => record.scheduleItemId === id);
    expect(recordOf(i1.id)).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      devices: { targeted: 2, aired: 2, partial: 0, missed: 0, unreported: 0 },
    });
    expect(recordOf(i2.id)).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
    });
    // The emergency is on the log as thon-2 played it.
    expect(recordOf(emergency.id)).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
    });
    expect(Math.abs(Date.parse(recordOf(i1.id)!.startedAt) - i1.startsAt.getTime())).toBeLessThan(
      ON_TIME_MS,
    );
    expect(
      await api<{ ok: boolean }>(again, 'GET', `/api/v1/communes/${HAC_THANH}/playout-log/verify`),
    ).toMatchObject({ ok: true });
    const behind = await api<{ deviceId: string }[]>(
      again,
      'GET',
      `/api/v1/communes/${HAC_THANH}/playout-log/${recordOf(i1.id)!.seq}/receipts`,
    );
    expect(behind.map((receipt) => receipt.deviceId).sort()).toEqual([thon1.id, thon2.id].sort());
  });
});
