import { DomainError } from '../common/domain-error';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { clipToCampaign } from './plan.service';

const CDS_2025 = { code: 'cds-2025', startsOn: '2025-10-01', endsOn: '2025-10-31' } as Campaign;

function refusal(from: string, to: string): DomainError {
  try {
    clipToCampaign({ from, to }, CDS_2025);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`${from} – ${to} was not refused`);
}

describe('the planner’s range against the campaign', () => {
  it('clips a range to the campaign’s days', () => {
    expect(clipToCampaign({ from: '2025-09-29', to: '2025-10-05' }, CDS_2025)).toEqual({
      from: '2025-10-01',
      to: '2025-10-05',
    });
  });

  it('says the campaign ended, and when, for a range after it', () => {
    const error = refusal('2026-11-30', '2026-12-06');
    expect(error.code).toBe('PLAN_RANGE_INVALID');
    expect(error.message).toMatch(/ended on 2025-10-31/);
    expect(error.details).toEqual({
      reason: 'campaign-ended',
      campaign: 'cds-2025',
      startsOn: '2025-10-01',
      endsOn: '2025-10-31',
    });
  });

  it('says the campaign has not begun, and from when to plan, for a range before it', () => {
    const error = refusal('2025-09-01', '2025-09-07');
    expect(error.message).toMatch(/starts on 2025-10-01/);
    expect(error.details).toMatchObject({ reason: 'campaign-not-started' });
  });
});
