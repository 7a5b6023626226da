import { Inject, Injectable, Logger } from '@nestjs/common';
import { Between, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { toInstant } from '../../database/columns';
import { insertRows } from '../../database/bulk-insert';
import { Db } from '../../database/db.service';
import { Device } from '../../fleet/entities/device.entity';
import {
  MAX_RECEIPTS_PER_BATCH,
  parseReceipt,
  Receipt,
  RECEIPT_GENESIS_HASH,
  receiptCanonical,
  receiptProblem,
} from '../../fleet/protocol';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { itemTargetsDevice } from '../../schedule/item-zones';
import { AsRunLedger } from '../as-run-ledger';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import { RECEIPT_ALERTS, ReceiptAlerts } from './receipt-alerts';
import { ReceiptRecords } from './receipt-records';

/** Receipts in one upload (a day of one cluster's plays is a few dozen). */
export const MAX_RECEIPTS_PER_UPLOAD = MAX_RECEIPTS_PER_BATCH;

/** Why a receipt was refused (the `problem` of the answer). */
export type ReceiptProblem =
  'invalid' | 'wrong-device' | 'bad-signature' | 'gap' | 'fork' | 'resigned' | 'not-sent';

export interface ReceiptUploadResult {
  /** New receipts stored. */
  accepted: number;
  /** Exact copies of receipts stored before (idempotent). */
  duplicates: number;
  /** The device's last stored seq (0: none). */
  lastSeq: number;
}

interface Refusal {
  index: number;
  seq: number | null;
  problem: ReceiptProblem;
  message: string;
}

interface IntakeOutcome extends ReceiptUploadResult {
  refusal?: Refusal;
}

const RECEIPT_COLUMNS = [
  'device_id',
  'seq',
  'commune_code',
  'schedule_item_id',
  'started_at',
  'ended_at',
  'played_ms',
  'outcome',
  'reason',
  'prev_hash',
  'hash',
  'signature',
  'received_at',
  'record_seq',
] as const;

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
    prevHash: row.prevHash,
    hash: row.hash,
    signature: row.signature,
  };
}

/** Two receipts are the same when every field, the signature included, is the same. */
function sameReceipt(a: Receipt, b: Receipt): boolean {
  return (
    receiptCanonical(a) === receiptCanonical(b) &&
    a.prevHash === b.prevHash &&
    a.hash === b.hash &&
    a.signature === b.signature
  );
}

/** The seq a raw receipt claims, for naming it in a refusal even when it is malformed. */
function claimedSeq(raw: unknown): number | null {
  const seq = (raw as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}

/**
 * Takes a device's receipts, oldest first. Each is checked — shape, signature with the device's
 * stored key, link to the device's chain (seq = last + 1, prevHash = last hash), and that its
 * item was sent to the device — before it is compared with what is stored: an exact copy of a
 * stored receipt is a duplicate (idempotent); anything else at a stored seq is a fork. The
 * first refused receipt stops the upload: the ones before it are kept and counted, it and the
 * ones after are not, and an alert `receipt-refused` is raised. All under the commune's chain
 * head, so the commune records the new receipts complete are written in the same transaction.
 */
@Injectable()
export class ReceiptIntake {
  private readonly logger = new Logger(ReceiptIntake.name);

  constructor(
    private readonly db: Db,
    private readonly ledger: AsRunLedger,
    private readonly records: ReceiptRecords,
    private readonly clock: Clock,
    @Inject(RECEIPT_ALERTS) private readonly alerts: ReceiptAlerts,
  ) {}

  async upload(device: Device, body: unknown): Promise<ReceiptUploadResult> {
    const list = (body as { receipts?: unknown } | null)?.receipts;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_RECEIPTS_PER_UPLOAD) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The body must be {receipts: [...]} with 1 to ${MAX_RECEIPTS_PER_UPLOAD} receipts`,
      );
    }
    const outcome = await this.db.write((manager) => this.take(manager, device, list));
    const { refusal, ...result } = outcome;
    if (!refusal) return result;
    const where = refusal.seq === null ? `receipt #${refusal.index + 1}` : `seq ${refusal.seq}`;
    const message = `Receipt ${where} refused (${refusal.problem}): ${refusal.message}`;
    await this.alerts
      .raise({
        kind: 'receipt-refused',
        communeCode: device.communeCode,
        deviceId: device.id,
        message,
      })
      .catch((error: unknown) => this.logger.error(`Alert not raised: ${String(error)}`));
    throw new DomainError(
      'RECEIPT_REFUSED',
      `${message}. ${result.accepted} receipt(s) before it accepted, ${result.duplicates} already stored`,
      { ...result, index: refusal.index, seq: refusal.seq, problem: refusal.problem },
    );
  }

  private async take(
    manager: EntityManager,
    device: Device,
    list: readonly unknown[],
  ): Promise<IntakeOutcome> {
    const now = this.clock.now();
    const head = await this.ledger.lockHead(manager, device.communeCode);
    const chain = await DeviceChain.load(manager, device.id, list);
    const items = new Map<string, ScheduleItem | null>();
    const rows: DeviceReceipt[] = [];
    let duplicates = 0;
    let refusal: Refusal | undefined;
    for (const [index, raw] of list.entries()) {
      const refuse = (problem: ReceiptProblem, message: string): Refusal => ({
        index,
        seq: claimedSeq(raw),
        problem,
        message,
      });
      const parsed = parseReceipt(raw);
      if (!parsed.ok) {
        refusal = refuse('invalid', parsed.error);
        break;
      }
      const receipt = parsed.value;
      if (receipt.deviceId !== device.id) {
        refusal = refuse('wrong-device', `deviceId is not this device's id (${device.id})`);
        break;
      }
      const problem = device.publicKey
        ? receiptProblem(receipt, device.publicKey)
        : 'the device has no public key';
      if (problem) {
        refusal = refuse('bad-signature', problem);
        break;
      }
      const linkProblem = chain.linkProblem(receipt);
      if (linkProblem) {
        refusal = refuse(linkProblem.problem, linkProblem.message);
        break;
      }
      const stored = chain.at(receipt.seq);
      if (stored) {
        if (sameReceipt(receipt, stored)) {
          duplicates += 1;
          continue;
        }
        refusal =
          stored.hash === receipt.hash
            ? refuse('resigned', `seq ${receipt.seq} is stored with another signature`)
            : refuse(
                'fork',
                `seq ${receipt.seq} is stored with other content (hash ${stored.hash})`,
              );
        break;
      }
      const item = await this.itemSent(manager, device, receipt, items);
      if (!item) {
        refusal = refuse(
          'not-sent',
          `item ${receipt.scheduleItemId} is not an item of commune ${device.communeCode} ` +
            "sent to this device's zones",
        );
        break;
      }
      rows.push(newRow(device, receipt, now));
      chain.append(receipt);
    }
    await insertRows(
      manager,
      'device_receipt',
      RECEIPT_COLUMNS,
      rows.map((row) => [
        row.deviceId,
        row.seq,
        row.communeCode,
        row.scheduleItemId,
        row.startedAt,
        row.endedAt,
        row.playedMs,
        row.outcome,
        row.reason,
        row.prevHash,
        row.hash,
        row.signature,
        toInstant(row.receivedAt),
        null,
      ]),
    );
    const touched = new Set(rows.map((row) => row.scheduleItemId));
    for (const itemId of touched) {
      const item = items.get(itemId);
      if (item) await this.records.settle(manager, head, item, now);
    }
    return { accepted: rows.length, duplicates, lastSeq: chain.lastSeq, refusal };
  }

  /** The item when it is one of the device's commune, sent to its zones; null otherwise. */
  private async itemSent(
    manager: EntityManager,
    device: Device,
    receipt: Receipt,
    cache: Map<string, ScheduleItem | null>,
  ): Promise<ScheduleItem | null> {
    const id = receipt.scheduleItemId;
    if (!cache.has(id)) cache.set(id, await manager.findOneBy(ScheduleItem, { id }));
    const item = cache.get(id);
    if (!item || item.communeCode !== device.communeCode) return null;
    if (!itemTargetsDevice(item.zones, device.zones)) return null;
    // A device enrolled after the item ended was never sent it.
    if (!device.enrolledAt || device.enrolledAt > item.endsAt) return null;
    return item;
  }
}

function newRow(device: Device, receipt: Receipt, now: Date): DeviceReceipt {
  return {
    deviceId: receipt.deviceId,
    seq: receipt.seq,
    communeCode: device.communeCode,
    scheduleItemId: receipt.scheduleItemId,
    startedAt: receipt.startedAt,
    endedAt: receipt.endedAt,
    playedMs: receipt.playedMs,
    outcome: receipt.outcome,
    reason: receipt.reason,
    prevHash: receipt.prevHash,
    hash: receipt.hash,
    signature: receipt.signature,
    receivedAt: now,
    recordSeq: null,
  };
}

/** The device's stored chain around an upload: its last receipt and those the upload names. */
class DeviceChain {
  private constructor(
    private readonly bySeq: Map<number, Receipt>,
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
    if (last && seqs.length > 0) {
      const from = Math.max(1, Math.min(...seqs) - 1);
      const to = Math.min(last.seq, Math.max(...seqs));
      if (from <= to) {
        const rows = await manager.findBy(DeviceReceipt, { deviceId, seq: Between(from, to) });
        for (const row of rows) bySeq.set(row.seq, storedReceipt(row));
      }
    }
    return new DeviceChain(bySeq, last?.seq ?? 0, last?.hash ?? RECEIPT_GENESIS_HASH);
  }

  at(seq: number): Receipt | undefined {
    return seq <= this.lastSeq ? this.bySeq.get(seq) : undefined;
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

  append(receipt: Receipt): void {
    this.bySeq.set(receipt.seq, receipt);
    this.lastSeq = receipt.seq;
    this.lastHash = receipt.hash;
  }
}
