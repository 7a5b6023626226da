import { AuthUser } from '../auth/auth-user';
import { canApproveBulletin, canEditBulletin, canReadBulletin } from './bulletin-access';

const user = (role: AuthUser['role'], communeCode: string | null, provinceCode: string | null) => ({
  id: role,
  username: role,
  role,
  communeCode,
  provinceCode,
});

const admin = user('admin', null, null);
const operator = user('operator', '14797', '38');
const approver = user('approver', '14797', '38');
const otherApprover = user('approver', '14758', '38');
const monitor = user('monitor', null, '38');
const otherMonitor = user('monitor', null, '01');
const communeBulletin = { communeCode: '14797', provinceCode: '38' };
const libraryBulletin = { communeCode: null, provinceCode: '38' };

describe('bulletin access', () => {
  it('lets the commune read and edit its bulletins, monitors of the province read them', () => {
    expect(
      [admin, operator, approver, monitor].map((u) => canReadBulletin(u, communeBulletin)),
    ).toEqual([true, true, true, true]);
    expect(canReadBulletin(otherApprover, communeBulletin)).toBe(false);
    expect(canReadBulletin(otherMonitor, communeBulletin)).toBe(false);
    expect(
      [admin, operator, approver, monitor].map((u) => canEditBulletin(u, communeBulletin)),
    ).toEqual([true, true, true, false]);
  });

  it("approves commune bulletins by the commune's approver only (and admins)", () => {
    expect(
      [admin, operator, approver, otherApprover, monitor].map((u) =>
        canApproveBulletin(u, communeBulletin),
      ),
    ).toEqual([true, false, true, false, false]);
  });

  it('keeps the library to the province: every commune reads it, its monitors edit and approve it', () => {
    expect(
      [operator, otherApprover, monitor].every((u) => canReadBulletin(u, libraryBulletin)),
    ).toBe(true);
    expect(canReadBulletin(otherMonitor, libraryBulletin)).toBe(false);
    expect(canReadBulletin(user('operator', '00004', '01'), libraryBulletin)).toBe(false);
    expect(
      [admin, operator, approver, monitor, otherMonitor].map((u) =>
        canEditBulletin(u, libraryBulletin),
      ),
    ).toEqual([true, false, false, true, false]);
    expect(
      [admin, operator, approver, monitor, otherMonitor].map((u) =>
        canApproveBulletin(u, libraryBulletin),
      ),
    ).toEqual([true, false, false, true, false]);
  });
});
