import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DomainError } from '../../common/domain-error';
import { viNumber } from '../../common/vi-number';
import { toInstant } from '../../database/columns';
import { insertRows } from '../../database/bulk-insert';
import { Db } from '../../database/db.service';
import { Device } from '../../fleet/entities/device.entity';
import { KeyedEnrolment, signingVerdict } from '../../fleet/enrolment-keys';
import { ZoneSpan, zonesReached } from '../../fleet/device-targeting';
import { DeviceZoneSpan } from '../../fleet/entities/device-zone-span.entity';
import {
  publicKeyPointProblem,
  MAX_RECEIPTS_PER_BATCH,
  Parsed,
  parseReceipt,
  Receipt,
} from '../../fleet/protocol';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { AsRunLedger } from '../as-run-ledger';
import { chunks, LOOKUP_CHUNK } from '../log-checks';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import { claimedSeq, DeviceChain, sameReceipt } from './device-chain';
import { DeviceKeys } from './device-keys';
import { AlertsService } from '../../fleet/alerts.service';
import { ReceiptRecords } from './receipt-records';
import { implausibility, ReceiptTimeRules } from './receipt-plausibility';
import { ReceiptRejection, ReceiptUploadResult, RejectedReceiptView } from './receipt.view';

/** Receipts in one upload (a day of one cluster's plays is a few dozen). */
export const MAX_RECEIPTS_PER_UPLOAD = MAX_RECEIPTS_PER_BATCH;

/** Why a receipt was refused (the `problem` of the answer). */
export type ReceiptProblem =
  'invalid' | 'wrong-device' | 'bad-signature' | 'gap' | 'fork' | 'resigned' | 'not-sent';

interface Refusal {
  index: number;
  seq: number | null;
  problem: ReceiptProblem;
  message: string;
}

type Verdict =
  | { kind: 'new'; receipt: Receipt; rejected?: RejectedReceiptView }
  | { kind: 'duplicate'; rejected?: RejectedReceiptView }
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
  'segments',
  'prev_hash',
  'hash',
  'signature',
  'received_at',
  'record_seq',
  'refused',
] as const;

/** Device keys whose verdict is kept at once; more clears them (a province has a few thousand boxes). */
const MAX_KEY_VERDICTS = 10_000;

/**
 * Takes a device's receipts, oldest first. Each is checked — shape, signature with one of the
 * keys the device enrolled with, link to the device's chain (seq = last + 1, prevHash = last
 * hash) — before it is compared with what is stored: an exact copy of a stored receipt is a
 * duplicate (idempotent); anything else at a stored seq is a fork. A new receipt's item must be
 * of the device's commune and of the zones it had while the item ran (not its zones as it
 * uploads: a box re-zoned since still has its earlier items counted), and sent to it while it was
 * enrolled. The first refused
 * receipt stops the upload: the ones before it are kept and counted, it and the ones after are
 * not, and an alert `receipt-refused` is raised. A genuine, linked receipt that must not count is
 * rejected, not refused: signed with the key of another enrolment than the one its item was sent
 * under (`signingVerdict`: an old key for an item sent after it ended, a newer key for an item of
 * an earlier enrolment), or telling a play that could not have happened (`implausibility`: in the
 * future, far from the item's time, longer than the item, of an item cancelled before). It is
 * kept in the chain with its problem, so the device's later receipts still link, answered in
 * `rejected`, and never counted as airtime; an alert `receipt-refused` (subject `rejected`) tells
 * the operators. All under the commune's chain head, so the commune records the new receipts
 * complete are written in the same transaction.
 */
@Injectable()
export class ReceiptIntake {
  private readonly logger = new Logger(ReceiptIntake.name);
  /** publicKeyPointProblem's verdict on each device key seen (null: safe). */
  private readonly keyProblems = new Map<string, string | null>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    await this.noteRejected(device, result.rejected, result.accepted);
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

  /**
   * Rejected receipts are logged one by one and raise the device's alert `receipt-refused`
   * (subject `rejected`) for the commune's operators; an upload whose new receipts all count
   * clears it (the alert stays in the history).
   */
  private async noteRejected(
    device: Device,
    rejected: readonly RejectedReceiptView[],
    accepted: number,
  ): Promise<void> {
    const identity = {
      kind: 'receipt-refused' as const,
      communeCode: device.communeCode,
      deviceId: device.id,
      subject: 'rejected',
    };
    for (const one of rejected) {
      this.logger.warn(
        `Receipt seq ${one.seq} of device ${device.id} rejected (${one.problem}): ${one.message}`,
      );
    }
    const change =
      rejected.length > 0
        ? this.alerts.raise({ ...identity, message: rejectedText(device, rejected) })
        : accepted > 0
          ? this.alerts.clear(identity)
          : null;
    await change?.catch((error: unknown) => this.alertFailed(error));
  }

  /**
   * Why receipts are not believed under a key a device enrolled with (null: it is safe). A key
   * enrolled before small-order keys were refused is checked again. The check takes a few
   * milliseconds of BigInt arithmetic, so its verdict is kept per key.
   */
  private keyProblem(publicKey: string): string | null {
    let problem = this.keyProblems.get(publicKey);
    if (problem === undefined) {
      if (this.keyProblems.size >= MAX_KEY_VERDICTS) this.keyProblems.clear();
      problem = publicKeyPointProblem(publicKey);
      this.keyProblems.set(publicKey, problem);
    }
    return problem;
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
    const rules: ReceiptTimeRules = { now, lateToleranceMs: this.config.playout.lateToleranceMs };
    const head = await this.ledger.lockHead(manager, device.communeCode);
    const chain = await DeviceChain.load(manager, device.id, list);
    const parsed = list.map(parseReceipt);
    const items = await itemsNamed(manager, parsed);
    const keys = await DeviceKeys.load(manager, device.id, (key) => this.keyProblem(key));
    const zoneSpans = await manager.find(DeviceZoneSpan, { where: { deviceId: device.id } });
    const sentTo: SentTo = { device, zoneSpans };
    const rows: DeviceReceipt[] = [];
    const rejected: RejectedReceiptView[] = [];
    let duplicates = 0;
    let refusal: Refusal | undefined;
    for (const [index, raw] of list.entries()) {
      const verdict = judge(sentTo, keys, chain, parsed[index], items, rules);
      if (verdict.kind === 'duplicate') {
        duplicates += 1;
        if (verdict.rejected) rejected.push(verdict.rejected);
      } else if (verdict.kind === 'new') {
        const problem = verdict.rejected?.problem ?? null;
        rows.push(newRow(device, verdict.receipt, now, problem));
        chain.append(verdict.receipt, problem ?? undefined);
        if (verdict.rejected) rejected.push(verdict.rejected);
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
        row.segments ? JSON.stringify(row.segments) : null,
        row.prevHash,
        row.hash,
        row.signature,
        toInstant(row.receivedAt),
        null,
        row.refused,
      ]),
    );
    const counted = rows.filter((row) => row.refused === null);
    const touched = [...new Set(counted.map((row) => row.scheduleItemId))].flatMap((itemId) => {
      const item = items.get(itemId);
      return item ? [item] : [];
    });
    await this.records.settleMany(manager, head, touched, now);
    return { accepted: counted.length, duplicates, rejected, lastSeq: chain.lastSeq, refusal };
  }
}

/** The schedule items the well-formed receipts name, read at once (absent ones map to null). */
async function itemsNamed(
  manager: EntityManager,
  parsed: readonly Parsed<Receipt>[],
): Promise<Map<string, ScheduleItem | null>> {
  const ids = [...new Set(parsed.flatMap((one) => (one.ok ? [one.value.scheduleItemId] : [])))];
  const items = new Map<string, ScheduleItem | null>(ids.map((id) => [id, null]));
  for (const slice of chunks(ids, LOOKUP_CHUNK)) {
    for (const item of await manager.findBy(ScheduleItem, { id: In(slice) })) {
      items.set(item.id, item);
    }
  }
  return items;
}

/**
 * One receipt against the device's chain as held so far: genuine (shape, device, hash and
 * signature by one of its keys) and linked first, then compared with the stored one at its seq,
 * then its item and the enrolment it was sent under.
 */
function judge(
  { device, zoneSpans }: SentTo,
  keys: DeviceKeys,
  chain: DeviceChain,
  parsed: Parsed<Receipt>,
  items: ReadonlyMap<string, ScheduleItem | null>,
  rules: ReceiptTimeRules,
): Verdict {
  const refused = (problem: ReceiptProblem, message: string): Verdict => ({
    kind: 'refused',
    problem,
    message,
  });
  if (!parsed.ok) return refused('invalid', parsed.error);
  const receipt = parsed.value;
  if (receipt.outcome !== 'missed' && (receipt.startedAt === null || receipt.endedAt === null)) {
    return refused('invalid', `${receipt.outcome} receipts need startedAt and endedAt`);
  }
  if (receipt.deviceId !== device.id) {
    return refused('wrong-device', `deviceId is not this device's id (${device.id})`);
  }
  const item = items.get(receipt.scheduleItemId) ?? null;
  const signer = keys.signer(receipt, item);
  if ('problem' in signer) return refused('bad-signature', signer.problem);
  const link = chain.linkProblem(receipt);
  if (link) return refused(link.problem, link.message);
  const stored = chain.at(receipt.seq);
  if (stored) {
    if (sameReceipt(receipt, stored)) {
      const problem = chain.refusedAt(receipt.seq) as ReceiptRejection | undefined;
      if (!problem) return { kind: 'duplicate' };
      const message = `seq ${receipt.seq} is stored, rejected (${problem}) when it was first sent`;
      return { kind: 'duplicate', rejected: { seq: receipt.seq, problem, message } };
    }
    return stored.hash === receipt.hash
      ? refused('resigned', `seq ${receipt.seq} is stored with another signature`)
      : refused('fork', `seq ${receipt.seq} is stored with other content (hash ${stored.hash})`);
  }
  if (!item || item.communeCode !== device.communeCode) {
    return refused(
      'not-sent',
      `item ${receipt.scheduleItemId} is not an item of commune ${device.communeCode}`,
    );
  }
  if (!zonesReached(zoneSpans, item)) {
    // Kept, not refused: a box that played its commune's item from a manifest older than a change
    // of its zones signed a genuine play, and a refusal would stop its chain for good.
    const message =
      `item ${item.id} is for zones this device did not have while it ran ` +
      `(${item.zones?.join(', ') ?? 'the whole commune'})`;
    return {
      kind: 'new',
      receipt,
      rejected: { seq: receipt.seq, problem: ReceiptRejection.OtherZones, message },
    };
  }
  const signed = signingVerdict(keys.enrolments, signer.publicKey, item);
  if (signed.kind === 'not-sent') {
    return refused(
      'not-sent',
      `item ${item.id} ended (${item.endsAt.toISOString()}) before this device first enrolled`,
    );
  }
  if (signed.kind !== 'sent') {
    const problem =
      signed.kind === 'key-ended' ? ReceiptRejection.KeyEnded : ReceiptRejection.KeyNewer;
    const message = wrongKeyMessage(problem, signed.enrolment, item);
    return { kind: 'new', receipt, rejected: { seq: receipt.seq, problem, message } };
  }
  const implausible = implausibility(receipt, item, rules);
  if (!implausible) return { kind: 'new', receipt };
  return { kind: 'new', receipt, rejected: { seq: receipt.seq, ...implausible } };
}

/** The device a receipt is judged for, and the spans of its zones. */
interface SentTo {
  device: Device;
  zoneSpans: readonly ZoneSpan[];
}

/** The English detail of a receipt signed under another enrolment than its item's. */
function wrongKeyMessage(
  problem: ReceiptRejection.KeyEnded | ReceiptRejection.KeyNewer,
  enrolment: KeyedEnrolment,
  item: ScheduleItem,
): string {
  const key = `signed with the key of the device's enrolment ${enrolment.seq} (enrolled ${enrolment.enrolledAt.toISOString()}`;
  if (problem === ReceiptRejection.KeyEnded) {
    return (
      `${key}, ${enrolment.endedBy ?? 'ended'} ${enrolment.endedAt!.toISOString()}), which ` +
      `ended before item ${item.id} started (${item.startsAt.toISOString()}): a key vouches ` +
      'only for the items sent while its enrolment held'
    );
  }
  return (
    `${key}), after item ${item.id} ended (${item.endsAt.toISOString()}): only the key of an ` +
    'enrolment the item was sent under vouches for it'
  );
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

const REJECTION_TEXT: Record<ReceiptRejection, string> = {
  future: 'giờ phát ghi trong biên nhận muộn hơn lúc gửi (đồng hồ của cụm loa sai?)',
  'off-time': 'giờ bắt đầu phát cách xa giờ đã lên lịch của mục phát',
  'too-long': 'thời lượng đã phát dài hơn âm thanh của mục phát',
  cancelled: 'mục phát đã bị hủy trước khi phát',
  'key-ended':
    'biên nhận ký bằng khóa cũ của cụm loa, đã hết hiệu lực (cấp mã mới hoặc thu hồi) trước giờ phát của mục',
  'key-newer':
    'biên nhận ký bằng khóa đăng ký sau khi mục phát đã kết thúc, không phải khóa cụm loa dùng khi được gửi mục',
  'other-zones':
    'mục phát dành cho vùng phát mà cụm loa không thuộc vào lúc mục phát diễn ra (cụm loa phát theo danh sách cũ, trước khi vùng phát được sửa?)',
};

/** The rejection alert's text: the cluster, how many receipts, the first one's problem. */
function rejectedText(device: Device, rejected: readonly RejectedReceiptView[]): string {
  const [first] = rejected;
  const more = rejected.length > 1 ? ` (và ${viNumber(rejected.length - 1)} biên nhận khác)` : '';
  return (
    `Biên nhận phát số ${first.seq}${more} của cụm loa "${device.name}" không được tính vào ` +
    `thời lượng phát: ${REJECTION_TEXT[first.problem]}`
  );
}

/** The alert's text: Vietnamese, naming the cluster, the receipt and the problem. */
function refusalText(device: Device, refusal: Refusal): string {
  const which = refusal.seq === null ? '' : ` số ${refusal.seq}`;
  return `Biên nhận phát${which} của cụm loa "${device.name}" bị từ chối: ${PROBLEM_TEXT[refusal.problem]}`;
}

function newRow(
  device: Device,
  receipt: Receipt,
  now: Date,
  refused: ReceiptRejection | null,
): DeviceReceipt {
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
    segments: receipt.segments ?? null,
    prevHash: receipt.prevHash,
    hash: receipt.hash,
    signature: receipt.signature,
    receivedAt: now,
    recordSeq: null,
    refused,
  };
}

export { ReceiptUploadResult } from './receipt.view';
