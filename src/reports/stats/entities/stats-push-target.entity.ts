import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn, LocalDateColumn } from '../../../database/columns';

/**
 * Where a province's finished days of the statistics feed are pushed (one per province). The
 * secret that signs them is kept only sealed (AES-256-GCM, the key of SIGNING_KEY_FILE) and never
 * served back.
 */
@Entity('stats_push_target')
export class StatsPushTarget {
  @PrimaryColumn({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  /** `iv.tag.ciphertext`, base64url each. */
  @Column({ type: 'text', name: 'secret_cipher' })
  secretCipher!: string;

  /** The first local day pushed. */
  @LocalDateColumn({ name: 'starts_on' })
  startsOn!: string;

  @Column({ type: 'varchar', length: 36, name: 'updated_by', nullable: true })
  updatedBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
