import { AuthUser, canAccessCommune, canAccessProvince } from './auth-user';

const hacThanh = { code: '14797', provinceCode: '38' };
const baDinh = { code: '00004', provinceCode: '01' };

function user(
  role: AuthUser['role'],
  communeCode: string | null,
  provinceCode: string | null,
): AuthUser {
  return { id: 'u', username: 'u', role, communeCode, provinceCode };
}

describe('access policy', () => {
  it('lets an admin do everything', () => {
    const admin = user('admin', null, null);
    expect(canAccessCommune(admin, baDinh, 'write')).toBe(true);
    expect(canAccessProvince(admin, '01')).toBe(true);
  });

  it('keeps a monitor read-only on the communes of their own province', () => {
    const monitor = user('monitor', null, '38');
    expect(canAccessCommune(monitor, hacThanh, 'read')).toBe(true);
    expect(canAccessCommune(monitor, hacThanh, 'write')).toBe(false);
    expect(canAccessCommune(monitor, baDinh, 'read')).toBe(false);
    expect(canAccessProvince(monitor, '38')).toBe(true);
    expect(canAccessProvince(monitor, '01')).toBe(false);
  });

  it('keeps operators and approvers to their own commune', () => {
    for (const role of ['operator', 'approver'] as const) {
      const person = user(role, '14797', '38');
      expect(canAccessCommune(person, hacThanh, 'write')).toBe(true);
      expect(canAccessCommune(person, { code: '14800', provinceCode: '38' }, 'read')).toBe(false);
      expect(canAccessProvince(person, '38')).toBe(false);
    }
  });
});
