import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { execute, placeholders, selectRows } from '../../database/bulk-insert';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { deviceWasTargeted, EnrolmentSpan, ZoneSpan } from '../../fleet/device-targeting';
import { DeviceEnrolment } from '../../fleet/entities/device-enrolment.entity';
import { DeviceZoneSpan } from '../../fleet/entities/device-zone-span.entity';
import { Device } from '../../fleet/entities/device.entity';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { PolicyChecks } from '../../schedule/policy-checks';
import { AsRunLedger } from '../as-run-ledger';
import { AutomationRecorder, ItemRecordEntry, RecordExtra } from '../automation-recorder';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import {
  builtFromReceipts,
  DeviceCoverage,
  PlayoutRecord,
} from '../entities/playout-record.entity';
import { AUTOMATION_ATTEMPT, chunks, LOOKUP_CHUNK, nextAttempts } from '../log-checks';
import { policyRefusalReason } from '../policy-refusal';
import { communeCoverage } from './device-coverage';

type ChainHead = Awaited<ReturnType<AsRunLedger['lockHead']>>;

const LATE_PREFIX = 'Biên nhận đến muộn. ';
/** The reason of a receipts' record that replaces a record a person wrote before it. */
export const REPLACES_PREFIX = 'Biên nhận của cụm loa thay cho xác nhận bằng tay. ';

/**
 * The commune's as-run record of an item, built from its devices' receipts (`source` devices,
 * `live` for a live announcement; attempt 1, one per item): written once every targeted device
 * has reported, or once the grace after the item's end is over. Receipts arriving after it add a correction (`correctsSeq`) with
 * the new coverage; the log stays append-only. An item a person recorded first (an operator's
 * confirmation, an import) gets its receipts' record as a correction of that record: the signed
 * receipts are the stronger evidence, and an item never has two records in effect that count.
 * Every call runs with the commune's chain head
 * held, so two instances (the upload and the grace sweep) never write the same record twice.
 */
@Injectable()
export class ReceiptRecords {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recorder: AutomationRecorder,
    private readonly policy: PolicyChecks,
  ) {}

  /** The end of an item's grace: its record is written then at the latest. */
  graceEnd(item: ScheduleItem): Date {
    return new Date(item.endsAt.getTime() + this.config.playout.receiptGraceMinutes * 60000);
  }

  /** Writes what is due for the item now; null when nothing is. `head` must be held. */
  async settle(
    manager: EntityManager,
    head: ChainHead,
    item: ScheduleItem,
    now: Date,
  ): Promise<PlayoutRecord | null> {
    const [record] = await this.settleMany(manager, head, [item], now);
    return record ?? null;
  }

  /**
   * `settle` for many items of the head's commune at once (a day of receipts touches hundreds):
   * their records, receipts and the commune's devices read once, the due records appended in
   * the order of `items` by one ledger append, the receipts marked with one statement. Returns
   * the records written.
   */
  async settleMany(
    manager: EntityManager,
    head: ChainHead,
    items: readonly ScheduleItem[],
    now: Date,
  ): Promise<PlayoutRecord[]> {
    if (items.length === 0) return [];
    const ids = items.map((item) => item.id);
    const records = new Map<string, PlayoutRecord[]>();
    const receipts = new Map<string, DeviceReceipt[]>();
    for (const slice of chunks(ids, LOOKUP_CHUNK)) {
      const found = await manager.find(PlayoutRecord, {
        where: { scheduleItemId: In(slice) },
        order: { seq: 'ASC' },
      });
      for (const record of found) push(records, record.scheduleItemId!, record);
      // A refused receipt (its play could not have happened) is in its device's chain, not airtime.
      const counted = { scheduleItemId: In(slice), refused: IsNull() };
      for (const receipt of await manager.findBy(DeviceReceipt, counted)) {
        push(receipts, receipt.scheduleItemId, receipt);
      }
    }
    const devices = await this.enrolledDevices(manager, head.communeCode);
    const corrected = await correctedSeqs(
      manager,
      head.communeCode,
      [...records.values()].flat().map((record) => record.seq),
    );

    const due: (ItemRecordEntry & { extra: RecordExtra })[] = [];
    const corrections: string[] = [];
    for (const item of items) {
      const itemRecords = records.get(item.id) ?? [];
      const itemReceipts = receipts.get(item.id) ?? [];
      const source = recordSourceOf(item);
      const fromDevices = itemRecords.filter(builtFromReceipts);
      const coverage = communeCoverage(item, targetedDevices(devices, item), itemReceipts);
      if (fromDevices.length === 0) {
        // The service's player recorded it (before the commune had devices): that record stands.
        if (itemRecords.some((earlier) => earlier.attempt === AUTOMATION_ATTEMPT)) continue;
        const complete = coverage.devices.targeted > 0 && coverage.devices.unreported === 0;
        if (!complete && now < this.graceEnd(item)) continue;
        const replaced = recordToReplace(itemRecords, corrected);
        // No cluster has reported: nothing stronger than the person's word yet.
        if (replaced && !anyReported(coverage.devices)) continue;
        due.push({
          item,
          result: replaced ? { ...coverage, reason: REPLACES_PREFIX + coverage.reason } : coverage,
          extra: {
            source,
            attempt: AUTOMATION_ATTEMPT,
            ...(replaced ? { correctsSeq: replaced.seq } : {}),
            devices: coverage.devices,
            ...speakerOf(item),
          },
        });
      } else {
        const latest = fromDevices[fromDevices.length - 1];
        if (!itemReceipts.some((receipt) => receipt.recordSeq === null)) continue;
        // A person corrected the devices' record: their word stands; the receipts stay listed.
        if (corrected.has(latest.seq)) continue;
        corrections.push(item.id);
        due.push({
          item,
          result: { ...coverage, reason: LATE_PREFIX + coverage.reason },
          extra: { source, correctsSeq: latest.seq, devices: coverage.devices, ...speakerOf(item) },
        });
      }
    }
    if (due.length === 0) return [];
    for (const entry of due) {
      // Live speech was checked against the policy when it began (quiet hours).
      if (entry.result.outcome !== 'missed' || entry.item.source === 'live') continue;
      // The boxes refused it for the broadcast policy (or were down): `failed` with the rule.
      const violation = await this.policy.checkScheduled(manager, entry.item);
      if (violation) {
        entry.result = {
          ...entry.result,
          outcome: 'failed',
          reason: `${policyRefusalReason(violation)}. ${entry.result.reason}`,
        };
      }
    }
    // A late receipts' correction takes the item's next attempt; the first record keeps attempt 1.
    const attempts = await nextAttempts(manager, corrections);
    for (const entry of due) {
      if (entry.extra.attempt === undefined) entry.extra.attempt = attempts.get(entry.item.id)!;
    }
    // The receipts name their records' seqs before the records exist, not after: on SQLite's
    // one connection a read between two statements of this transaction (the log, then a
    // record's receipts) sees the record only with the receipts it counts.
    const firstSeq = head.lastSeq + 1;
    await markCounted(
      manager,
      due.map((entry, index) => ({ scheduleItemId: entry.item.id, seq: firstSeq + index })),
    );
    const written = await this.recorder.appendMany(manager, head, due);
    for (const [index, record] of written.entries()) {
      if (record.seq !== firstSeq + index) {
        throw new Error(`Record of item ${record.scheduleItemId} took seq ${record.seq}`);
      }
    }
    return written;
  }

  /**
   * The devices of the commune ever enrolled, each with its enrolments and the spans of its zones
   * (each item keeps those `deviceWasTargeted`).
   */
  private async enrolledDevices(
    manager: EntityManager,
    communeCode: string,
  ): Promise<EnrolledDevice[]> {
    const devices = await manager
      .createQueryBuilder(Device, 'device')
      .where('device.commune_code = :communeCode', { communeCode })
      .andWhere('device.enrolled_at IS NOT NULL')
      .getMany();
    const enrolments = new Map<string, DeviceEnrolment[]>();
    const zoneSpans = new Map<string, DeviceZoneSpan[]>();
    for (const slice of chunks(
      devices.map((device) => device.id),
      LOOKUP_CHUNK,
    )) {
      for (const enrolment of await manager.findBy(DeviceEnrolment, { deviceId: In(slice) })) {
        push(enrolments, enrolment.deviceId, enrolment);
      }
      for (const span of await manager.findBy(DeviceZoneSpan, { deviceId: In(slice) })) {
        push(zoneSpans, span.deviceId, span);
      }
    }
    return devices.map((device) => ({
      device,
      enrolments: enrolments.get(device.id) ?? [],
      zoneSpans: zoneSpans.get(device.id) ?? [],
    }));
  }
}

/**
 * A record built from receipts is `devices`; a live announcement's is `live`, as on the server's
 * own output, and names who spoke (`createdBy`).
 */
function recordSourceOf(item: ScheduleItem): 'devices' | 'live' {
  return item.source === 'live' ? 'live' : 'devices';
}

function speakerOf(item: ScheduleItem): { createdBy?: string | null } {
  return item.source === 'live' ? { createdBy: item.createdBy } : {};
}

/** A device of the commune, its enrolments and the spans of its zones. */
interface EnrolledDevice {
  device: Device;
  enrolments: readonly EnrolmentSpan[];
  zoneSpans: readonly ZoneSpan[];
}

/**
 * The devices of the commune the item went to, under any of their enrolments (enrolled before it
 * ended, not re-keyed or revoked before it started) and by the zones they had while it ran (not
 * their current ones): the record waits for their receipts. A box re-keyed or re-zoned while the
 * item played is one device, listed once.
 */
function targetedDevices(devices: readonly EnrolledDevice[], item: ScheduleItem): string[] {
  return devices
    .filter(({ enrolments, zoneSpans }) => deviceWasTargeted(zoneSpans, enrolments, item))
    .map(({ device }) => device.id);
}

/**
 * The record a person wrote of the item (an operator's confirmation, an import) that the
 * receipts' first record replaces: one in effect, the latest that counts airtime if any does
 * (`records` are the item's, in seq order, none from its devices).
 */
function recordToReplace(
  records: readonly PlayoutRecord[],
  corrected: ReadonlySet<number>,
): PlayoutRecord | undefined {
  const inEffect = records.filter((record) => !corrected.has(record.seq));
  const counting = inEffect.filter(
    (record) => record.outcome === 'aired' || record.outcome === 'partial',
  );
  return (counting.length > 0 ? counting : inEffect).at(-1);
}

function anyReported(devices: DeviceCoverage): boolean {
  return devices.targeted > devices.unreported;
}

/**
 * Which of the commune's `seqs` a record corrects (the correction need not name the item: a
 * person may correct a record by its seq alone).
 */
async function correctedSeqs(
  manager: EntityManager,
  communeCode: string,
  seqs: readonly number[],
): Promise<Set<number>> {
  const found = new Set<number>();
  for (const slice of chunks(seqs, LOOKUP_CHUNK)) {
    const rows = await selectRows<{ correctsSeq: number | string }>(
      manager,
      'SELECT corrects_seq AS "correctsSeq" FROM playout_record ' +
        `WHERE commune_code = ? AND corrects_seq IN (${placeholders(slice.length)})`,
      [communeCode, ...slice],
    );
    for (const row of rows) found.add(Number(row.correctsSeq));
  }
  return found;
}

/** The receipts each record counts for the first time carry its seq (one statement a slice). */
async function markCounted(
  manager: EntityManager,
  records: readonly { scheduleItemId: string; seq: number }[],
): Promise<void> {
  for (const slice of chunks(records, LOOKUP_CHUNK / 2)) {
    const cases = slice.map(() => 'WHEN ? THEN CAST(? AS INTEGER)').join(' ');
    const parameters: (string | number)[] = [];
    for (const record of slice) parameters.push(record.scheduleItemId, record.seq);
    for (const record of slice) parameters.push(record.scheduleItemId);
    const sql =
      `UPDATE device_receipt SET record_seq = CASE schedule_item_id ${cases} END ` +
      `WHERE record_seq IS NULL AND refused IS NULL AND schedule_item_id IN (${slice.map(() => '?').join(', ')})`;
    await execute(manager, sql, parameters);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
