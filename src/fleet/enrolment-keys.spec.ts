import { KeyedEnrolment, keysToTry, signingVerdict } from './enrolment-keys';

const at = (time: string) => new Date(`2026-12-03T${time}:00.000Z`);
const item = (starts: string, ends: string) => ({ startsAt: at(starts), endsAt: at(ends) });

/** Enrolled at 07:00 with key A, re-keyed at 08:00; enrolled again at 09:00 with key B. */
const first: KeyedEnrolment = {
  seq: 1,
  publicKey: 'A',
  enrolledAt: at('07:00'),
  endedAt: at('08:00'),
  endedBy: 're-keyed',
};
const second: KeyedEnrolment = {
  seq: 2,
  publicKey: 'B',
  enrolledAt: at('09:00'),
  endedAt: null,
  endedBy: null,
};
const rekeyed = [first, second];

describe('keysToTry', () => {
  it('tries the key of the enrolment the item was sent under first, then the others, latest first', () => {
    expect(keysToTry(rekeyed, item('07:30', '07:31'))).toEqual(['A', 'B']);
    expect(keysToTry(rekeyed, item('09:30', '09:31'))).toEqual(['B', 'A']);
    // An item of the gap between the two, or unknown to the server: the latest key first.
    expect(keysToTry(rekeyed, item('08:30', '08:31'))).toEqual(['B', 'A']);
    expect(keysToTry(rekeyed, null)).toEqual(['B', 'A']);
  });

  it('tries a key held by several enrolments once', () => {
    const again = { ...second, publicKey: 'A' };
    expect(keysToTry([first, again], item('07:30', '07:31'))).toEqual(['A']);
    expect(keysToTry([], null)).toEqual([]);
  });
});

describe('signingVerdict', () => {
  it("counts a re-keyed box's receipt of an item sent before, signed with its old key", () => {
    expect(signingVerdict(rekeyed, 'A', item('07:30', '07:31'))).toEqual({
      kind: 'sent',
      enrolment: first,
    });
    // Started before the re-key, though it ended after: still sent under the first enrolment.
    expect(signingVerdict(rekeyed, 'A', item('07:59', '08:09'))).toMatchObject({ kind: 'sent' });
    expect(signingVerdict(rekeyed, 'B', item('09:30', '09:31'))).toEqual({
      kind: 'sent',
      enrolment: second,
    });
  });

  it('lets no old key vouch for an item that started after its enrolment ended', () => {
    // Sent under the second enrolment only: the old key is not its signer.
    expect(signingVerdict(rekeyed, 'A', item('09:30', '09:31'))).toEqual({
      kind: 'key-ended',
      enrolment: first,
    });
    // Started the moment the box was re-keyed, or in the gap before it enrolled again.
    expect(signingVerdict(rekeyed, 'A', item('08:00', '08:01'))).toMatchObject({
      kind: 'key-ended',
    });
    expect(signingVerdict(rekeyed, 'A', item('08:30', '08:31'))).toMatchObject({
      kind: 'key-ended',
    });
  });

  it('takes a revoked enrolment as a re-keyed one', () => {
    const revoked = { ...first, endedBy: 'revoked' as const };
    expect(signingVerdict([revoked, second], 'A', item('07:30', '07:31'))).toMatchObject({
      kind: 'sent',
    });
    expect(signingVerdict([revoked, second], 'A', item('09:30', '09:31'))).toEqual({
      kind: 'key-ended',
      enrolment: revoked,
    });
  });

  it("leaves a newer key's receipt of an item sent under an earlier enrolment uncounted", () => {
    expect(signingVerdict(rekeyed, 'B', item('07:30', '07:31'))).toEqual({
      kind: 'key-newer',
      enrolment: second,
    });
    // Re-keyed and enrolled again while the item played: both enrolments were sent it.
    const quick = [first, { ...second, enrolledAt: at('08:05') }];
    expect(signingVerdict(quick, 'B', item('07:59', '08:09'))).toMatchObject({ kind: 'sent' });
    expect(signingVerdict(quick, 'A', item('07:59', '08:09'))).toMatchObject({ kind: 'sent' });
    // An item of the gap, receipted with the new key (a box that enrolled again, then receipted
    // what it missed meanwhile): kept, not refused, so the box's chain goes on.
    expect(signingVerdict(rekeyed, 'B', item('08:30', '08:31'))).toMatchObject({
      kind: 'key-newer',
    });
  });

  it('finds no enrolment for an item that ended before the device first enrolled', () => {
    expect(signingVerdict(rekeyed, 'A', item('06:00', '06:01'))).toEqual({ kind: 'not-sent' });
    expect(signingVerdict(rekeyed, 'B', item('06:00', '06:01'))).toEqual({ kind: 'not-sent' });
  });

  it('takes an item that ended as the device first enrolled as not sent to it', () => {
    expect(signingVerdict(rekeyed, 'A', item('06:00', '07:00'))).toEqual({ kind: 'not-sent' });
    expect(signingVerdict(rekeyed, 'B', item('06:00', '07:00'))).toEqual({ kind: 'not-sent' });
  });

  it("takes an item that ended as the key's enrolment began as sent under an earlier one", () => {
    expect(signingVerdict(rekeyed, 'B', item('07:30', '09:00'))).toMatchObject({
      kind: 'key-newer',
    });
  });

  it('takes a box that enrolled again with the same key as signer of both enrolments', () => {
    const sameKey = [first, { ...second, publicKey: 'A' }];
    expect(signingVerdict(sameKey, 'A', item('07:30', '07:31'))).toMatchObject({
      kind: 'sent',
      enrolment: { seq: 1 },
    });
    expect(signingVerdict(sameKey, 'A', item('09:30', '09:31'))).toMatchObject({
      kind: 'sent',
      enrolment: { seq: 2 },
    });
    // Nothing was sent to it between its two enrolments, whichever enrolment the key names.
    expect(signingVerdict(sameKey, 'A', item('08:30', '08:31'))).toMatchObject({
      kind: 'key-ended',
      enrolment: { seq: 1 },
    });
  });
});
