import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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
  receiptProblem,
} from '../../fleet/protocol';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { itemTargetsDevice } from '../../schedule/item-zones';
import { AsRunLedger } from '../as-run-ledger';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import { claimedSeq, DeviceChain, sameReceipt } from './device-chain';
import { AlertsService } from '../../fleet/alerts.service';
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

type Verdict =
  | { kind: 'new'; receipt: Receipt }
  | { kind: 'duplicate' }
  | { kind: 'refused'; problem: ReceiptProblem; message: string };

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
    private readonly alerts: AlertsService,
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
    const identity = {
      kind: 'receipt-refused' as const,
      communeCode: device.communeCode,
      deviceId: device.id,
    };
    if (!refusal) {
      await this.alerts.clear(identity).catch((error: unknown) => this.alertFailed(error));
      return result;
    }
    const where = refusal.seq === null ? `receipt #${refusal.index + 1}` : `seq ${refusal.seq}`;
    const message = `Receipt ${where} refused (${refusal.problem}): ${refusal.message}`;
    await this.alerts
      .raise({ ...identity, message: refusalText(device, refusal) })
      .catch((error: unknown) => this.alertFailed(error));
    throw new DomainError(
      'RECEIPT_REFUSED',
      `${message}. ${result.accepted} receipt(s) before it accepted, ${result.duplicates} already stored`,
      { ...result, index: refusal.index, seq: refusal.seq, problem: refusal.problem },
    );
  }

  private alertFailed(error: unknown): void {
    this.logger.error(`Receipt alert not updated: ${String(error)}`);
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
      const verdict = await this.judge(manager, device, chain, raw, items);
      if (verdict.kind === 'duplicate') {
        duplicates += 1;
      } else if (verdict.kind === 'new') {
        rows.push(newRow(device, verdict.receipt, now));
        chain.append(verdict.receipt);
      } else {
        refusal = { index, seq: claimedSeq(raw), ...verdict };
        break;
      }
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

  /**
   * One receipt against the device's chain as held so far: genuine (shape, device, hash and
   * signature) and linked first, then compared with the stored one at its seq, then its item.
   */
  private async judge(
    manager: EntityManager,
    device: Device,
    chain: DeviceChain,
    raw: unknown,
    items: Map<string, ScheduleItem | null>,
  ): Promise<Verdict> {
    const refused = (problem: ReceiptProblem, message: string): Verdict => ({
      kind: 'refused',
      problem,
      message,
    });
    const parsed = parseReceipt(raw);
    if (!parsed.ok) return refused('invalid', parsed.error);
    const receipt = parsed.value;
    if (receipt.outcome !== 'missed' && (receipt.startedAt === null || receipt.endedAt === null)) {
      return refused('invalid', `${receipt.outcome} receipts need startedAt and endedAt`);
    }
    if (receipt.deviceId !== device.id) {
      return refused('wrong-device', `deviceId is not this device's id (${device.id})`);
    }
    const problem = device.publicKey
      ? receiptProblem(receipt, device.publicKey)
      : 'the device has no public key';
    if (problem) return refused('bad-signature', problem);
    const link = chain.linkProblem(receipt);
    if (link) return refused(link.problem, link.message);
    const stored = chain.at(receipt.seq);
    if (stored) {
      if (sameReceipt(receipt, stored)) return { kind: 'duplicate' };
      return stored.hash === receipt.hash
        ? refused('resigned', `seq ${receipt.seq} is stored with another signature`)
        : refused('fork', `seq ${receipt.seq} is stored with other content (hash ${stored.hash})`);
    }
    if (!(await this.itemSent(manager, device, receipt, items))) {
      return refused(
        'not-sent',
        `item ${receipt.scheduleItemId} is not an item of commune ${device.communeCode} ` +
          "sent to this device's zones",
      );
    }
    return { kind: 'new', receipt };
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

const PROBLEM_TEXT: Record<ReceiptProblem, string> = {
  invalid: 'biên nhận sai định dạng',
  'wrong-device': 'biên nhận mang mã của cụm loa khác',
  'bad-signature': 'chữ ký hoặc mã băm không khớp với khóa của cụm loa (có thể bị giả mạo)',
  gap: 'thiếu biên nhận trước đó trong chuỗi',
  fork: 'biên nhận không nối tiếp chuỗi đã lưu (bị sửa hoặc rẽ nhánh)',
  resigned: 'biên nhận đã lưu được ký lại khác',
  'not-sent': 'mục phát không được gửi cho cụm loa này',
};

/** The alert's text: Vietnamese, naming the cluster, the receipt and the problem. */
function refusalText(device: Device, refusal: Refusal): string {
  const which = refusal.seq === null ? '' : ` số ${refusal.seq}`;
  return `Biên nhận phát${which} của cụm loa "${device.name}" bị từ chối: ${PROBLEM_TEXT[refusal.problem]}`;
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
