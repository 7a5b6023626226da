import { OfficialText } from './official-content';

export class OfficialDraftView {
  id!: string;
  campaign!: string;
  province!: string;
  commune!: string | null;
  from!: string | null;
  to!: string | null;
  text!: OfficialText;
  createdAt!: string;
  updatedAt!: string;
}
