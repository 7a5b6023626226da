export class SourceView {
  id!: string;
  provinceCode!: string;
  name!: string;
  urls!: string[];
  fallbackBulletinId!: string | null;
  createdAt!: string;
  updatedAt!: string;
}
