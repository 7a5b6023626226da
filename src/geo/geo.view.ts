import type { CommuneKind } from './geo.types';

export class Province {
  code!: string;
  name!: string;
  fullName!: string;
}

export class Commune {
  code!: string;
  /** Full Vietnamese name, e.g. "Phường Hạc Thành". */
  name!: string;
  shortName!: string;
  kind!: CommuneKind;
  provinceCode!: string;
}

/** A commune as `GET /communes` lists it. */
export class CommuneView {
  code!: string;
  name!: string;
  kind!: CommuneKind;
  provinceCode!: string;
}
