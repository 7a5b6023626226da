import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * A stream a province's communes may relay (nguồn tiếp âm: VOV, the provincial station): its
 * URLs, primary first then the backups, and the bulletin played when every URL fails.
 */
@Entity('stream_source')
@Index(['provinceCode', 'name'])
export class StreamSource {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** HTTP(S) stream URLs (Icecast or HLS), primary first. */
  @Column({ type: 'simple-json' })
  urls!: string[];

  /** A province library bulletin played when every URL fails; null: silence. */
  @Column({ type: 'varchar', length: 36, name: 'fallback_bulletin_id', nullable: true })
  fallbackBulletinId!: string | null;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
