import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/** Priorities of Thông tư 39/2020/TT-BTTTT. */
export const BULLETIN_PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export type BulletinPriority = (typeof BULLETIN_PRIORITIES)[number];

export const BULLETIN_STATUSES = ['draft', 'approved', 'archived'] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];

/**
 * A titled recording tagged with topics. It belongs to one commune, or (communeCode null) to its
 * province's library, which every commune of the province may schedule.
 */
@Entity('bulletin')
@Index(['communeCode', 'status'])
@Index(['provinceCode', 'status'])
export class Bulletin {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The commune code, or the province code for the province library. */
  @Column({ type: 'varchar', length: 5, name: 'owner_code' })
  ownerCode!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code', nullable: true })
  communeCode!: string | null;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'varchar', length: 36, name: 'audio_id' })
  audioId!: string;

  @Column({ type: 'varchar', length: 12 })
  priority!: BulletinPriority;

  @Column({ type: 'varchar', length: 12 })
  status!: BulletinStatus;

  @Column({ type: 'varchar', length: 36, name: 'approved_by', nullable: true })
  approvedBy!: string | null;

  @InstantColumn({ name: 'approved_at', nullable: true })
  approvedAt!: Date | null;

  /**
   * Set when the approver sent the draft back with a reason; it then waits for the operator, not
   * the approver, until an edit submits it again. Optional so that older writers may omit it.
   */
  @InstantColumn({ name: 'sent_back_at', nullable: true })
  sentBackAt?: Date | null;

  @Column({ type: 'varchar', length: 36, name: 'sent_back_by', nullable: true })
  sentBackBy?: string | null;

  @Column({ type: 'text', name: 'sent_back_reason', nullable: true })
  sentBackReason?: string | null;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;

  /**
   * 1 when created, one more at each edit that changes the title, text, audio, topics or priority:
   * the version an approver names when approving what they heard and read.
   */
  @Column({ type: 'integer', default: 1 })
  revision!: number;

  /** Sample content made by the demo seeder, removable as a whole. */
  @Column({ type: 'boolean', default: false })
  demo!: boolean;
}
