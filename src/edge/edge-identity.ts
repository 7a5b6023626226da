import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { readOrCreateSecretFile } from '../common/secret-file';
import { devicePrivateKey, rawPublicKeyBase64 } from '../fleet/protocol';
import type { EdgeConfig } from './edge-config';
import type { ReceiptChainHead } from '../fleet/protocol';
import { Enrolment, ServerApi, ServerRefusal } from './server-api';

/** `EDGE_DATA_DIR/identity.json`: which device this box is (a technician reads it). */
export interface EdgeIdentity extends Enrolment {
  /** Base64 of the 32 raw bytes of the box's Ed25519 public key. */
  publicKey: string;
  serverUrl: string;
  enrolledAt: string;
}

/** The player cannot start, for a reason the technician must fix (printed, exit 1). */
export class EdgeStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdgeStartError';
  }
}

export const IDENTITY_FILE = 'identity.json';
export const KEY_FILE = 'device-key.pem';

/** The box's private key, made once (PKCS#8 PEM, mode 0600, beside identity.json). */
export async function deviceKey(dataDir: string): Promise<KeyObject> {
  const { secret } = await readOrCreateSecretFile(join(dataDir, KEY_FILE), () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  return devicePrivateKey(secret);
}

async function readIdentity(file: string): Promise<EdgeIdentity | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const identity = JSON.parse(text) as Partial<EdgeIdentity>;
  if (!identity.deviceId || !identity.communeCode || !identity.apiToken || !identity.mqtt?.url) {
    throw new EdgeStartError(`${file} is incomplete: remove it and enrol again with a new code`);
  }
  return identity as EdgeIdentity;
}

/** Written aside, synced and renamed: a power cut leaves the old file or the new, never half. */
async function writeIdentity(file: string, identity: EdgeIdentity): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(identity, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

/**
 * The box's identity: identity.json when it exists (no network needed), else a first
 * enrolment with EDGE_ENROLMENT_CODE, retried while the server cannot be reached. A fresh
 * enrolment answers where the cluster's receipt chain ends (`receiptChain`, null when the server
 * does not say); identity.json does not keep it (the chain moves on).
 */
export async function loadOrEnrol(
  config: EdgeConfig,
  api: ServerApi,
  log: (message: string) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<{
  identity: EdgeIdentity;
  privateKey: KeyObject;
  receiptChain?: ReceiptChainHead | null;
}> {
  const file = join(config.dataDir, IDENTITY_FILE);
  const known = await readIdentity(file);
  if (!known && !config.enrolmentCode) {
    throw new EdgeStartError(
      `EDGE_ENROLMENT_CODE is required at the first start (no ${IDENTITY_FILE} in ${config.dataDir}): ` +
        'the commune’s operator gets one when registering the cluster',
    );
  }
  const privateKey = await deviceKey(config.dataDir);
  const publicKey = rawPublicKeyBase64(privateKey);
  if (known) {
    if (known.publicKey !== publicKey) {
      throw new EdgeStartError(
        `${KEY_FILE} is not the key this box enrolled with: restore it, or remove ${IDENTITY_FILE} and enrol again`,
      );
    }
    return { identity: known, privateKey };
  }
  const code = config.enrolmentCode ?? '';
  for (let attempt = 0; ; attempt++) {
    try {
      const enrolment = await api.enrol(code, publicKey);
      const identity: EdgeIdentity = {
        deviceId: enrolment.deviceId,
        communeCode: enrolment.communeCode,
        apiToken: enrolment.apiToken,
        mqtt: enrolment.mqtt,
        publicKey,
        serverUrl: config.serverUrl,
        enrolledAt: new Date().toISOString(),
      };
      await writeIdentity(file, identity);
      log(`Enrolled as device ${identity.deviceId} of commune ${identity.communeCode}`);
      return { identity, privateKey, receiptChain: enrolment.receiptChain };
    } catch (error) {
      if (error instanceof ServerRefusal) {
        throw new EdgeStartError(
          `${error.message} (ask the commune for a new enrolment code if it was used or expired)`,
        );
      }
      const waitMs = Math.min(config.maxBackoffMs, 1000 * 2 ** Math.min(attempt, 10));
      log(
        `Server ${config.serverUrl} not reachable (${(error as Error).message}); retrying enrolment in ${waitMs} ms`,
      );
      await sleep(waitMs);
    }
  }
}
