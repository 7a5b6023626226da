import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * The last verification of a commune's hash chain, so a province-wide report can show every
 * commune's state without recomputing 166 chains per request. A check is redone when the chain
 * grew since (`lastSeq` ≠ the head's), and every commune is re-verified by the maintenance job
 * (a row edited in place does not move the head).
 */
@Entity('chain_check')
export class ChainCheck {
  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  /** The chain head's last seq when it was checked. */
  @Column({ type: 'integer', name: 'last_seq' })
  lastSeq!: number;

  @Column({ type: 'boolean' })
  ok!: boolean;

  /** Records verified (when ok). */
  @Column({ type: 'integer' })
  count!: number;

  @Column({ type: 'integer', name: 'broken_at_seq', nullable: true })
  brokenAtSeq!: number | null;

  @InstantColumn({ name: 'checked_at' })
  checkedAt!: Date;
}
