import { Between, EntityManager } from 'typeorm';
import { Receipt, RECEIPT_GENESIS_HASH, receiptCanonical } from '../../fleet/protocol';
import { DeviceReceipt } from '../entities/device-receipt.entity';

/** A stored receipt as its device signed it. */
export function storedReceipt(row: DeviceReceipt): Receipt {
  return {
    deviceId: row.deviceId,
    seq: row.seq,
    scheduleItemId: row.scheduleItemId,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    playedMs: row.playedMs,
    outcome: row.outcome,
    reason: row.reason,
    ...(row.segments ? { segments: row.segments } : {}),
    prevHash: row.prevHash,
    hash: row.hash,
    signature: row.signature,
  };
}

/** Two receipts are the same when every field, the signature included, is the same. */
export function sameReceipt(a: Receipt, b: Receipt): boolean {
  return (
    receiptCanonical(a) === receiptCanonical(b) &&
    a.prevHash === b.prevHash &&
    a.hash === b.hash &&
    a.signature === b.signature
  );
}

/** The seq a raw receipt claims, for naming it in a refusal even when it is malformed. */
export function claimedSeq(raw: unknown): number | null {
  const seq = (raw as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}

/** The device's stored chain around an upload: its last receipt and those the upload names. */
export class DeviceChain {
  private constructor(
    private readonly bySeq: Map<number, Receipt>,
    /** The problem each stored receipt of `bySeq` was refused for (absent: it counts). */
    private readonly refusals: Map<number, string>,
    public lastSeq: number,
    private lastHash: string,
  ) {}

  static async load(
    manager: EntityManager,
    deviceId: string,
    list: readonly unknown[],
  ): Promise<DeviceChain> {
    const last = await manager.findOne(DeviceReceipt, {
      where: { deviceId },
      order: { seq: 'DESC' },
    });
    const seqs = list.map(claimedSeq).filter((seq): seq is number => seq !== null && seq >= 1);
    const bySeq = new Map<number, Receipt>();
    const refusals = new Map<number, string>();
    if (last && seqs.length > 0) {
      const from = Math.max(1, Math.min(...seqs) - 1);
      const to = Math.min(last.seq, Math.max(...seqs));
      if (from <= to) {
        const rows = await manager.findBy(DeviceReceipt, { deviceId, seq: Between(from, to) });
        for (const row of rows) {
          bySeq.set(row.seq, storedReceipt(row));
          if (row.refused) refusals.set(row.seq, row.refused);
        }
      }
    }
    return new DeviceChain(bySeq, refusals, last?.seq ?? 0, last?.hash ?? RECEIPT_GENESIS_HASH);
  }

  at(seq: number): Receipt | undefined {
    return seq <= this.lastSeq ? this.bySeq.get(seq) : undefined;
  }

  /** The problem the stored receipt at `seq` was refused for; undefined when it counts. */
  refusedAt(seq: number): string | undefined {
    return this.refusals.get(seq);
  }

  /** Why the receipt does not link into the chain (a gap, or a prevHash it does not follow). */
  linkProblem(receipt: Receipt): { problem: 'gap' | 'fork'; message: string } | null {
    if (receipt.seq > this.lastSeq + 1) {
      return {
        problem: 'gap',
        message: `expected seq ${this.lastSeq + 1} next, got ${receipt.seq}`,
      };
    }
    const previous =
      receipt.seq === 1
        ? RECEIPT_GENESIS_HASH
        : receipt.seq - 1 === this.lastSeq
          ? this.lastHash
          : this.bySeq.get(receipt.seq - 1)?.hash;
    if (receipt.prevHash !== previous) {
      return {
        problem: 'fork',
        message: `prevHash is not the hash of the device's receipt ${receipt.seq - 1}`,
      };
    }
    return null;
  }

  append(receipt: Receipt, refused?: string): void {
    this.bySeq.set(receipt.seq, receipt);
    if (refused) this.refusals.set(receipt.seq, refused);
    this.lastSeq = receipt.seq;
    this.lastHash = receipt.hash;
  }
}
