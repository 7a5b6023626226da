import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readOrCreateSecretFile } from '../../../common/secret-file';

/**
 * AES-256-GCM for the signing certificate's password: `iv.tag.ciphertext`, base64url each. The
 * key lives in SIGNING_KEY_FILE, outside the database, so the database alone opens nothing.
 */
export function sealPassword(password: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

export function openPassword(box: string, key: Buffer): string {
  const [iv, tag, sealed] = box.split('.').map((part) => Buffer.from(part, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
}

/**
 * The 32-byte sealing key of SIGNING_KEY_FILE (base64), made at first use. It seals the signing
 * certificate's password and the statistics push secrets.
 */
export async function loadSealingKey(file: string): Promise<Buffer> {
  const { secret } = await readOrCreateSecretFile(file, () => randomBytes(32).toString('base64'));
  const key = Buffer.from(secret, 'base64');
  if (key.length !== 32) throw new Error(`${file} must hold 32 bytes in base64`);
  return key;
}
