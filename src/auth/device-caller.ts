/**
 * A device (speaker cluster) calling a route that users and devices share (`@DevicesToo()`):
 * who it is, as far as access rules need it. The fleet module owns devices and their tokens;
 * the AccessGuard asks it through the DeviceAuthenticator port, so auth does not import fleet.
 */
export interface DeviceCaller {
  id: string;
  communeCode: string;
  provinceCode: string;
  zones: string[];
}

/** Device API tokens start so (`lxd_…`): a log or a leak tells what it is, and guards tell apart. */
export const DEVICE_TOKEN_PREFIX = 'lxd_';

/** Implemented by the fleet module (DevicesService): the device an API token belongs to. */
export abstract class DeviceAuthenticator {
  abstract authenticateToken(token: string): Promise<DeviceCaller | null>;
}
