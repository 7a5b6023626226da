import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Receipt } from '../fleet/protocol';
import { EdgeStore } from './edge-store';
import { Logger } from '@nestjs/common';
import { backoffMs, heldBeforeRefusal, ReceiptUploader, rejectionText } from './receipt-uploader';
import { ServerApi } from './server-api';

const DEVICE = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a90';

/** A real HTTP server answering receipt posts from a script of statuses (then 200). */
async function receiptServer(answers: { status: number; body?: unknown }[]) {
  const posts: number[][] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { receipts } = JSON.parse(Buffer.concat(chunks).toString()) as { receipts: Receipt[] };
      posts.push(receipts.map((receipt) => receipt.seq));
      const answer = answers.shift() ?? { status: 200, body: {} };
      response.writeHead(answer.status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { origin, posts, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('receipt uploader', () => {
  let dir: string;
  let store: EdgeStore;
  const { privateKey } = generateKeyPairSync('ed25519');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-uploader-'));
    store = await EdgeStore.open(join(dir, 'edge.sqlite'));
    for (let index = 1; index <= 5; index++) {
      await store.appendReceipt(
        {
          deviceId: DEVICE,
          scheduleItemId: `item-${index}`,
          startedAt: null,
          endedAt: null,
          playedMs: 0,
          outcome: 'missed',
          reason: 'Cụm loa không hoạt động vào giờ phát',
        },
        privateKey,
      );
    }
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits longer after each failure, up to the limit', () => {
    expect([1, 2, 3, 4].map((failures) => backoffMs(failures, 5000))).toEqual([
      1000, 2000, 4000, 5000,
    ]);
  });

  it('sends oldest first in batches, again after failures, and marks only what got a 2xx', async () => {
    const server = await receiptServer([{ status: 503 }, { status: 500 }]);
    const uploader = new ReceiptUploader(DEVICE, store, new ServerApi(server.origin), 30, 2);
    try {
      uploader.wake();
      await until(() => uploader.drained());
      expect(server.posts).toEqual([[1, 2], [1, 2], [1, 2], [3, 4], [5]]);
      expect(await store.unsentReceipts(10)).toEqual([]);
    } finally {
      await uploader.stop();
      await server.close();
    }
  });

  it('keeps what a refused batch had accepted and retries the rest rarely', async () => {
    const server = await receiptServer([
      {
        status: 422,
        body: { code: 'RECEIPT_REFUSED', lastSeq: 1, index: 1, seq: 2, problem: 'fork' },
      },
    ]);
    const uploader = new ReceiptUploader(DEVICE, store, new ServerApi(server.origin), 60000, 2);
    try {
      uploader.wake();
      await until(async () => (await store.unsentReceipts(10)).length === 4);
      expect((await store.unsentReceipts(10)).map((receipt) => receipt.seq)).toEqual([2, 3, 4, 5]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.posts).toEqual([[1, 2]]);
    } finally {
      await uploader.stop();
      await server.close();
    }
  });

  it('takes no receipt for held that a fork answer names only by the lastSeq it passes', async () => {
    // The server holds another box's receipts 1–7 of this cluster: this journal's 1 forks.
    const server = await receiptServer([
      {
        status: 422,
        body: { code: 'RECEIPT_REFUSED', lastSeq: 7, index: 0, seq: 1, problem: 'fork' },
      },
    ]);
    const uploader = new ReceiptUploader(DEVICE, store, new ServerApi(server.origin), 60000, 2);
    try {
      uploader.wake();
      await until(() => Promise.resolve(server.posts.length === 1));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.posts).toEqual([[1, 2]]);
      // Nothing is taken for sent: the server holds other receipts at seqs 1 and 2.
      expect((await store.unsentReceipts(10)).map((receipt) => receipt.seq)).toEqual([
        1, 2, 3, 4, 5,
      ]);
    } finally {
      await uploader.stop();
      await server.close();
    }
  });

  it('counts as held only the receipts before the refused one, up to lastSeq', () => {
    const batch = [4, 5, 6, 7].map((seq) => ({ seq }) as Receipt);
    expect(heldBeforeRefusal(batch, { lastSeq: 5, index: 2 })).toEqual([4, 5]);
    expect(heldBeforeRefusal(batch, { lastSeq: 9, index: 0 })).toEqual([]);
    expect(heldBeforeRefusal(batch, { lastSeq: 9 })).toEqual([]);
    expect(heldBeforeRefusal(batch, { lastSeq: 5, index: 9 })).toEqual([4, 5]);
    expect(heldBeforeRefusal(batch, { index: 2 })).toEqual([]);
  });

  it('keeps the chain: one receipt per item, each on the last', async () => {
    const again = await store.appendReceipt(
      {
        deviceId: DEVICE,
        scheduleItemId: 'item-3',
        startedAt: null,
        endedAt: null,
        playedMs: 0,
        outcome: 'missed',
        reason: null,
      },
      privateKey,
    );
    expect(again).toBeUndefined();
    const receipts = await store.receipts();
    expect(receipts.map((receipt) => receipt.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let index = 1; index < receipts.length; index++) {
      expect(receipts[index].prevHash).toBe(receipts[index - 1].hash);
    }
  });

  it('logs each receipt the server kept without counting, for the technician, and sends none again', async () => {
    const server = await receiptServer([
      {
        status: 200,
        body: {
          accepted: 1,
          duplicates: 0,
          rejected: [
            { seq: 2, problem: 'future', message: 'endedAt 2026-12-07T02:36:14.000Z is after …' },
            { seq: 'x', problem: 'future' },
          ],
          lastSeq: 2,
        },
      },
      {
        status: 200,
        body: { accepted: 2, rejected: [{ seq: 4, problem: 'cancelled', message: 'item …' }] },
      },
    ]);
    const warnings: string[] = [];
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
    const uploader = new ReceiptUploader(DEVICE, store, new ServerApi(server.origin), 30, 2);
    try {
      uploader.wake();
      await until(() => uploader.drained());
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Rejected receipts are in the server's chain: marked sent, never posted again.
      expect(server.posts).toEqual([[1, 2], [3, 4], [5]]);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(
        /^Receipt seq 2 \(item item-2, missed, — to —, 0 ms played\) is NOT counted as airtime by the server \(rejected: future\): .*clock is probably ahead, check its time sync \(NTP\)\. Server says: endedAt 2026-12-07T02:36:14\.000Z is after …\..*not sent again\.$/,
      );
      expect(warnings[1]).toMatch(/^Receipt seq 4 .*\(rejected: cancelled\): .*old manifest/);
    } finally {
      warn.mockRestore();
      await uploader.stop();
      await server.close();
    }
  });

  it('words a rejection without the receipt or a known problem, and with the clock skew', () => {
    const text = rejectionText({ seq: 9, problem: 'new-rule', message: '' }, undefined, -1500);
    expect(text).toBe(
      'Receipt seq 9 is NOT counted as airtime by the server (rejected: new-rule): its play ' +
        "could not have happened as reported. Server says: —. This box's clock is now about " +
        "1500 ms behind the server's. The server keeps it in this box’s chain, so it is not sent again.",
    );
  });
});
