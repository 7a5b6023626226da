import { Logger } from '@nestjs/common';
import { MAX_RECEIPTS_PER_BATCH, Receipt, ReceiptRejectionNotice } from '../fleet/protocol';
import type { EdgeStore } from './edge-store';
import { ServerApi, ServerRefusal } from './server-api';

/** How long the uploader waits after a failure: doubling from 1 s up to the limit. */
export function backoffMs(failures: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.min(Math.max(failures - 1, 0), 16));
}

/**
 * Sends the journal's receipts to the server, oldest first, in batches, as soon as it can be
 * reached; a receipt is marked sent only when the server holds it as it is: its batch answered
 * 2xx, or it came before the refused receipt of a refused batch. A failed batch is sent again
 * (the server takes an exact copy again). Runs until there is nothing left, waits, and is woken
 * by a new receipt or a reconnection.
 */
export class ReceiptUploader {
  private readonly logger = new Logger('ReceiptUploader');
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deviceId: string,
    private readonly store: EdgeStore,
    private readonly api: ServerApi,
    private readonly maxBackoffMs: number,
    private readonly batchSize = MAX_RECEIPTS_PER_BATCH,
  ) {}

  /** Sends now (or right after the round in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) {
      void this.running.then(() => this.wake());
      return;
    }
    this.running = this.round().finally(() => (this.running = null));
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.running ?? Promise.resolve();
  }

  /** Resolves once every receipt is sent (tests, and the benchmark). */
  async drained(): Promise<boolean> {
    return (await this.store.unsentReceipts(1)).length === 0;
  }

  private async round(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const batch = withinBodyLimit(await this.store.unsentReceipts(this.batchSize));
      if (batch.length === 0) {
        this.failures = 0;
        return;
      }
      let answer;
      try {
        answer = await this.api.uploadReceipts(this.deviceId, batch);
      } catch (error) {
        this.failures++;
        const refused = error instanceof ServerRefusal && error.status < 500;
        if (refused) await this.markHeldBeforeRefusal(batch, error.body);
        // A refusal is not cured by retrying soon: try again rarely (the server raised an alert).
        const waitMs = refused ? this.maxBackoffMs : backoffMs(this.failures, this.maxBackoffMs);
        const log = refused
          ? this.logger.error.bind(this.logger)
          : this.logger.warn.bind(this.logger);
        log(
          `Receipts ${batch[0].seq}–${batch[batch.length - 1].seq} not sent (${(error as Error).message}); again in ${waitMs} ms`,
        );
        this.timer = setTimeout(() => {
          this.timer = null;
          this.wake();
        }, waitMs);
        return;
      }
      this.failures = 0;
      // Rejected receipts are in the server's chain too: marked sent like the others, never resent.
      await this.markUpTo(batch, batch[batch.length - 1].seq);
      this.logger.log(`Receipts ${batch[0].seq}–${batch[batch.length - 1].seq} sent`);
      for (const rejection of answer.rejected) {
        const receipt = batch.find((one) => one.seq === rejection.seq);
        this.logger.warn(rejectionText(rejection, receipt, this.api.clockSkewMs));
      }
    }
  }

  /** The receipts of the batch the server holds (up to its `lastSeq`) are sent. */
  private async markUpTo(batch: { seq: number }[], lastSeq: number): Promise<void> {
    const held = batch.filter((receipt) => receipt.seq <= lastSeq).map((receipt) => receipt.seq);
    if (held.length > 0) await this.store.markUploaded(held, Date.now());
  }

  /**
   * After a refusal, only what the server holds with the same content is sent: the receipts of
   * the batch before the refused one. A seq at or below `lastSeq` proves nothing (a fork: the
   * server holds another receipt there), so without the refused receipt's `index` none is.
   */
  private async markHeldBeforeRefusal(
    batch: Receipt[],
    body: Record<string, unknown>,
  ): Promise<void> {
    const held = heldBeforeRefusal(batch, body);
    if (held.length > 0) await this.store.markUploaded(held, Date.now());
  }
}

/**
 * The seqs of a refused batch the server took or already held as they are (docs/device-protocol.md
 * § 5: the first refused receipt stops the batch, the ones before it are kept): those before the
 * refused one's `index`, and no further than the server's `lastSeq`.
 */
export function heldBeforeRefusal(
  batch: readonly Receipt[],
  answer: Record<string, unknown>,
): number[] {
  const { index, lastSeq } = answer;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) return [];
  if (typeof lastSeq !== 'number') return [];
  return batch
    .slice(0, Math.min(index, batch.length))
    .filter((receipt) => receipt.seq <= lastSeq)
    .map((receipt) => receipt.seq);
}

/** What a technician should look at for each `problem` of a rejected receipt. */
const REJECTION_HINTS: Record<string, string> = {
  future:
    "it reports a play ending after the server's time: this box's clock is probably ahead, check its time sync (NTP)",
  'off-time':
    "it reports a start far from the item's planned time: this box's clock is probably wrong, check its time sync (NTP)",
  'too-long':
    'it reports a play longer than the item: check the box’s clock (a jump during the play) and its player',
  cancelled:
    'its item was cancelled before the play began: the box played from an old manifest, check that it fetches the manifest',
  'key-ended':
    'it is signed with the key of an enrolment that had ended (re-keyed or revoked) before its item started: the box played from its cache after its credentials were taken, or its old key is in other hands',
  'key-newer':
    'it is signed with a key enrolled after its item ended: the item was sent under the earlier enrolment, whose key must sign its receipt',
  'other-zones':
    'its item is for zones this box did not have while it ran: the box played from a manifest older than a change of its zones, check that it fetches the manifest',
};

/**
 * The box's log line for a receipt the server kept but does not count as airtime (so the commune
 * has no record of that play): which play, why, what to check, and that it is not sent again.
 */
export function rejectionText(
  rejection: ReceiptRejectionNotice,
  receipt: Receipt | undefined,
  clockSkewMs: number | undefined,
): string {
  const play = receipt
    ? ` (item ${receipt.scheduleItemId}, ${receipt.outcome}, ${receipt.startedAt ?? '—'} to ${receipt.endedAt ?? '—'}, ${receipt.playedMs} ms played)`
    : '';
  const hint = REJECTION_HINTS[rejection.problem] ?? 'its play could not have happened as reported';
  const skew =
    clockSkewMs === undefined
      ? ''
      : ` This box's clock is now about ${Math.abs(clockSkewMs)} ms ${clockSkewMs >= 0 ? 'ahead of' : 'behind'} the server's.`;
  return (
    `Receipt seq ${rejection.seq}${play} is NOT counted as airtime by the server ` +
    `(rejected: ${rejection.problem}): ${hint}. Server says: ${rejection.message || '—'}.${skew} ` +
    'The server keeps it in this box’s chain, so it is not sent again.'
  );
}

/** The server refuses bodies over 400 kB; relay receipts with their segments run larger. */
const MAX_BATCH_BYTES = 350_000;

/** The oldest receipts of `batch` whose JSON stays under the body limit (at least one). */
function withinBodyLimit<T>(batch: readonly T[]): T[] {
  let bytes = 0;
  const kept: T[] = [];
  for (const receipt of batch) {
    bytes += Buffer.byteLength(JSON.stringify(receipt)) + 1;
    if (kept.length > 0 && bytes > MAX_BATCH_BYTES) break;
    kept.push(receipt);
  }
  return kept;
}
