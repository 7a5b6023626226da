import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECEIPT_GENESIS_HASH, receiptProblem, ReceiptChainHead } from '../fleet/protocol';
import { EdgeStore } from './edge-store';
import { ReceiptChainStart } from './receipt-chain';
import { ServerApi } from './server-api';

const CLUSTER = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a90';
const OTHER_CLUSTER = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a91';
/** Where another box left the cluster's chain on the server. */
const HEAD: ReceiptChainHead = { lastSeq: 7, lastHash: 'ab'.repeat(32) };

/** A real HTTP server answering `GET /api/v1/devices/me` with `body` (status 200), counting calls. */
async function meServer(body: unknown) {
  let calls = 0;
  const server: Server = createServer((request, response) => {
    calls += request.url === '/api/v1/devices/me' ? 1 : 0;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    api: new ServerApi(origin, 'lxd_token'),
    calls: () => calls,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('where the edge player goes on with its cluster’s receipt chain', () => {
  let dir: string;
  let store: EdgeStore;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const play = (deviceId: string, scheduleItemId: string) =>
    store.appendReceipt(
      {
        deviceId,
        scheduleItemId,
        startedAt: null,
        endedAt: null,
        playedMs: 0,
        outcome: 'missed',
        reason: 'Cụm loa không hoạt động vào giờ phát',
      },
      privateKey,
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-chain-'));
    store = await EdgeStore.open(join(dir, 'edge.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a box holding nothing of the chain goes on from the head the enrolment answered', async () => {
    const server = await meServer({});
    try {
      const chain = new ReceiptChainStart(CLUSTER, store, server.api);
      await chain.open(HEAD, Date.now());
      await chain.ensure();
      expect(server.calls()).toBe(0);
      const first = await play(CLUSTER, 'item-1');
      expect(first).toMatchObject({ seq: 8, prevHash: HEAD.lastHash });
      expect(receiptProblem(first!, publicKey)).toBeNull();
      expect(await play(CLUSTER, 'item-2')).toMatchObject({ seq: 9, prevHash: first!.hash });
    } finally {
      await server.close();
    }
  });

  it('a wiped journal asks GET /devices/me before anything plays', async () => {
    const server = await meServer({ id: CLUSTER, receiptChain: HEAD });
    try {
      const chain = new ReceiptChainStart(CLUSTER, store, server.api);
      await chain.open(undefined, Date.now());
      expect(await store.knowsChainOf(CLUSTER)).toBe(false);
      await chain.ensure();
      await chain.ensure();
      expect(server.calls()).toBe(1);
      expect(await play(CLUSTER, 'item-1')).toMatchObject({ seq: 8, prevHash: HEAD.lastHash });
    } finally {
      await server.close();
    }
  });

  it('an empty chain on the server starts at seq 1', async () => {
    const chain = new ReceiptChainStart(CLUSTER, store, new ServerApi('http://127.0.0.1:9'));
    await chain.open({ lastSeq: 0, lastHash: RECEIPT_GENESIS_HASH }, Date.now());
    expect(await play(CLUSTER, 'item-1')).toMatchObject({
      seq: 1,
      prevHash: RECEIPT_GENESIS_HASH,
    });
  });

  it('a box that keeps its journal (re-keyed) goes on with its own chain', async () => {
    await play(CLUSTER, 'item-1');
    const own = await play(CLUSTER, 'item-2');
    const server = await meServer({ receiptChain: HEAD });
    try {
      const chain = new ReceiptChainStart(CLUSTER, store, server.api);
      // The server holds less than the journal (receipts not uploaded yet): the journal is right.
      await chain.open({ lastSeq: 1, lastHash: 'cd'.repeat(32) }, Date.now());
      await chain.ensure();
      expect(server.calls()).toBe(0);
      expect(await play(CLUSTER, 'item-3')).toMatchObject({ seq: 3, prevHash: own!.hash });
    } finally {
      await server.close();
    }
  });

  it('a box enrolled as another cluster sets the old chain aside and goes on from the new one', async () => {
    await play(OTHER_CLUSTER, 'item-1');
    await play(OTHER_CLUSTER, 'item-2');
    await expect(play(CLUSTER, 'item-3')).rejects.toThrow(/set them aside/);
    const chain = new ReceiptChainStart(CLUSTER, store, new ServerApi('http://127.0.0.1:9'));
    await chain.open({ lastSeq: 1, lastHash: HEAD.lastHash }, Date.now());
    expect(await store.unsentReceipts(10)).toEqual([]);
    expect(await play(CLUSTER, 'item-3')).toMatchObject({ seq: 2, prevHash: HEAD.lastHash });
    expect((await store.receipts()).map((receipt) => receipt.deviceId)).toEqual([CLUSTER]);
  });

  /** A manifest of the items `ids`, one a minute from `fromMs`, taken at `fromMs`. */
  const manifestOf = (fromMs: number, ...ids: string[]) =>
    store.replaceManifest(
      {
        generatedAt: new Date(fromMs).toISOString(),
        horizonUntil: new Date(fromMs + 3600000).toISOString(),
        items: ids.map((scheduleItemId, index) => ({
          scheduleItemId,
          startsAt: new Date(fromMs + (index + 1) * 60000).toISOString(),
          durationMs: 2000,
          zones: null,
          priority: 'normal' as const,
          audio: { id: `audio-${index}`, sha256: 'cd'.repeat(32), bytes: 100, url: '/audio' },
        })),
      },
      fromMs,
    );

  it("a box enrolled as another cluster drops that cluster's items and unfinished plays, keeps its receipts aside", async () => {
    const now = Date.now();
    await new ReceiptChainStart(OTHER_CLUSTER, store, new ServerApi('http://127.0.0.1:9')).open(
      HEAD,
      now,
    );
    await manifestOf(now - 600000, 'played', 'on-air', 'claimed', 'missed-while-down');
    await play(OTHER_CLUSTER, 'played');
    expect(await store.claimPlay('on-air')).toBe(true);
    await store.markPlaying('on-air', now - 300000);
    await store.markProgress('on-air', 1000);
    expect(await store.claimPlay('claimed')).toBe(true);

    const chain = new ReceiptChainStart(CLUSTER, store, new ServerApi('http://127.0.0.1:9'));
    await chain.open({ lastSeq: 0, lastHash: HEAD.lastHash }, now);
    // Nothing of the other cluster is left to play or receipt under this device's identity.
    expect(await store.items()).toEqual([]);
    expect([...(await store.plays()).values()]).toEqual([
      expect.objectContaining({ scheduleItemId: 'played', state: 'done' }),
    ]);
    // Its receipt stays, as it was signed, aside; this device's chain starts afresh.
    expect(await store.receipts()).toEqual([]);
    expect(await store.setAsideReceipts()).toEqual([
      expect.objectContaining({ deviceId: OTHER_CLUSTER, scheduleItemId: 'played', seq: 8 }),
    ]);
    expect(await play(CLUSTER, 'own-item')).toMatchObject({ seq: 1, deviceId: CLUSTER });
  });

  it('a box enrolled again as the same cluster keeps its items and plays', async () => {
    const now = Date.now();
    const api = new ServerApi('http://127.0.0.1:9');
    await new ReceiptChainStart(CLUSTER, store, api).open(HEAD, now);
    await manifestOf(now - 600000, 'played', 'on-air', 'later');
    await play(CLUSTER, 'played');
    expect(await store.claimPlay('on-air')).toBe(true);
    await store.markPlaying('on-air', now - 300000);

    await new ReceiptChainStart(CLUSTER, store, api).open(null, now);
    expect((await store.items()).map((item) => item.scheduleItemId)).toEqual([
      'played',
      'on-air',
      'later',
    ]);
    expect((await store.play('on-air'))?.state).toBe('playing');
    expect(await store.setAsideReceipts()).toEqual([]);
  });

  it('a server that does not say where the chain ends leaves it to start at seq 1', async () => {
    const server = await meServer({ id: CLUSTER });
    try {
      const chain = new ReceiptChainStart(CLUSTER, store, server.api);
      await chain.open(null, Date.now());
      await chain.ensure();
      expect(await play(CLUSTER, 'item-1')).toMatchObject({ seq: 1 });
    } finally {
      await server.close();
    }
  });

  it('an unreachable server leaves the head unknown: the sync that asked fails', async () => {
    const chain = new ReceiptChainStart(CLUSTER, store, new ServerApi('http://127.0.0.1:9'));
    await chain.open(undefined, Date.now());
    await expect(chain.ensure()).rejects.toThrow();
    expect(await store.knowsChainOf(CLUSTER)).toBe(false);
  });
});
