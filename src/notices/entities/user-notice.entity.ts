import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

export const NOTICE_KINDS = ['bulletin.approved', 'bulletin.sent-back'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Something a user should know happened to their work (their bulletin approved or sent back). */
@Entity('user_notice')
@Index(['userId', 'createdAt'])
export class UserNotice {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: NoticeKind;

  @Column({ type: 'varchar', length: 36, name: 'bulletin_id', nullable: true })
  bulletinId!: string | null;

  /** The bulletin's title when the notice was made. */
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  /** Why it was sent back. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 36, name: 'actor_id', nullable: true })
  actorId!: string | null;

  /** Who did it, as people call them (display name, else username). */
  @Column({ type: 'varchar', length: 120, name: 'actor_name', nullable: true })
  actorName!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'read_at', nullable: true })
  readAt!: Date | null;
}
