import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * The head of a commune's hash chain. Every append locks this row first (`SELECT … FOR UPDATE`
 * on PostgreSQL; SQLite serializes writes), so seqs stay gapless and ordered under concurrent
 * writers. It also lets `verify` notice records cut off the end of the chain.
 */
@Entity('playout_chain')
export class PlayoutChain {
  @PrimaryColumn({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'integer', name: 'last_seq', default: 0 })
  lastSeq!: number;

  @Column({ type: 'varchar', length: 64, name: 'last_hash' })
  lastHash!: string;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
