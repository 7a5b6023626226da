import { carriesAny, changesCampaignRollups, CampaignScope } from './campaign-rollups';

const CAMPAIGN: CampaignScope = {
  code: 'cds-2025',
  startsOn: '2025-10-01',
  endsOn: '2025-10-31',
  rules: [
    { topic: 'kinh-te-so', minSecondsPerWeek: 600 },
    { topic: 'xa-hoi-so', minPlaysPerWeek: 7 },
  ],
  minDailySeconds: 300,
};

describe('campaign roll-ups', () => {
  it('take a topic set when it carries any campaign topic', () => {
    expect(carriesAny('|kinh-te-so|', ['kinh-te-so'])).toBe(true);
    expect(carriesAny('|hoc-tap-so|xa-hoi-so|', ['kinh-te-so', 'xa-hoi-so'])).toBe(true);
    expect(carriesAny('|hoc-tap-so|', ['kinh-te-so'])).toBe(false);
    expect(carriesAny('', ['kinh-te-so'])).toBe(false);
    expect(carriesAny('|kinh-te-so-2|', ['kinh-te-so'])).toBe(false);
  });

  it('are rebuilt for a new window, minimum or set of topics, not for targets or names', () => {
    const changes = (edit: Partial<CampaignScope>) =>
      changesCampaignRollups(CAMPAIGN, { ...CAMPAIGN, ...edit });
    expect(changes({ startsOn: '2025-09-30' })).toBe(true);
    expect(changes({ endsOn: '2025-11-01' })).toBe(true);
    expect(changes({ minDailySeconds: 0 })).toBe(true);
    expect(changes({ rules: [CAMPAIGN.rules[0]] })).toBe(true);
    expect(changes({ rules: [{ topic: 'kinh-te-so' }, { topic: 'hoc-tap-so' }] })).toBe(true);
    expect(changes({ rules: [...CAMPAIGN.rules].reverse() })).toBe(false);
    expect(
      changes({ rules: CAMPAIGN.rules.map((rule) => ({ ...rule, minPlaysPerWeek: 1 })) }),
    ).toBe(false);
    expect(changes({})).toBe(false);
  });
});
