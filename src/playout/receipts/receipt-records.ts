import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { toInstant } from '../../database/columns';
import { Device } from '../../fleet/entities/device.entity';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { itemTargetsDevice } from '../../schedule/item-zones';
import { PolicyChecks } from '../../schedule/policy-checks';
import { AsRunLedger } from '../as-run-ledger';
import { AutomationRecorder } from '../automation-recorder';
import { DeviceReceipt } from '../entities/device-receipt.entity';
import { PlayoutRecord } from '../entities/playout-record.entity';
import { AUTOMATION_ATTEMPT, nextAttempts } from '../log-checks';
import { policyRefusalReason } from '../policy-refusal';
import { communeCoverage } from './device-coverage';

type ChainHead = Awaited<ReturnType<AsRunLedger['lockHead']>>;

const LATE_PREFIX = 'Biên nhận đến muộn. ';

/**
 * The commune's as-run record of an item, built from its devices' receipts (`source` devices,
 * attempt 1, one per item): written once every targeted device has reported, or once the grace
 * after the item's end is over. Receipts arriving after it add a correction (`correctsSeq`) with
 * the new coverage; the log stays append-only. Every call runs with the commune's chain head
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
    const records = await manager.find(PlayoutRecord, {
      where: { scheduleItemId: item.id },
      order: { seq: 'ASC' },
    });
    const fromDevices = records.filter((record) => record.source === 'devices');
    const receipts = await manager.findBy(DeviceReceipt, { scheduleItemId: item.id });
    const targeted = await this.targetedDevices(manager, item);
    const coverage = communeCoverage(item.startsAt, targeted, receipts);
    if (coverage.outcome === 'missed') {
      // The boxes refused it for the broadcast policy (or were down): `failed` with the rule.
      const violation = await this.policy.checkScheduled(manager, item);
      if (violation) {
        coverage.outcome = 'failed';
        coverage.reason = `${policyRefusalReason(violation)}. ${coverage.reason}`;
      }
    }
    let record: PlayoutRecord;
    if (fromDevices.length === 0) {
      // The service's player recorded it (before the commune had devices): that record stands.
      if (records.some((earlier) => earlier.attempt === AUTOMATION_ATTEMPT)) return null;
      const complete = coverage.devices.targeted > 0 && coverage.devices.unreported === 0;
      if (!complete && now < this.graceEnd(item)) return null;
      record = await this.recorder.append(manager, head, item, coverage, {
        source: 'devices',
        attempt: AUTOMATION_ATTEMPT,
        devices: coverage.devices,
      });
    } else {
      const latest = fromDevices[fromDevices.length - 1];
      if (!receipts.some((receipt) => receipt.recordSeq === null)) return null;
      // A person corrected the devices' record: their word stands; the receipts stay listed.
      if (records.some((other) => other.correctsSeq === latest.seq)) return null;
      const attempt = (await nextAttempts(manager, [item.id])).get(item.id)!;
      record = await this.recorder.append(
        manager,
        head,
        item,
        { ...coverage, reason: LATE_PREFIX + coverage.reason },
        { source: 'devices', attempt, correctsSeq: latest.seq, devices: coverage.devices },
      );
    }
    await manager.update(
      DeviceReceipt,
      { scheduleItemId: item.id, recordSeq: IsNull() },
      { recordSeq: record.seq },
    );
    return record;
  }

  /** The enrolled devices of the commune the item went to (enrolled before it ended). */
  private async targetedDevices(manager: EntityManager, item: ScheduleItem): Promise<string[]> {
    const devices = await manager
      .createQueryBuilder(Device, 'device')
      .where('device.commune_code = :communeCode', { communeCode: item.communeCode })
      .andWhere('device.enrolled_at IS NOT NULL AND device.enrolled_at <= :end', {
        end: toInstant(item.endsAt),
      })
      .getMany();
    return devices
      .filter((device) => itemTargetsDevice(item.zones, device.zones))
      .map((device) => device.id);
  }
}
