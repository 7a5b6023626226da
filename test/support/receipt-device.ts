import { generateKeyPairSync, KeyObject } from 'node:crypto';
import type { Test } from 'supertest';
import { rawPublicKeyBase64, Receipt, ReceiptFields, sealReceipt } from '../../src/fleet/protocol';
import { bearer, TestApp } from './test-app';

/** What a receipt says of one play, before the device chains and signs it. */
export type Play = Omit<ReceiptFields, 'deviceId' | 'seq'>;

/**
 * A simulated speaker cluster on the HTTPS side of docs/device-protocol.md: enrolled through the
 * real route with a real Ed25519 key, it keeps its own receipt chain and uploads it.
 */
export class ReceiptDevice {
  /** The receipts it made, in its chain's order. */
  readonly journal: Receipt[] = [];

  private constructor(
    private readonly app: TestApp,
    readonly id: string,
    readonly name: string,
    readonly apiToken: string,
    readonly privateKey: KeyObject,
  ) {}

  /** Registers a device of the commune (as `userToken`) and enrols it with a new key pair. */
  static async enrol(
    app: TestApp,
    userToken: string,
    communeCode: string,
    name: string,
    zones?: string[],
  ): Promise<ReceiptDevice> {
    const created = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/devices`)
      .set(bearer(userToken))
      .send({ name, ...(zones ? { zones } : {}) })
      .expect(201);
    const { privateKey } = generateKeyPairSync('ed25519');
    const enrolment = await app
      .http()
      .post('/api/v1/devices/enrol')
      .send({
        code: (created.body as { enrolmentCode: string }).enrolmentCode,
        publicKey: rawPublicKeyBase64(privateKey),
      })
      .expect(201);
    const body = enrolment.body as { deviceId: string; apiToken: string };
    return new ReceiptDevice(app, body.deviceId, name, body.apiToken, privateKey);
  }

  /** Journals a play: the next receipt of its chain, signed with its key. */
  played(play: Play): Receipt {
    const last = this.journal[this.journal.length - 1] ?? null;
    const receipt = sealReceipt(last, { ...play, deviceId: this.id }, this.privateKey);
    this.journal.push(receipt);
    return receipt;
  }

  /** A receipt chained after `previous` and signed with `key`, not journaled (forgeries). */
  forge(
    previous: Pick<Receipt, 'seq' | 'hash'> | null,
    play: Play,
    key: KeyObject = this.privateKey,
  ): Receipt {
    return sealReceipt(previous, { ...play, deviceId: this.id }, key);
  }

  /** `POST /devices/:id/receipts` with its own token (or `path` for another device's). */
  upload(receipts: readonly Receipt[], path = this.id): Test {
    return this.app
      .http()
      .post(`/api/v1/devices/${path}/receipts`)
      .set(bearer(this.apiToken))
      .send({ receipts });
  }
}

/** A play of the whole item from `startedAt`. */
export function airedPlay(scheduleItemId: string, startedAt: string, playedMs: number): Play {
  return {
    scheduleItemId,
    startedAt,
    endedAt: new Date(Date.parse(startedAt) + playedMs).toISOString(),
    playedMs,
    outcome: 'aired',
    reason: null,
  };
}
