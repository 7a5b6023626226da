import { DomainError } from '../common/domain-error';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { clipToCampaign } from './plan.service';

const CDS_2025 = { code: 'cds-2025', startsOn: '2025-10-01', endsOn: '2025-10-31' } as Campaign;

function refusal(from: string, to: string, today = '2026-12-07'): DomainError {
  try {
    clipToCampaign({ from, to }, CDS_2025, today);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`${from} – ${to} was not refused`);
}

describe('the planner’s range against the campaign', () => {
  it('clips a range to the campaign’s days', () => {
    expect(
      clipToCampaign({ from: '2025-09-29', to: '2025-10-05' }, CDS_2025, '2025-10-01'),
    ).toEqual({
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

  it('plans a range that runs past the end of a running campaign up to its last day', () => {
    expect(
      clipToCampaign({ from: '2025-10-27', to: '2025-11-02' }, CDS_2025, '2025-10-27'),
    ).toEqual({ from: '2025-10-27', to: '2025-10-31' });
  });

  it('tells a range after a still running campaign’s end apart from an ended campaign', () => {
    // 07/10/2025: the campaign runs; November lies after its end.
    const error = refusal('2025-11-03', '2025-11-09', '2025-10-07');
    expect(error.code).toBe('PLAN_RANGE_INVALID');
    expect(error.message).toBe(
      'Campaign cds-2025 ends on 2025-10-31, before 2025-11-03: choose dates up to 2025-10-31',
    );
    expect(error.details).toMatchObject({ reason: 'after-campaign-end', endsOn: '2025-10-31' });
    // Its last day is still running.
    expect(refusal('2025-11-01', '2025-11-01', '2025-10-31').details).toMatchObject({
      reason: 'after-campaign-end',
    });
    // The day after, it has ended.
    expect(refusal('2025-11-03', '2025-11-09', '2025-11-01').details).toMatchObject({
      reason: 'campaign-ended',
    });
  });

  it('says the campaign has not begun, and from when to plan, for a range before it', () => {
    const error = refusal('2025-09-01', '2025-09-07');
    expect(error.message).toMatch(/starts on 2025-10-01/);
    expect(error.details).toMatchObject({ reason: 'campaign-not-started' });
  });
});
