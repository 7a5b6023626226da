import { CampaignRule } from './entities/campaign.entity';

/** Where today falls against a campaign's dates: what the lists show and the planner picks by. */
export type CampaignStatus = 'running' | 'ended' | 'upcoming';

export class CampaignView {
  code!: string;
  name!: string;
  description!: string | null;
  /** null: a national campaign (admins edit it); else the province whose monitors edit it. */
  provinceCode!: string | null;
  startsOn!: string;
  endsOn!: string;
  rules!: CampaignRule[];
  minDailySeconds!: number;
  /** Against `today` (local date, Asia/Ho_Chi_Minh) when the view was made. */
  status!: CampaignStatus;
}
