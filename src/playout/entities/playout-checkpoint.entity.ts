import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * A signed checkpoint of a commune's hash chain: the service's Ed25519 key (kept outside the
 * database) signed "record `seq` of this commune has hash `hash`" at `signedAt`. Whoever holds
 * one can tell a rewritten log from the one that was signed, however its hashes were recomputed.
 */
@Entity('playout_checkpoint')
@Index(['communeCode', 'seq'])
export class PlayoutCheckpoint {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  @InstantColumn({ name: 'signed_at' })
  signedAt!: Date;

  /** First 16 hex of sha256 of the raw public key. */
  @Column({ type: 'varchar', length: 16, name: 'key_id' })
  keyId!: string;

  /** Ed25519 signature of the canonical claim, base64. */
  @Column({ type: 'varchar', length: 88 })
  signature!: string;

  /** The admin who asked for it; null when the daily job signed it. */
  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;
}
