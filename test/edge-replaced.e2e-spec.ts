import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdgeStore } from '../src/edge/edge-store';
import { registerDevice } from './support/fleet-device';
import {
  clearOfMidnight,
  createActors,
  createWindowsAroundNow,
  createApproved,
  HAC_THANH,
} from './support/schedule-fixtures';
import {
  communeReader,
  devicesOnline,
  EDGE_START_LEAD_MS,
  logIn,
  onFreePorts,
  scheduleOnService,
  ServiceProcess,
  startEdgeProcess,
  startListeningService,
  SYNC_LEAD_MS,
} from './support/service-process';
import { ADMIN, bearer, createTestStorage, startTestApp, TestStorage } from './support/test-app';

jest.setTimeout(180000);

/**
 * From the first item's start to the new box's: the old box plays it, its receipt is stored, a
 * new code is issued and the old box stops (about 2 s with both cores busy, 2026-12-07).
 */
const REPLACED_MS = 8000;

/**
 * A cluster's box is replaced: the first edge player (`node dist/edge/main.js`) plays an item
 * and its receipt is stored; the operator issues a new enrolment code ("Cấp mã mới"); a new
 * edge player, with an empty data directory (no journal) and so a new key, enrols with it, plays
 * the next item, and its receipt goes on from where the cluster's chain ended: accepted, counted
 * in the commune's record, and no alert says the cluster's receipts were forked.
 */
describe('a replaced speaker box goes on with its cluster’s receipt chain (e2e, real processes)', () => {
  let storage: TestStorage;
  let service: ServiceProcess | null = null;
  const edges: ServiceProcess[] = [];

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    await Promise.all(edges.map((edge) => edge.stop('SIGKILL')));
    await service?.stop();
    await storage.dispose();
  });

  it('a new box with a fresh journal and a new key has its receipt accepted and counted', async () => {
    const app = await startTestApp(storage);
    const who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    const device = await registerDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 1', ['thon-1']);
    const bulletinId = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Họp thôn 1',
      topics: ['chinh-quyen-so'],
      durationMs: 2000,
    });
    await createWindowsAroundNow(app, who.operator, HAC_THANH);
    await app.close();

    const { env, origin } = await onFreePorts(storage.env);
    service = await startListeningService(env);
    const token = await logIn(origin);
    const { get, recordOf } = communeReader(origin, token, HAC_THANH);

    const dataDir = (name: string) => join(storage.dir, name, 'data');
    const startEdge = (name: string, code: string) => {
      const edge = startEdgeProcess({
        serverUrl: origin,
        enrolmentCode: code,
        dir: join(storage.dir, name),
      });
      edges.push(edge);
      return edge;
    };

    // The first box is online before the items are scheduled; the service pushes them. The old
    // box is replaced within REPLACED_MS of the first item's start, and the new box then has
    // EDGE_START_LEAD_MS to enrol and sync before the second.
    const old = startEdge('old-box', device.enrolmentCode);
    await devicesOnline(origin, token, HAC_THANH, [device.id]);
    const secondAt = REPLACED_MS + EDGE_START_LEAD_MS;
    const base = clearOfMidnight(Date.now() + SYNC_LEAD_MS, secondAt + 2000);
    const item = (startsAt: number) =>
      scheduleOnService(origin, token, HAC_THANH, { bulletinId, startsAt, zones: ['thon-1'] });
    const first = await item(base);
    const second = await item(base + secondAt);

    // The first box plays the first item; the server stores its receipt (seq 1).
    await old.waitFor(/Synced: 2 items/, base - Date.now());
    await old.waitFor(
      new RegExp(`Receipt 1: ${first.id} aired 2000 ms`),
      base - Date.now() + 15000,
    );
    await old.waitFor(/Receipts 1–1 sent/, 20000);
    expect(await recordOf(first.id)).toMatchObject({
      outcome: 'aired',
      devices: { targeted: 1, aired: 1, unreported: 0 },
    });

    // The box is replaced: "Cấp mã mới", and the new box starts with nothing of the old one.
    const issued = await fetch(
      `${origin}/api/v1/communes/${HAC_THANH}/devices/${device.id}/enrolment-code`,
      { method: 'POST', headers: bearer(token) },
    );
    expect(issued.status).toBe(201);
    const { enrolmentCode } = (await issued.json()) as { enrolmentCode: string };
    await old.stop('SIGTERM');
    const replaced = startEdge('new-box', enrolmentCode);
    await replaced.waitFor(/goes on from the server's seq 1 \(the enrolment\)/, 30000);
    await replaced.waitFor(/Synced: \d+ items?/, second.startsAt.getTime() - Date.now());
    await replaced.waitFor(
      new RegExp(`Receipt 2: ${second.id} aired 2000 ms`),
      second.startsAt.getTime() - Date.now() + 15000,
    );
    await replaced.waitFor(/Receipts 2–2 sent/, 20000);

    const identity = (name: string) =>
      JSON.parse(readFileSync(join(dataDir(name), 'identity.json'), 'utf8')) as {
        deviceId: string;
        publicKey: string;
      };
    expect(identity('new-box').deviceId).toBe(device.id);
    expect(identity('new-box').publicKey).not.toBe(identity('old-box').publicKey);

    // Its receipt is the cluster's seq 2, on the old box's seq 1, accepted and counted.
    expect(await recordOf(second.id)).toMatchObject({
      source: 'devices',
      outcome: 'aired',
      devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
    });
    const journal = await EdgeStore.open(join(dataDir('new-box'), 'edge.sqlite'));
    const oldJournal = await EdgeStore.open(join(dataDir('old-box'), 'edge.sqlite'));
    try {
      const [receipt] = await journal.receipts();
      const [held] = await oldJournal.receipts();
      expect(receipt).toMatchObject({ seq: 2, prevHash: held.hash, scheduleItemId: second.id });
      expect(await journal.unsentReceipts(10)).toEqual([]);
    } finally {
      await journal.close();
      await oldJournal.close();
    }
    // No alert, open or cleared, says the cluster's receipts were refused or forked.
    const alerts = await get<{ kind: string; deviceId: string | null }[]>('/alerts?state=all');
    expect(alerts.filter((alert) => alert.kind === 'receipt-refused')).toEqual([]);
    expect(await get<unknown[]>(`/rejected-receipts?device=${device.id}`)).toEqual([]);
    expect(replaced.output()).not.toMatch(/RECEIPT_REFUSED/);
  });
});
