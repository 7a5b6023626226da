import { AuthUser, canAccessCommune, canAccessProvince } from '../auth/auth-user';
import { Bulletin } from './entities/bulletin.entity';

type Owned = Pick<Bulletin, 'communeCode' | 'provinceCode'>;

export function isLibrary(bulletin: Owned): boolean {
  return bulletin.communeCode === null;
}

/** Commune bulletins: as the commune. Library: the province's monitors and every commune user of the province. */
export function canReadBulletin(user: AuthUser, bulletin: Owned): boolean {
  if (bulletin.communeCode !== null) {
    return canAccessCommune(
      user,
      { code: bulletin.communeCode, provinceCode: bulletin.provinceCode },
      'read',
    );
  }
  return (
    canAccessProvince(user, bulletin.provinceCode) || user.provinceCode === bulletin.provinceCode
  );
}

/** Commune bulletins: the commune's operators and approvers. Library: the province's monitors. Admins: all. */
export function canEditBulletin(user: AuthUser, bulletin: Owned): boolean {
  if (bulletin.communeCode !== null) {
    return canAccessCommune(
      user,
      { code: bulletin.communeCode, provinceCode: bulletin.provinceCode },
      'write',
    );
  }
  return (
    user.role === 'admin' ||
    (user.role === 'monitor' && user.provinceCode === bulletin.provinceCode)
  );
}

/** Commune bulletins: the commune's approver (the leader). Library: the province's monitors. Admins: all. */
export function canApproveBulletin(user: AuthUser, bulletin: Owned): boolean {
  if (user.role === 'admin') return true;
  if (bulletin.communeCode !== null) {
    return user.role === 'approver' && user.communeCode === bulletin.communeCode;
  }
  return user.role === 'monitor' && user.provinceCode === bulletin.provinceCode;
}
