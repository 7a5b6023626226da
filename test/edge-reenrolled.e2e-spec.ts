import { readFileSync, rmSync } from 'node:fs';
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
  logIn,
  onFreePorts,
  scheduleOnService,
  ServiceProcess,
  startEdgeProcess,
  startListeningService,
  SYNC_LEAD_MS,
  EDGE_START_LEAD_MS,
} from './support/service-process';
import { ADMIN, bearer, createTestStorage, startTestApp, TestStorage } from './support/test-app';

jest.setTimeout(200000);

/**
 * From the first item's start to the second's: the box plays the first, its receipt is sent and
 * stored, and the box is stopped before the second (2.1 s with both cores busy, 2026-12-07).
 */
const BOX_MOVED_MS = 8000;

/**
 * A box is taken from one cluster (A) to another (B) of the commune: it keeps its data directory
 * (journal, manifest, key), `identity.json` is removed and it starts with B's enrolment code. An
 * item of A's manifest whose time passed while it was down is not B's: the box writes no receipt
 * of it under B (the server would refuse it `not-sent`, and a refusal stops B's uploads), plays
 * B's next item, and its receipt is B's seq 1, accepted and counted. A's receipt of what the box
 * played as A stays, as it was signed, in `set_aside_receipts`.
 */
describe('a box enrolled as another cluster leaves the old cluster’s items (e2e, real processes)', () => {
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

  it('writes no receipt of the old cluster’s items under the new identity', async () => {
    const app = await startTestApp(storage);
    const who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    const a = await registerDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 1 – đình', [
      'thon-1',
    ]);
    const b = await registerDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 1 – chợ', [
      'thon-1',
    ]);
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

    const box = join(storage.dir, 'box');
    const dataDir = join(box, 'data');
    const startEdge = (code: string) => {
      const edge = startEdgeProcess({
        serverUrl: origin,
        enrolmentCode: code,
        dir: box,
        env: { PLAYOUT_LATE_TOLERANCE_MS: '2000' },
      });
      edges.push(edge);
      return edge;
    };

    // As cluster A the box is online before the items are scheduled; the service pushes them.
    const asA = startEdge(a.enrolmentCode);
    await devicesOnline(origin, token, HAC_THANH, [a.id]);
    // The second item passes while the box is down; the box starts as B 3 s after it (past the
    // 2 s tolerance) and has EDGE_START_LEAD_MS to enrol and sync before the third.
    const [downAt, asBAt, forBAt] = [
      BOX_MOVED_MS,
      BOX_MOVED_MS + 3000,
      BOX_MOVED_MS + 3000 + EDGE_START_LEAD_MS,
    ];
    const base = clearOfMidnight(Date.now() + SYNC_LEAD_MS, forBAt + 2000);
    const item = (startsAt: number) =>
      scheduleOnService(origin, token, HAC_THANH, { bulletinId, startsAt, zones: ['thon-1'] });
    const playedAsA = await item(base);
    const whileDown = await item(base + downAt);
    const forB = await item(base + forBAt);

    // As cluster A the box takes all three items, plays the first; its receipt is stored.
    await asA.waitFor(/Synced: 3 items/, base - Date.now());
    await asA.waitFor(
      new RegExp(`Receipt 1: ${playedAsA.id} aired 2000 ms`),
      base - Date.now() + 15000,
    );
    await asA.waitFor(/Receipts 1–1 sent/, 20000);
    expect(await recordOf(playedAsA.id)).toMatchObject({
      outcome: 'aired',
      devices: { targeted: 1, aired: 1, unreported: 0 },
    });
    await asA.stop('SIGTERM');
    expect(Date.now()).toBeLessThan(whileDown.startsAt.getTime());
    // A's credentials are taken ("Cấp mã mới"): the box is going to cluster B.
    const issued = await fetch(
      `${origin}/api/v1/communes/${HAC_THANH}/devices/${a.id}/enrolment-code`,
      { method: 'POST', headers: bearer(token) },
    );
    expect(issued.status).toBe(201);

    // The second item's time passes while the box is down; then it starts as cluster B.
    await new Promise((resolve) => setTimeout(resolve, base + asBAt - Date.now()));
    rmSync(join(dataDir, 'identity.json'));
    const asB = startEdge(b.enrolmentCode);
    await asB.waitFor(new RegExp(`Enrolled as device ${b.id}`), 30000);
    await asB.waitFor(/Synced: 1 item/, forB.startsAt.getTime() - Date.now());
    await asB.waitFor(
      new RegExp(`Receipt 1: ${forB.id} aired 2000 ms`),
      forB.startsAt.getTime() - Date.now() + 15000,
    );
    await asB.waitFor(/Receipts 1–1 sent/, 20000);
    expect(asB.output()).not.toContain(whileDown.id);
    expect(asB.output()).not.toMatch(/RECEIPT_REFUSED/);

    const identity = JSON.parse(readFileSync(join(dataDir, 'identity.json'), 'utf8')) as {
      deviceId: string;
    };
    expect(identity.deviceId).toBe(b.id);
    expect(await recordOf(forB.id)).toMatchObject({
      source: 'devices',
      outcome: 'aired',
      devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
    });
    const journal = await EdgeStore.open(join(dataDir, 'edge.sqlite'));
    try {
      expect(await journal.receipts()).toEqual([
        expect.objectContaining({ deviceId: b.id, seq: 1, scheduleItemId: forB.id }),
      ]);
      expect(await journal.unsentReceipts(10)).toEqual([]);
      // What the box played as A stays as A signed it, aside, never sent under B.
      expect(await journal.setAsideReceipts()).toEqual([
        expect.objectContaining({ deviceId: a.id, seq: 1, scheduleItemId: playedAsA.id }),
      ]);
    } finally {
      await journal.close();
    }
    const alerts = await get<{ kind: string; deviceId: string | null }[]>('/alerts?state=all');
    expect(alerts.filter((alert) => alert.kind === 'receipt-refused')).toEqual([]);
    expect(await get<unknown[]>(`/rejected-receipts?device=${b.id}`)).toEqual([]);
  });
});
