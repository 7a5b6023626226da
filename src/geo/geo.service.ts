import { Inject, Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { parseAdminUnits } from './admin-units';
import { Commune, Province, RawProvince } from './geo.types';

export const ADMIN_UNITS_FILE = 'vn-admin-units.json';

/** Provinces and communes after the 2025 reform, read once from config/. */
@Injectable()
export class GeoService {
  private readonly provincesByCode = new Map<string, Province>();
  private readonly communesByCode = new Map<string, Commune>();
  private readonly communesByProvince = new Map<string, Commune[]>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const raw = JSON.parse(
      readFileSync(join(config.configDir, ADMIN_UNITS_FILE), 'utf8'),
    ) as RawProvince[];
    const { provinces, communes } = parseAdminUnits(raw);
    for (const province of provinces) {
      this.provincesByCode.set(province.code, province);
      this.communesByProvince.set(province.code, []);
    }
    for (const commune of communes) {
      this.communesByCode.set(commune.code, commune);
      this.communesByProvince.get(commune.provinceCode)?.push(commune);
    }
  }

  provinces(): Province[] {
    return [...this.provincesByCode.values()];
  }

  allCommunes(): Commune[] {
    return [...this.communesByCode.values()];
  }

  findCommune(code: string): Commune | undefined {
    return this.communesByCode.get(code);
  }

  findProvince(code: string): Province | undefined {
    return this.provincesByCode.get(code);
  }

  commune(code: string): Commune {
    const commune = this.communesByCode.get(code);
    if (!commune)
      throw new DomainError('COMMUNE_NOT_FOUND', `Commune ${code} not found`, { commune: code });
    return commune;
  }

  province(code: string): Province {
    const province = this.provincesByCode.get(code);
    if (!province)
      throw new DomainError('PROVINCE_NOT_FOUND', `Province ${code} not found`, { province: code });
    return province;
  }

  communesOf(provinceCode: string): Commune[] {
    this.province(provinceCode);
    return this.communesByProvince.get(provinceCode) ?? [];
  }

  /**
   * The communes of `codes` (each once, in code order), each of the province: 404 for a code no
   * commune has, 422 COMMUNE_NOT_IN_PROVINCE for one of another province.
   */
  communesIn(provinceCode: string, codes: readonly string[]): Commune[] {
    this.province(provinceCode);
    return [...new Set(codes)].sort().map((code) => {
      const commune = this.commune(code);
      if (commune.provinceCode !== provinceCode) {
        throw new DomainError(
          'COMMUNE_NOT_IN_PROVINCE',
          `Commune ${code} is not in province ${provinceCode}`,
          { commune: code, province: provinceCode },
        );
      }
      return commune;
    });
  }
}
