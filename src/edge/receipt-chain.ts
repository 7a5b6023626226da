import { Logger } from '@nestjs/common';
import type { ReceiptChainHead } from '../fleet/protocol';
import type { EdgeStore } from './edge-store';
import { ServerApi, ServerRefusal } from './server-api';

/**
 * Where this box's receipts go on in its cluster's chain, which is the cluster's, not the box's
 * (docs/device-protocol.md § 5). A box whose journal holds the chain (re-keyed, same hardware)
 * goes on from its last receipt. One that holds nothing of it (a replaced box, a wiped journal)
 * goes on from where the server's copy ends: the enrolment's answer, or `GET /devices/me`, asked
 * before the first manifest is taken, so no item is played, and no receipt sealed, before.
 */
export class ReceiptChainStart {
  private readonly logger = new Logger('ReceiptChain');
  private known = false;

  constructor(
    private readonly deviceId: string,
    private readonly store: EdgeStore,
    private readonly api: ServerApi,
  ) {}

  /**
   * Makes the journal this device's (`EdgeStore.adoptDevice`: a journal of another cluster's
   * box keeps none of that cluster's items, unfinished plays or receipts in play), then takes
   * the head the enrolment answered (null: a server that does not say).
   */
  async open(enrolled: ReceiptChainHead | null | undefined, nowMs: number): Promise<void> {
    const adopted = await this.store.adoptDevice(this.deviceId, nowMs);
    if (adopted.receipts > 0) {
      this.logger.warn(
        `${adopted.receipts} receipt(s) of another cluster's chain set aside: this box is now device ${this.deviceId}`,
      );
    }
    if (adopted.items > 0 || adopted.unfinishedPlays.length > 0) {
      const cut = adopted.unfinishedPlays.map(
        (play) => `${play.scheduleItemId} (${play.state}, ${play.progressMs} ms played)`,
      );
      this.logger.warn(
        `${adopted.items} item(s) of device ${adopted.previousDevice}'s manifest dropped` +
          (cut.length > 0 ? `, and its plays without a receipt: ${cut.join(', ')}` : '') +
          `: this box is now device ${this.deviceId}`,
      );
    }
    if (enrolled) await this.startAt(enrolled, 'the enrolment');
    this.known = await this.store.knowsChainOf(this.deviceId);
  }

  /**
   * Resolves once the journal knows where the chain goes on, asking the server when it does not;
   * rejects while the server cannot be reached (the caller tries again with its next sync).
   */
  async ensure(): Promise<void> {
    if (this.known) return;
    if (await this.store.knowsChainOf(this.deviceId)) {
      this.known = true;
      return;
    }
    let head: ReceiptChainHead;
    try {
      head = await this.api.receiptChain();
    } catch (error) {
      if (!(error instanceof ServerRefusal) || error.status >= 500 || error.status === 401) {
        throw error;
      }
      // A server that does not say where the chain ends: the chain starts here, as it used to.
      this.logger.warn(`${error.message}: the receipt chain starts at seq 1`);
      this.known = true;
      return;
    }
    await this.startAt(head, 'GET /devices/me');
    this.known = true;
  }

  private async startAt(head: ReceiptChainHead, from: string): Promise<void> {
    if (await this.store.startChainAt(this.deviceId, head)) {
      this.logger.log(
        `The journal holds nothing of this cluster's receipt chain: it goes on from the server's seq ${head.lastSeq} (${from})`,
      );
    }
  }
}
