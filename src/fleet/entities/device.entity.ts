import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import type { DeviceState, PowerState } from '../protocol';

/** A speaker cluster (cụm thu phát thanh) of a commune, its credentials and its last status. */
@Entity('device')
@Index(['communeCode'])
@Index(['provinceCode'])
export class Device {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Zone codes, sorted. */
  @Column({ type: 'simple-json' })
  zones!: string[];

  @Column({ type: 'real', name: 'location_lat', nullable: true })
  locationLat!: number | null;

  @Column({ type: 'real', name: 'location_lon', nullable: true })
  locationLon!: number | null;

  @Column({ type: 'varchar', length: 200, name: 'location_note', nullable: true })
  locationNote!: string | null;

  /** SHA-256 (hex) of the current enrolment code; kept after use so a reuse is told apart. */
  @Column({ type: 'varchar', length: 64, name: 'enrolment_code_hash', nullable: true })
  @Index({ unique: true })
  enrolmentCodeHash!: string | null;

  @InstantColumn({ name: 'enrolment_expires_at', nullable: true })
  enrolmentExpiresAt!: Date | null;

  @InstantColumn({ name: 'enrolment_used_at', nullable: true })
  enrolmentUsedAt!: Date | null;

  /** Base64 of the device's 32-byte Ed25519 public key, given at enrolment. */
  @Column({ type: 'varchar', length: 44, name: 'public_key', nullable: true })
  publicKey!: string | null;

  /** SHA-256 (hex) of the device's API token; null: no valid token. */
  @Column({ type: 'varchar', length: 64, name: 'api_token_hash', nullable: true })
  @Index({ unique: true })
  apiTokenHash!: string | null;

  /** SHA-256 (hex) of the device's MQTT password; null: the broker refuses it. */
  @Column({ type: 'varchar', length: 64, name: 'mqtt_password_hash', nullable: true })
  mqttPasswordHash!: string | null;

  @InstantColumn({ name: 'enrolled_at', nullable: true })
  enrolledAt!: Date | null;

  /**
   * When its credentials were revoked (a revocation or a new enrolment code); null while it holds
   * credentials. Items that start after it are not sent to the device (`deviceIsTargetable`).
   */
  @InstantColumn({ name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** The last status the device reported (`offline` also by its Last Will); null: never. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  state!: DeviceState | null;

  /** When the server last received a live status from the device. */
  @InstantColumn({ name: 'last_seen_at', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'varchar', length: 64, name: 'playing_item_id', nullable: true })
  playingItemId!: string | null;

  @InstantColumn({ name: 'playing_started_at', nullable: true })
  playingStartedAt!: Date | null;

  @Column({ type: 'integer', name: 'clock_skew_ms', nullable: true })
  clockSkewMs!: number | null;

  @InstantColumn({ name: 'cached_until', nullable: true })
  cachedUntil!: Date | null;

  @Column({ type: 'integer', nullable: true })
  volume!: number | null;

  @Column({ type: 'varchar', length: 3, nullable: true })
  power!: PowerState | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  version!: string | null;

  /**
   * What was wrong with the last status message the server could not take (its first problem, in
   * English), and when it came; kept after later good statuses, as the last problem seen.
   */
  @Column({ type: 'varchar', length: 200, name: 'status_problem', nullable: true })
  statusProblem!: string | null;

  @InstantColumn({ name: 'status_problem_at', nullable: true })
  statusProblemAt!: Date | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
