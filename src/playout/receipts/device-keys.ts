import { KeyObject } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { keysToTry, KeyedEnrolment } from '../../fleet/enrolment-keys';
import { DeviceEnrolment } from '../../fleet/entities/device-enrolment.entity';
import {
  devicePublicKey,
  Receipt,
  receiptContentProblem,
  receiptSignedBy,
} from '../../fleet/protocol';

/** Which of the device's keys signed a receipt, or why none did. */
export type Signer = { publicKey: string } | { problem: string };

/**
 * The keys a device enrolled with, for the receipts of one upload. A key is tried only when it is
 * a safe Ed25519 key (`keyProblem`, null: safe): a key enrolled before small-order keys were
 * refused is checked again, and no receipt is believed under an unsafe one.
 */
export class DeviceKeys {
  private readonly keyObjects = new Map<string, KeyObject>();

  constructor(
    readonly enrolments: readonly KeyedEnrolment[],
    private readonly keyProblem: (publicKey: string) => string | null,
  ) {}

  static async load(
    manager: EntityManager,
    deviceId: string,
    keyProblem: (publicKey: string) => string | null,
  ): Promise<DeviceKeys> {
    const enrolments = await manager.find(DeviceEnrolment, {
      where: { deviceId },
      order: { seq: 'ASC' },
    });
    return new DeviceKeys(enrolments, keyProblem);
  }

  /**
   * The key that signed the receipt (of `item`, when the server has it: the keys of the
   * enrolments it was sent under are tried first), or why the receipt is not genuine.
   */
  signer(receipt: Receipt, item: { startsAt: Date; endsAt: Date } | null): Signer {
    if (this.enrolments.length === 0) return { problem: 'the device has no public key' };
    const content = receiptContentProblem(receipt);
    if (content) return { problem: content };
    for (const publicKey of keysToTry(this.enrolments, item)) {
      if (this.keyProblem(publicKey)) continue;
      if (receiptSignedBy(receipt, this.keyObject(publicKey))) return { publicKey };
    }
    return { problem: this.unsignedProblem() };
  }

  private keyObject(publicKey: string): KeyObject {
    let key = this.keyObjects.get(publicKey);
    if (!key) {
      key = devicePublicKey(publicKey);
      this.keyObjects.set(publicKey, key);
    }
    return key;
  }

  /** Why no key of the device verifies a receipt whose hash matches its content. */
  private unsignedProblem(): string {
    const latest = this.enrolments[this.enrolments.length - 1];
    const latestProblem = this.keyProblem(latest.publicKey);
    if (latestProblem) {
      return `the device enrolled with an unsafe key (${latestProblem}): enrol it again`;
    }
    const unsafe = this.enrolments.find((enrolment) => this.keyProblem(enrolment.publicKey));
    if (unsafe) {
      return (
        `signature is not that of a safe key the device enrolled with (the key of its ` +
        `enrolment ${unsafe.seq} is unsafe: ${this.keyProblem(unsafe.publicKey)}; no receipt ` +
        'is believed under it)'
      );
    }
    const keys = new Set(this.enrolments.map((enrolment) => enrolment.publicKey)).size;
    return keys === 1
      ? 'signature is not the device key’s'
      : `signature is not that of any of the ${keys} keys the device enrolled with`;
  }
}
