import { createPublicKey, generateKeyPairSync, hash, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { checkpointMessage, CheckpointKeys } from './checkpoint-keys';

const CLAIM = {
  communeCode: '14797',
  seq: 412,
  hash: 'ab96791d096d5e4879b2629229111501e81483489a834058a55e208546134e3e',
  signedAt: '2025-10-31T17:00:00.000Z',
};

describe('checkpoint keys', () => {
  let dir: string;
  const keysAt = (keyFile: string) =>
    new CheckpointKeys({ checkpoints: { keyFile, everyHours: 24 } } as AppConfig);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('signs exactly the canonical text: no spaces, keys in a fixed order', () => {
    expect(
      checkpointMessage({
        signedAt: CLAIM.signedAt,
        hash: CLAIM.hash,
        seq: 412,
        communeCode: '14797',
      }),
    ).toBe(
      `{"communeCode":"14797","seq":412,"hash":"${CLAIM.hash}","signedAt":"2025-10-31T17:00:00.000Z"}`,
    );
  });

  it('makes a key (0600, in a new folder) at first use and keeps it afterwards', async () => {
    const file = join(dir, 'nested', 'checkpoint-key.pem');
    const first = keysAt(file);
    await first.onModuleInit();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const pem = readFileSync(file, 'utf8');
    const again = keysAt(file);
    await again.onModuleInit();
    expect(again.view).toEqual(first.view);
    expect(readFileSync(file, 'utf8')).toBe(pem);

    const raw = Buffer.from(first.view.publicKey, 'base64');
    expect(first.view.keyId).toBe(hash('sha256', raw, 'hex').slice(0, 16));
    const signature = first.sign(CLAIM);
    expect(
      verify(
        null,
        Buffer.from(checkpointMessage(CLAIM)),
        createPublicKey(first.view.publicKeyPem),
        Buffer.from(signature, 'base64'),
      ),
    ).toBe(true);
    expect(again.verify(CLAIM, first.view.keyId, signature)).toBe(true);
    expect(again.verify({ ...CLAIM, seq: 413 }, first.view.keyId, signature)).toBe(false);
    expect(again.verify(CLAIM, '0000000000000000', signature)).toBe(false);
    expect(again.verify(CLAIM, first.view.keyId, 'bm90IGEgc2lnbmF0dXJl')).toBe(false);
  });

  it('keeps one key when several instances start at once', async () => {
    const file = join(dir, 'checkpoint-key.pem');
    const instances = Array.from({ length: 6 }, () => keysAt(file));
    await Promise.all(instances.map((keys) => keys.onModuleInit()));
    expect(new Set(instances.map((keys) => keys.view.keyId)).size).toBe(1);
  });

  it('refuses a file that is not an Ed25519 private key', async () => {
    const file = join(dir, 'checkpoint-key.pem');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(file, rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await expect(keysAt(file).onModuleInit()).rejects.toThrow(
      /CHECKPOINT_KEY_FILE .* is not an Ed25519 private key/,
    );
  });
});
