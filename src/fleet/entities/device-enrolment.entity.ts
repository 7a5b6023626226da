import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/** How an enrolment ended: a new enrolment code was issued (Cấp mã mới), or it was revoked. */
export const ENROLMENT_ENDINGS = ['re-keyed', 'revoked'] as const;
export type EnrolmentEnding = (typeof ENROLMENT_ENDINGS)[number];

/**
 * One enrolment of a device: the public key it enrolled with, from when, and when and how it
 * ended (null while it holds its credentials). A receipt is checked with the key of the
 * enrolment its item was sent under (`src/fleet/enrolment-history.ts`), so a re-keyed box's
 * receipts of its earlier items still count, and an old key vouches for nothing sent later. Rows
 * are only added, and ended once; `device` keeps the latest as its current key and times.
 */
@Entity('device_enrolment')
export class DeviceEnrolment {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'device_id' })
  deviceId!: string;

  /** 1, 2, … in the order the device enrolled. */
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  /** Base64 of the 32-byte Ed25519 public key it enrolled with. */
  @Column({ type: 'varchar', length: 44, name: 'public_key' })
  publicKey!: string;

  @InstantColumn({ name: 'enrolled_at' })
  enrolledAt!: Date;

  @InstantColumn({ name: 'ended_at', nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'varchar', length: 16, name: 'ended_by', nullable: true })
  endedBy!: EnrolmentEnding | null;
}
