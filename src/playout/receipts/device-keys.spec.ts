import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { KeyedEnrolment } from '../../fleet/enrolment-keys';
import { publicKeyPointProblem, rawPublicKeyBase64, sealReceipt } from '../../fleet/protocol';
import { DeviceKeys } from './device-keys';

const DEVICE = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a90';
const at = (time: string) => new Date(`2026-12-03T${time}:00.000Z`);
/** The identity point: a small-order key, under which `R = identity, S = 0` verifies anything. */
const SMALL_ORDER = Buffer.from(`01${'00'.repeat(31)}`, 'hex').toString('base64');

function newKey(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: rawPublicKeyBase64(privateKey) };
}

function enrolment(seq: number, publicKey: string, from: string, to: string | null) {
  return {
    seq,
    publicKey,
    enrolledAt: at(from),
    endedAt: to === null ? null : at(to),
    endedBy: to === null ? null : 're-keyed',
  } satisfies KeyedEnrolment;
}

function receipt(privateKey: KeyObject) {
  return sealReceipt(
    null,
    {
      deviceId: DEVICE,
      scheduleItemId: 'item-1',
      startedAt: '2026-12-03T07:30:00.004Z',
      endedAt: '2026-12-03T07:31:00.004Z',
      playedMs: 60000,
      outcome: 'aired',
      reason: null,
    },
    privateKey,
  );
}

const item = { startsAt: at('07:30'), endsAt: at('07:31') };

describe('DeviceKeys.signer', () => {
  const old = newKey();
  const current = newKey();
  const keys = new DeviceKeys(
    [enrolment(1, old.publicKey, '07:00', '08:00'), enrolment(2, current.publicKey, '09:00', null)],
    publicKeyPointProblem,
  );

  it('names the key, of any enrolment, that signed the receipt', () => {
    expect(keys.signer(receipt(old.privateKey), item)).toEqual({ publicKey: old.publicKey });
    expect(keys.signer(receipt(current.privateKey), item)).toEqual({
      publicKey: current.publicKey,
    });
    expect(keys.signer(receipt(old.privateKey), null)).toEqual({ publicKey: old.publicKey });
  });

  it('refuses a receipt no key of the device signed, or whose hash is not its content', () => {
    expect(keys.signer(receipt(newKey().privateKey), item)).toEqual({
      problem: 'signature is not that of any of the 2 keys the device enrolled with',
    });
    expect(keys.signer({ ...receipt(old.privateKey), playedMs: 1 }, item)).toEqual({
      problem: 'hash does not match the receipt',
    });
    const none = new DeviceKeys([], publicKeyPointProblem);
    expect(none.signer(receipt(old.privateKey), item)).toEqual({
      problem: 'the device has no public key',
    });
  });

  it('believes nothing under an unsafe key, and says so', () => {
    const forged = {
      ...receipt(old.privateKey),
      signature: Buffer.concat([Buffer.from(SMALL_ORDER, 'base64'), Buffer.alloc(32)]).toString(
        'base64',
      ),
    };
    const unsafeNow = new DeviceKeys(
      [enrolment(1, old.publicKey, '07:00', '08:00'), enrolment(2, SMALL_ORDER, '09:00', null)],
      publicKeyPointProblem,
    );
    expect(unsafeNow.signer(forged, item)).toEqual({
      problem: expect.stringMatching(
        /^the device enrolled with an unsafe key \(.*small-order.*\): enrol it again$/,
      ),
    });
    // A safe old key still vouches for what it signed.
    expect(unsafeNow.signer(receipt(old.privateKey), item)).toEqual({ publicKey: old.publicKey });
    const unsafeBefore = new DeviceKeys(
      [enrolment(1, SMALL_ORDER, '07:00', '08:00'), enrolment(2, current.publicKey, '09:00', null)],
      publicKeyPointProblem,
    );
    expect(unsafeBefore.signer(forged, item)).toEqual({
      problem: expect.stringMatching(
        /enrolment 1 is unsafe: .*small-order.*no receipt is believed/,
      ),
    });
  });
});
