import { AuthUser, canAccessCommune, canAccessProvince } from '../auth/auth-user';
import { AudioAsset } from './entities/audio-asset.entity';

type Owned = Pick<AudioAsset, 'communeCode' | 'provinceCode'>;

/**
 * A commune's audio: as the commune (its operators and approvers; monitors of its province read).
 * The province library's audio: read by everyone of the province, changed by its monitors.
 * Admins: everything.
 */
export function canReadAudio(user: AuthUser, asset: Owned): boolean {
  if (asset.communeCode !== null) {
    return canAccessCommune(user, { code: asset.communeCode, provinceCode: asset.provinceCode }, 'read');
  }
  return canAccessProvince(user, asset.provinceCode) || user.provinceCode === asset.provinceCode;
}

export function canWriteAudio(user: AuthUser, asset: Owned): boolean {
  if (asset.communeCode !== null) {
    return canAccessCommune(user, { code: asset.communeCode, provinceCode: asset.provinceCode }, 'write');
  }
  return canAccessProvince(user, asset.provinceCode);
}
