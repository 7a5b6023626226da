import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

/**
 * A key for the open statistics feed, scoped to a province. Only its SHA-256 is kept: the key is
 * shown once, when an admin makes it.
 */
@Entity('api_key')
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 64, name: 'key_hash', unique: true })
  keyHash!: string;

  @Column({ type: 'varchar', length: 36, name: 'created_by' })
  createdBy!: string;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;
}
