import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { GeoService } from './geo.service';

describe('GeoService (config/vn-admin-units.json)', () => {
  const geo = new GeoService({ configDir: join(__dirname, '../../config') } as AppConfig);

  it('writes Thanh Hóa as the province writes itself (its letters, the reports), not "Thanh Hoá"', () => {
    expect(geo.province('38')).toMatchObject({ name: 'Thanh Hóa', fullName: 'Tỉnh Thanh Hóa' });
    expect(geo.communesOf('38')).toHaveLength(166);
  });
});
