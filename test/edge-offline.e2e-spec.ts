import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Receipt, receiptProblem, RECEIPT_GENESIS_HASH } from '../src/fleet/protocol';
import { EDGE_REASONS } from '../src/edge/edge-playback';
import { archivePath } from '../src/playout/sinks/sink-targets';
import { eventually } from './support/eventually';
import { EdgeServerStub, StubAudio, stubAudio } from './support/edge-server-stub';
import { ON_TIME_MS } from './support/fleet-device';
import { durationOf, ffmpeg } from './support/media-fixtures';
import { ServiceProcess, startEdgeProcess } from './support/service-process';

jest.setTimeout(180000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tone(dir: string, name: string, seconds: number, frequency: number) {
  const path = join(dir, name);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${frequency}:sample_rate=44100:duration=${seconds}`,
    '-ac',
    '1',
    '-b:a',
    '64k',
    path,
  ]);
  return stubAudio(path);
}

interface Edge {
  name: string;
  dataDir: string;
  archiveDir: string;
  process: ServiceProcess;
  code: string;
}

/**
 * The edge player as real processes (`node dist/edge/main.js`, file sinks, a data folder each)
 * against a server that follows the device protocol and then goes away: items play on time from
 * the cache, a SIGKILL mid-item is `partial` and never plays twice, an item missed while down is
 * `missed`, a corrupted cache file is not played and is fetched again, receipts reach the server
 * when it is back. No database takes part (the server is the protocol stub), so the PostgreSQL
 * run skips it: it would repeat the same 45 s of playback.
 */
const describeOnce = process.env.TEST_DB === 'postgres' ? describe.skip : describe;

describeOnce('edge player offline (e2e, real processes)', () => {
  let dir: string;
  const stub = new EdgeServerStub();
  const edges: Edge[] = [];

  /** Starts (or starts again) the box `name`, its folder `dir/name`. */
  function startEdge(edge: Pick<Edge, 'name' | 'code'>): Edge {
    const box = join(dir, edge.name);
    const process = startEdgeProcess({
      serverUrl: stub.origin,
      enrolmentCode: edge.code,
      dir: box,
      env: { PLAYOUT_LATE_TOLERANCE_MS: '1000', EDGE_SYNC_SECONDS: '5' },
    });
    return {
      name: edge.name,
      code: edge.code,
      dataDir: join(box, 'data'),
      archiveDir: join(box, 'archive'),
      process,
    };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-edge-'));
    await stub.start();
  });

  afterAll(async () => {
    await Promise.all(edges.map((edge) => edge.process.stop('SIGKILL')));
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays from the cache through an outage, a crash and a corrupted file', async () => {
    const [short, long, other] = await Promise.all([
      tone(dir, 'short.mp3', 2, 440),
      tone(dir, 'long.mp3', 6, 550),
      tone(dir, 'other.mp3', 2, 660),
    ]);
    const base = Date.now() + 20000;
    const item = (offsetMs: number, audio: StubAudio) => ({
      scheduleItemId: randomUUID(),
      startsAt: new Date(base + offsetMs).toISOString(),
      durationMs: audio.id === long.id ? 6000 : 2000,
      zones: null,
      priority: 'normal' as const,
      audio,
    });
    // i1 plays during the outage; i2 is cut on edge 1 by SIGKILL; i3 finds edge 2's copy of
    // `short` corrupted; i4 comes while edge 2 is down.
    const i1 = item(0, short);
    const i2 = item(4000, long);
    const i3 = item(12000, short);
    const i4 = item(16000, other);
    stub.items = [i1, i2, i3, i4];

    for (const name of ['edge-1', 'edge-2']) {
      edges.push(startEdge({ name, code: stub.newCode() }));
    }
    const [edge1, edge2] = edges;
    for (const edge of edges) {
      await edge.process.waitFor(/Synced: 4 items/, 15000);
      const identity = JSON.parse(readFileSync(join(edge.dataDir, 'identity.json'), 'utf8'));
      expect(identity).toMatchObject({
        communeCode: stub.communeCode,
        publicKey: expect.any(String),
      });
      expect(readFileSync(join(edge.dataDir, 'device-key.pem'), 'utf8')).toMatch(/PRIVATE KEY/);
      for (const secret of ['device-key.pem', 'identity.json']) {
        expect(statSync(join(edge.dataDir, secret)).mode & 0o777).toBe(0o600);
      }
    }
    expect(Date.now()).toBeLessThan(base - 2000);

    // The outage: the server (and with it every download and upload) is gone.
    await stub.stop();
    const archived = (edge: Edge, it: { scheduleItemId: string; startsAt: string }) =>
      archivePath(edge.archiveDir, stub.communeCode, new Date(it.startsAt), it.scheduleItemId);

    // Corrupt edge 2's copy of `short` (same size) once i1 has played it, before i3 comes.
    await sleep(base + 3000 - Date.now());
    const cached = join(edge2.dataDir, 'audio', short.id);
    const bytes = readFileSync(cached);
    bytes.fill(0x55, 1000, 3000);
    writeFileSync(cached, bytes);

    // SIGKILL edge 1 three seconds into i2, and start it again, still offline.
    await sleep(base + 7000 - Date.now());
    await edge1.process.stop('SIGKILL');
    const restarted1 = startEdge(edge1);
    edges[0] = restarted1;
    await restarted1.process.waitFor(/Receipt 2: .* partial/, 10000);

    // Stop edge 2 cleanly before i4 and bring it back after i4's start passed.
    await sleep(base + 15000 - Date.now());
    await edge2.process.stop('SIGTERM');
    await sleep(base + 18000 - Date.now());
    const restarted2 = startEdge(edge2);
    edges[1] = restarted2;
    await restarted2.process.waitFor(/Receipt 4: .* missed/, 10000);
    await sleep(base + 19000 - Date.now());

    // The archives: what each box played, on time and whole.
    for (const [edge, played] of [
      [restarted1, [i1, i3, i4]],
      [restarted2, [i1, i2]],
    ] as const) {
      for (const it of played) {
        const duration = await durationOf(archived(edge, it));
        expect(Math.abs(duration * 1000 - it.durationMs)).toBeLessThan(150);
      }
    }
    expect(existsSync(archived(restarted1, i2))).toBe(false);
    expect(existsSync(archived(restarted2, i3))).toBe(false);
    expect(existsSync(archived(restarted2, i4))).toBe(false);

    // The server comes back: every receipt arrives, chained and signed; `short` is fetched again.
    const downloadsBefore = stub.log.filter((line) => line.includes(short.id)).length;
    const i5 = item(60000, short);
    stub.items.push(i5);
    await stub.start();
    const receipts = (edge: Edge) => {
      const identity = JSON.parse(readFileSync(join(edge.dataDir, 'identity.json'), 'utf8')) as {
        deviceId: string;
        publicKey: string;
      };
      return { identity, list: stub.receipts.get(identity.deviceId) ?? [] };
    };
    for (const edge of [restarted1, restarted2]) {
      await eventually(() => Promise.resolve(receipts(edge).list.length >= 4 || undefined), {
        timeoutMs: 20000,
        what: 'receipts',
      });
    }
    const byItem = (list: Receipt[]) =>
      new Map(list.map((receipt) => [receipt.scheduleItemId, receipt]));
    for (const edge of [restarted1, restarted2]) {
      const { identity, list } = receipts(edge);
      expect(list.map((receipt) => receipt.seq)).toEqual([1, 2, 3, 4]);
      expect(list[0].prevHash).toBe(RECEIPT_GENESIS_HASH);
      for (const [index, receipt] of list.entries()) {
        expect(receiptProblem(receipt, identity.publicKey)).toBeNull();
        if (index > 0) expect(receipt.prevHash).toBe(list[index - 1].hash);
      }
    }
    const one = byItem(receipts(restarted1).list);
    const two = byItem(receipts(restarted2).list);
    for (const [receipt, planned] of [
      [one.get(i1.scheduleItemId), i1],
      [one.get(i3.scheduleItemId), i3],
      [one.get(i4.scheduleItemId), i4],
      [two.get(i1.scheduleItemId), i1],
      [two.get(i2.scheduleItemId), i2],
    ] as const) {
      expect(receipt?.outcome).toBe('aired');
      expect(Math.abs(Date.parse(receipt!.startedAt!) - Date.parse(planned.startsAt))).toBeLessThan(
        ON_TIME_MS,
      );
      expect(Math.abs(receipt!.playedMs - planned.durationMs)).toBeLessThan(100);
    }
    const partial = one.get(i2.scheduleItemId)!;
    expect(partial).toMatchObject({ outcome: 'partial', reason: EDGE_REASONS.diedMidPlay });
    expect(partial.playedMs).toBeGreaterThanOrEqual(1000);
    expect(partial.playedMs).toBeLessThanOrEqual(3500);
    expect(two.get(i3.scheduleItemId)).toMatchObject({
      outcome: 'missed',
      reason: EDGE_REASONS.notCached,
      startedAt: null,
      playedMs: 0,
    });
    expect(two.get(i4.scheduleItemId)).toMatchObject({
      outcome: 'missed',
      reason: EDGE_REASONS.down,
    });
    await eventually(
      () => Promise.resolve(existsSync(join(restarted2.dataDir, 'audio', short.id)) || undefined),
      { timeoutMs: 15000, what: 'the corrupted audio fetched again' },
    );
    expect(readFileSync(join(restarted2.dataDir, 'audio', short.id))).toEqual(short.bytes);
    expect(stub.log.filter((line) => line.includes(short.id)).length).toBeGreaterThan(
      downloadsBefore,
    );
    // Never twice: one archive per played item, and no receipt of the partial item but its own.
    expect(
      restarted1.process.output().match(new RegExp(i2.scheduleItemId, 'g'))?.length ?? 0,
    ).toBeLessThanOrEqual(2);
  });

  it("waits past an emergency's start for its audio rather than missing it", async () => {
    const urgent = await tone(dir, 'urgent.mp3', 2, 880);
    const emergency = {
      scheduleItemId: randomUUID(),
      startsAt: new Date(Date.now() + 2000).toISOString(),
      durationMs: 2000,
      zones: null,
      priority: 'emergency' as const,
      audio: urgent,
    };
    stub.items = [emergency];
    // A slow link: the audio comes 4 s after it is asked for, after the emergency's start.
    stub.audioDelayMs = 4000;
    const box = join(dir, 'edge-3');
    const process = startEdgeProcess({
      serverUrl: stub.origin,
      enrolmentCode: stub.newCode(),
      dir: box,
      env: { PLAYOUT_LATE_TOLERANCE_MS: '15000', EDGE_SYNC_SECONDS: '5' },
    });
    edges.push({
      name: 'edge-3',
      code: '',
      dataDir: join(box, 'data'),
      archiveDir: join(box, 'archive'),
      process,
    });
    try {
      await process.waitFor(
        new RegExp(`Receipt 1: ${emergency.scheduleItemId} aired 2000 ms`),
        30000,
      );
    } finally {
      stub.audioDelayMs = 0;
    }
  });
});
