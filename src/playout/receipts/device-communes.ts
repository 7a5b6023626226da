import { EntityManager, IsNull, Not } from 'typeorm';
import { Device } from '../../fleet/entities/device.entity';

/**
 * A commune "with devices" has at least one enrolled speaker cluster: its as-run log is then
 * built from the clusters' signed receipts, and the service's own player leaves its items alone
 * (the clusters are the commune's outputs; a second record from the server would count what
 * no loudspeaker played). Communes without devices keep the server's player as before.
 */
export function communeHasDevicesSql(itemAlias: string): string {
  return (
    `EXISTS (SELECT 1 FROM device WHERE device.commune_code = ${itemAlias}.commune_code ` +
    'AND device.enrolled_at IS NOT NULL)'
  );
}

export function communeHasDevices(manager: EntityManager, communeCode: string): Promise<boolean> {
  return manager.existsBy(Device, { communeCode, enrolledAt: Not(IsNull()) });
}
