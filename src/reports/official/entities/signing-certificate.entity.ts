import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../../database/columns';

/**
 * The PKCS#12 certificate a province's official reports are signed with (one per province). Its password
 * is kept only encrypted (AES-256-GCM) with the key of SIGNING_KEY_FILE, which is not in the
 * database: a copy of the database alone does not give the private key.
 */
@Entity('signing_certificate')
export class SigningCertificate {
  @PrimaryColumn({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  /** The PKCS#12 file, base64. */
  @Column({ type: 'text' })
  p12!: string;

  /** `iv.tag.ciphertext`, base64url each. */
  @Column({ type: 'text', name: 'password_cipher' })
  passwordCipher!: string;

  @Column({ type: 'varchar', length: 500 })
  subject!: string;

  @InstantColumn({ name: 'not_after' })
  notAfter!: Date;

  @Column({ type: 'varchar', length: 36, name: 'uploaded_by' })
  uploadedBy!: string;

  @InstantColumn({ name: 'uploaded_at' })
  uploadedAt!: Date;
}
