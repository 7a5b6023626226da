export { Commune, Province } from './geo.view';

export type CommuneKind = 'xa' | 'phuong' | 'dac-khu';

/** One entry of config/vn-admin-units.json. */
export interface RawProvince {
  Code: string;
  Name: string;
  FullName: string;
  Wards: { Code: string; Name: string; FullName: string; ProvinceCode: string }[];
}
