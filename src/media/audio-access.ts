import { AuthUser, canAccessCommune, canAccessProvince } from '../auth/auth-user';
import { DeviceCaller } from '../auth/device-caller';
import { AudioAsset } from './entities/audio-asset.entity';

type Owned = Pick<AudioAsset, 'communeCode' | 'provinceCode'>;

/**
 * A commune's audio: as the commune (its operators and approvers; monitors of its province read).
 * The province library's audio: read by everyone of the province, changed by its monitors.
 * Admins: everything.
 */
export function canReadAudio(user: AuthUser, asset: Owned): boolean {
  if (asset.communeCode !== null) {
    return canAccessCommune(
      user,
      { code: asset.communeCode, provinceCode: asset.provinceCode },
      'read',
    );
  }
  return canAccessProvince(user, asset.provinceCode) || user.provinceCode === asset.provinceCode;
}

export function canWriteAudio(user: AuthUser, asset: Owned): boolean {
  if (asset.communeCode !== null) {
    return canAccessCommune(
      user,
      { code: asset.communeCode, provinceCode: asset.provinceCode },
      'write',
    );
  }
  return canAccessProvince(user, asset.provinceCode);
}

/**
 * A device (speaker cluster) reads the audio its commune can schedule: the commune's own and its
 * province library's (a commune's program log holds nothing else: assertSchedulable). Another
 * commune's audio, never.
 */
export function canDeviceReadAudio(device: DeviceCaller, asset: Owned): boolean {
  if (asset.communeCode !== null) return asset.communeCode === device.communeCode;
  return asset.provinceCode === device.provinceCode;
}

/** Who reads audio: a user, or a device on the routes devices share (`@DevicesToo()`). */
export type AudioReader = { user: AuthUser } | { device: DeviceCaller };

export function canRead(reader: AudioReader, asset: Owned): boolean {
  return 'user' in reader
    ? canReadAudio(reader.user, asset)
    : canDeviceReadAudio(reader.device, asset);
}
