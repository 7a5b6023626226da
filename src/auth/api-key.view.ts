export class CreatedApiKey {
  id!: string;
  provinceCode!: string;
  name!: string;
  /** Shown this once; only its SHA-256 is kept. */
  key!: string;
  createdAt!: string;
}
