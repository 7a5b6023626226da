import { PlayoutCheckpoint } from './entities/playout-checkpoint.entity';

/** A checkpoint as served: the signed claim, the key that signed it and the signature. */
export class CheckpointView {
  communeCode!: string;
  seq!: number;
  hash!: string;
  signedAt!: string;
  keyId!: string;
  signature!: string;
}

/** `GET /checkpoint-key`: what anyone needs to check a checkpoint's signature. */
export class CheckpointKeyView {
  keyId!: string;
  algorithm!: 'Ed25519';
  /** The raw 32-byte public key, base64. */
  publicKey!: string;
  /** The same key as SubjectPublicKeyInfo PEM (`openssl pkeyutl -pubin -inkey`). */
  publicKeyPem!: string;
}

export function checkpointView(checkpoint: PlayoutCheckpoint): CheckpointView {
  return {
    communeCode: checkpoint.communeCode,
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    signedAt: checkpoint.signedAt.toISOString(),
    keyId: checkpoint.keyId,
    signature: checkpoint.signature,
  };
}
