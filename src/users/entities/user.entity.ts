import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

export const USER_ROLES = ['admin', 'monitor', 'operator', 'approver'] as const;
export type UserRole = (typeof USER_ROLES)[number];

@Entity('user')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 255, name: 'password_hash' })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: UserRole;

  @Column({ type: 'varchar', length: 120, name: 'display_name', nullable: true })
  displayName!: string | null;

  /** Set for operators and approvers. */
  @Column({ type: 'varchar', length: 5, name: 'commune_code', nullable: true })
  communeCode!: string | null;

  /** Set for monitors, and for operators and approvers (their commune's province). */
  @Column({ type: 'varchar', length: 2, name: 'province_code', nullable: true })
  provinceCode!: string | null;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** Bumped when the password changes or the user is disabled: older tokens stop working. */
  @Column({ type: 'integer', name: 'token_version', default: 0 })
  tokenVersion!: number;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
