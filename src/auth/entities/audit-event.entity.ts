import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

export const AUDIT_ACTIONS = [
  'login.succeeded',
  'login.failed',
  'login.rate_limited',
  'user.created',
  'user.updated',
  'user.deleted',
  'topic.created',
  'topic.updated',
  'campaign.created',
  'campaign.updated',
  'audio.created',
  'audio.deleted',
  'bulletin.created',
  'bulletin.updated',
  'bulletin.approved',
  'bulletin.unapproved',
  'bulletin.sent-back',
  'bulletin.archived',
  'bulletin.deleted',
  'window.created',
  'window.deleted',
  'schedule.added',
  'schedule.cancelled',
  'schedule.emergency',
  'schedule.planned',
  'schedule.moved',
  'window.updated',
  'ics.token.rotated',
  'ics.token.revoked',
  'playout.recorded',
  'playout.imported',
  'playout.checkpoint.signed',
  'reports.rollups.rebuilt',
  'reports.signing-certificate.uploaded',
  'reports.stats-push.configured',
  'reports.stats-push.removed',
  'auth.api-key.created',
  'device.created',
  'device.updated',
  'device.deleted',
  'device.enrolled',
  'device.enrolment_code.issued',
  'device.credentials.revoked',
  'device.command.sent',
  'emergency.sent',
  'live.aired',
  'policy.updated',
  'source.created',
  'source.updated',
  'source.deleted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The condition of the partial index of send-backs, which a query repeats word for word for
 * SQLite and PostgreSQL to use the index (a bound parameter in its place would not do).
 */
export const SEND_BACK_CONDITION = "action = 'bulletin.sent-back'";

/** Who did what, when: logins (failed too), user changes, approvals, deletions. */
@Entity('audit_event')
@Index(['at'])
/** The send-backs by bulletin, for the approver's inbox (`AuditService.sendBacksOf`). */
@Index('IDX_audit_event_send_back', ['targetId'], { where: SEND_BACK_CONDITION })
export class AuditEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @InstantColumn()
  at!: Date;

  @Column({ type: 'varchar', length: 40 })
  action!: AuditAction;

  @Column({ type: 'varchar', length: 36, name: 'actor_id', nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'actor_username', nullable: true })
  actorUsername!: string | null;

  @Column({ type: 'varchar', length: 40, name: 'target_type', nullable: true })
  targetType!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'target_id', nullable: true })
  targetId!: string | null;

  @Column({ type: 'varchar', length: 5, name: 'commune_code', nullable: true })
  communeCode!: string | null;

  @Column({ type: 'varchar', length: 2, name: 'province_code', nullable: true })
  provinceCode!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  detail!: Record<string, unknown> | null;
}
