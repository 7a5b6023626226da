import { AuthUser } from '../auth/auth-user';
import { Campaign } from './entities/campaign.entity';

/**
 * Who reads and changes which campaign. A campaign is national (`provinceCode` null: every
 * province is judged by it, admins change it) or a province's (its monitors change it).
 */

/** Whether a campaign judges the communes of this province: a national one or the province's. */
export function appliesToProvince(
  campaign: Pick<Campaign, 'provinceCode'>,
  provinceCode: string,
): boolean {
  return campaign.provinceCode === null || campaign.provinceCode === provinceCode;
}

/**
 * Who sees a campaign: admins every one; everyone else the national ones and their province's.
 * Another province's campaign is not found for them (404), not forbidden: its existence stays
 * unsaid.
 */
export function canReadCampaign(
  actor: AuthUser,
  campaign: Pick<Campaign, 'provinceCode'>,
): boolean {
  if (actor.role === 'admin') return true;
  return actor.provinceCode !== null && appliesToProvince(campaign, actor.provinceCode);
}

/** Who changes a campaign: admins every one, a monitor the campaigns of their province. */
export function canEditCampaign(
  actor: AuthUser,
  campaign: Pick<Campaign, 'provinceCode'>,
): boolean {
  if (actor.role === 'admin') return true;
  return (
    actor.role === 'monitor' &&
    campaign.provinceCode !== null &&
    campaign.provinceCode === actor.provinceCode
  );
}
