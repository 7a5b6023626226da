import { UserRole } from '../users/entities/user.entity';

/** The authenticated caller, as guards and services see it. */
export interface AuthUser {
  id: string;
  username: string;
  role: UserRole;
  communeCode: string | null;
  provinceCode: string | null;
}

export type AccessMode = 'read' | 'write';

/**
 * Who may see or change what. Admins: everything. Monitors: read every commune of their province,
 * act on province-level data (library, reports). Operators and approvers: their own commune.
 */
export function canAccessCommune(
  user: AuthUser,
  commune: { code: string; provinceCode: string },
  mode: AccessMode,
): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'monitor':
      return mode === 'read' && user.provinceCode === commune.provinceCode;
    case 'operator':
    case 'approver':
      return user.communeCode === commune.code;
  }
}

export function canAccessProvince(user: AuthUser, provinceCode: string): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'monitor':
      return user.provinceCode === provinceCode;
    case 'operator':
    case 'approver':
      return false;
  }
}
