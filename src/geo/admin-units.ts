import { Commune, CommuneKind, Province, RawProvince } from './geo.types';

export const COMMUNE_KIND_LABEL: Record<CommuneKind, string> = {
  phuong: 'Phường',
  xa: 'Xã',
  'dac-khu': 'Đặc khu',
};

/** The kind from the full name's prefix; the dataset spells one "xã" in lower case, so case is ignored. */
export function communeKind(fullName: string): CommuneKind {
  const lower = fullName.normalize('NFC').toLocaleLowerCase('vi');
  const match = (Object.entries(COMMUNE_KIND_LABEL) as [CommuneKind, string][]).find(([, label]) =>
    lower.startsWith(`${label.toLocaleLowerCase('vi')} `),
  );
  if (!match) throw new Error(`Unknown kind of commune-level unit: "${fullName}"`);
  return match[0];
}

export interface AdminUnits {
  provinces: Province[];
  communes: Commune[];
}

/** Turns the published dataset into provinces and communes, checking codes as it goes. */
export function parseAdminUnits(raw: RawProvince[]): AdminUnits {
  const provinces: Province[] = [];
  const communes: Commune[] = [];
  for (const province of raw) {
    if (!/^\d{2}$/.test(province.Code)) throw new Error(`Bad province code ${province.Code}`);
    provinces.push({
      code: province.Code,
      name: province.Name.normalize('NFC'),
      fullName: province.FullName.normalize('NFC'),
    });
    for (const ward of province.Wards) {
      if (!/^\d{5}$/.test(ward.Code) || ward.ProvinceCode !== province.Code) {
        throw new Error(`Bad commune code ${ward.Code} in province ${province.Code}`);
      }
      const kind = communeKind(ward.FullName);
      const shortName = ward.Name.normalize('NFC');
      communes.push({
        code: ward.Code,
        name: `${COMMUNE_KIND_LABEL[kind]} ${shortName}`,
        shortName,
        kind,
        provinceCode: province.Code,
      });
    }
  }
  return { provinces, communes };
}
