import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

export const PLAYOUT_IMPORT_KINDS = ['csv', 'batch'] as const;
export type PlayoutImportKind = (typeof PLAYOUT_IMPORT_KINDS)[number];

export interface PlayoutImportSummary {
  imported: number;
  duplicates: number;
}

/** One CSV or batch import, so a replay (same key, or same content) returns the first result. */
@Entity('playout_import')
@Index(['communeCode', 'idempotencyKey'], { unique: true })
@Index(['communeCode', 'bodySha256'])
export class PlayoutImport {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code' })
  communeCode!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: PlayoutImportKind;

  @Column({ type: 'varchar', length: 200, name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  /** sha256 of the request body as received. */
  @Column({ type: 'varchar', length: 64, name: 'body_sha256' })
  bodySha256!: string;

  @Column({ type: 'simple-json' })
  summary!: PlayoutImportSummary;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;
}
