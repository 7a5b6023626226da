export type CommuneKind = 'xa' | 'phuong' | 'dac-khu';

export interface Province {
  code: string;
  name: string;
  fullName: string;
}

export interface Commune {
  code: string;
  /** Full Vietnamese name, e.g. "Phường Hạc Thành". */
  name: string;
  shortName: string;
  kind: CommuneKind;
  provinceCode: string;
}

/** One entry of config/vn-admin-units.json. */
export interface RawProvince {
  Code: string;
  Name: string;
  FullName: string;
  Wards: { Code: string; Name: string; FullName: string; ProvinceCode: string }[];
}
