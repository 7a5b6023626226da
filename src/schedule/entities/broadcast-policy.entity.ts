import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';
import type { PolicyOverrides } from '../broadcast-policy';

export const POLICY_SCOPES = ['province', 'commune'] as const;
export type PolicyScope = (typeof POLICY_SCOPES)[number];

/**
 * The broadcast policy a province or a commune set itself: only the values it set (`rules`), the
 * others inherited (a commune from its province, a province from POLICY_DEFAULT_*).
 */
@Entity('broadcast_policy')
export class BroadcastPolicyRecord {
  @PrimaryColumn({ type: 'varchar', length: 8 })
  scope!: PolicyScope;

  /** Province (2 digits) or commune (5 digits) code. */
  @PrimaryColumn({ type: 'varchar', length: 5 })
  code!: string;

  @Column({ type: 'simple-json' })
  rules!: PolicyOverrides;

  @Column({ type: 'varchar', length: 36, name: 'updated_by', nullable: true })
  updatedBy!: string | null;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
