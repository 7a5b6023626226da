import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import type { ReceiptOutcome, ReceiptSegment } from '../../fleet/protocol';
import type { ReceiptRejection } from '../receipts/receipt.view';

/**
 * A play receipt as its device signed it (docs/device-protocol.md): one row per device and seq,
 * the instants kept as the exact text that was hashed, so the receipt served back checks with
 * the key of the device's enrolment that signed it. Only genuine receipts that link into the
 * device's chain are stored; they are never changed except `recordSeq`, which notes the
 * commune's as-run record that first counted them. One that must not count (its play could not
 * have happened, or it is signed under another enrolment than its item's) is kept, so the chain
 * goes on, with `refused`.
 */
@Entity('device_receipt')
@Index(['scheduleItemId'])
@Index(['communeCode', 'recordSeq'])
export class DeviceReceipt {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'device_id' })
  deviceId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'varchar', length: 36, name: 'schedule_item_id' })
  scheduleItemId!: string;

  @Column({ type: 'varchar', length: 24, name: 'started_at', nullable: true })
  startedAt!: string | null;

  @Column({ type: 'varchar', length: 24, name: 'ended_at', nullable: true })
  endedAt!: string | null;

  @Column({ type: 'integer', name: 'played_ms' })
  playedMs!: number;

  @Column({ type: 'varchar', length: 10 })
  outcome!: ReceiptOutcome;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** A relay's segments as the device signed them (protocol 2); null otherwise. */
  @Column({ type: 'simple-json', nullable: true })
  segments!: ReceiptSegment[] | null;

  @Column({ type: 'varchar', length: 64, name: 'prev_hash' })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ type: 'varchar', length: 88 })
  signature!: string;

  @InstantColumn({ name: 'received_at' })
  receivedAt!: Date;

  /**
   * Why the receipt does not count as airtime (its play could not have happened, or it is signed
   * under another enrolment than its item's); null: it counts.
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  refused!: ReceiptRejection | null;

  /** The seq of the commune's record that first counted it; null until one is written. */
  @Column({ type: 'integer', name: 'record_seq', nullable: true })
  recordSeq!: number | null;
}
