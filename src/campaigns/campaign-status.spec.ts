import { campaignStatus } from './campaigns.service';

describe('campaign status against today', () => {
  const campaign = { startsOn: '2025-10-01', endsOn: '2025-10-31' };

  it('is running on its first and last day, upcoming before, ended after', () => {
    expect(campaignStatus(campaign, '2025-09-30')).toBe('upcoming');
    expect(campaignStatus(campaign, '2025-10-01')).toBe('running');
    expect(campaignStatus(campaign, '2025-10-31')).toBe('running');
    expect(campaignStatus(campaign, '2025-11-01')).toBe('ended');
    expect(campaignStatus(campaign, '2026-12-03')).toBe('ended');
  });
});
