import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CheckpointKeyView } from './checkpoint.view';

export { CheckpointKeyView };

/** The fields of a checkpoint that its signature covers. */
export interface CheckpointClaim {
  communeCode: string;
  seq: number;
  hash: string;
  /** UTC ISO 8601 with milliseconds and `Z`. */
  signedAt: string;
}

/**
 * The exact text a checkpoint signs: JSON without spaces, keys in exactly this order
 * (`communeCode, seq, hash, signedAt`), UTF-8 (README.md, "Checkpoints").
 */
export function checkpointMessage(claim: CheckpointClaim): string {
  return JSON.stringify({
    communeCode: claim.communeCode,
    seq: claim.seq,
    hash: claim.hash,
    signedAt: claim.signedAt,
  });
}

/** First 16 hex digits of sha256 of the raw 32-byte public key. */
export function keyIdOf(rawPublicKey: Buffer): string {
  return hash('sha256', rawPublicKey, 'hex').slice(0, 16);
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('The checkpoint key is not an Ed25519 key');
  }
  return Buffer.from(jwk.x, 'base64url');
}

/** The signing key, loaded or made once. */
class CheckpointKey {
  readonly view: CheckpointKeyView;

  constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
  ) {
    const raw = rawPublicKey(publicKey);
    this.view = {
      keyId: keyIdOf(raw),
      algorithm: 'Ed25519',
      publicKey: raw.toString('base64'),
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  }

  sign(message: string): string {
    return sign(null, Buffer.from(message, 'utf8'), this.privateKey).toString('base64');
  }

  verify(message: string, signature: string): boolean {
    const bytes = Buffer.from(signature, 'base64');
    if (bytes.length !== 64) return false;
    return verify(null, Buffer.from(message, 'utf8'), this.publicKey, bytes);
  }
}

/**
 * The Ed25519 key that signs chain checkpoints, kept in `CHECKPOINT_KEY_FILE` and never in the
 * database: whoever can rewrite the database cannot sign. Created at the first start when the
 * file is missing (mode 0600, created exclusively so that two instances starting at once keep
 * one key); a file that is not an Ed25519 private key stops the start.
 */
@Injectable()
export class CheckpointKeys implements OnModuleInit {
  private key: CheckpointKey | null = null;
  private readonly file: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.file = config.checkpoints.keyFile;
  }

  async onModuleInit(): Promise<void> {
    this.key = await this.loadOrCreate();
  }

  get view(): CheckpointKeyView {
    return this.loaded().view;
  }

  /** The claim's signature (base64), by the service's key. */
  sign(claim: CheckpointClaim): string {
    return this.loaded().sign(checkpointMessage(claim));
  }

  /** True when `signature` is the service key's signature of the claim and `keyId` names it. */
  verify(claim: CheckpointClaim, keyId: string, signature: string): boolean {
    const key = this.loaded();
    return keyId === key.view.keyId && key.verify(checkpointMessage(claim), signature);
  }

  private loaded(): CheckpointKey {
    if (!this.key) throw new Error('The checkpoint key is not loaded yet');
    return this.key;
  }

  private async loadOrCreate(): Promise<CheckpointKey> {
    const existing = await this.read();
    if (existing) return existing;
    const pair = generateKeyPairSync('ed25519');
    const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await mkdir(dirname(this.file), { recursive: true });
    // Written whole under a temporary name, then linked into place: link() fails when the file
    // exists, so two instances starting at once keep the first key, never a half-written one.
    const temporary = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(temporary, pem, { mode: 0o600, flag: 'wx' });
    try {
      await link(temporary, this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const created = await this.read();
      if (!created) throw error;
      return created;
    } finally {
      await unlink(temporary);
    }
    return new CheckpointKey(pair.privateKey, pair.publicKey);
  }

  private async read(): Promise<CheckpointKey | null> {
    let pem: string;
    try {
      pem = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const privateKey = createPrivateKey(pem);
      if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
      return new CheckpointKey(privateKey, createPublicKey(privateKey));
    } catch (error) {
      throw new Error(
        `CHECKPOINT_KEY_FILE ${this.file} is not an Ed25519 private key in PEM: ${(error as Error).message}`,
      );
    }
  }
}
