import {
  airtimeTable,
  campaignPeriod,
  campaignStatusOf,
  communeCompliance,
  complianceRows,
  rowsByCommune,
  rowsToDate,
  shortfallOf,
} from './compliance';

const CAMPAIGN = {
  startsOn: '2025-10-01',
  endsOn: '2025-10-31',
  rules: [
    { topic: 'kinh-te-so', minSecondsPerWeek: 600, minPlaysPerWeek: 7 },
    { topic: 'xa-hoi-so', minPlaysPerWeek: 2 },
  ],
};
const COMMUNES = [
  { code: '14797', name: 'Phường Hạc Thành' },
  { code: '14812', name: 'Phường Bỉm Sơn' },
];
const CHAIN = {
  ok: true,
  count: 3,
  brokenAtSeq: null,
  checkedAt: null,
  uncheckedRecords: 0,
  checkpoint: null,
};

describe('compliance rows', () => {
  const airtime = airtimeTable([
    { communeCode: '14797', topic: 'kinh-te-so', airedMs: 600_000, plays: 7 },
    { communeCode: '14797', topic: 'xa-hoi-so', airedMs: 1_500, plays: 2 },
    { communeCode: '14812', topic: 'kinh-te-so', airedMs: 599_999, plays: 9 },
  ]);

  it('gives one row per commune × rule, pro rata, including communes with nothing aired', () => {
    const rows = complianceRows(COMMUNES, CAMPAIGN.rules, 7, airtime);
    expect(rows).toEqual([
      {
        communeCode: '14797',
        communeName: 'Phường Hạc Thành',
        topic: 'kinh-te-so',
        airedSeconds: 600,
        plays: 7,
        requiredSeconds: 600,
        requiredPlays: 7,
        met: true,
      },
      {
        communeCode: '14797',
        communeName: 'Phường Hạc Thành',
        topic: 'xa-hoi-so',
        airedSeconds: 1.5,
        plays: 2,
        requiredSeconds: 0,
        requiredPlays: 2,
        met: true,
      },
      {
        communeCode: '14812',
        communeName: 'Phường Bỉm Sơn',
        topic: 'kinh-te-so',
        airedSeconds: 599.999,
        plays: 9,
        requiredSeconds: 600,
        requiredPlays: 7,
        met: false,
      },
      {
        communeCode: '14812',
        communeName: 'Phường Bỉm Sơn',
        topic: 'xa-hoi-so',
        airedSeconds: 0,
        plays: 0,
        requiredSeconds: 0,
        requiredPlays: 2,
        met: false,
      },
    ]);
    expect(complianceRows(COMMUNES, CAMPAIGN.rules, 31, airtime)[0]).toMatchObject({
      requiredSeconds: 2658,
      requiredPlays: 31,
    });
  });

  it('sums what a commune still lacks', () => {
    const rows = complianceRows(COMMUNES, CAMPAIGN.rules, 7, airtime);
    expect(shortfallOf(rows.filter((row) => row.communeCode === '14812'))).toEqual({
      seconds: 0.001,
      plays: 2,
    });
    expect(shortfallOf(rows.filter((row) => row.communeCode === '14797'))).toEqual({
      seconds: 0,
      plays: 0,
    });
  });

  it('pro-rates the targets to date over the passed days only', () => {
    // Day 3 of a 31-day range: 2 days are over; 600 s/week → 172 s, 7 plays/week → 2 plays.
    const rows = complianceRows(COMMUNES, CAMPAIGN.rules, 31, airtime);
    expect(rows[0]).toMatchObject({ requiredSeconds: 2658, requiredPlays: 31, met: false });
    expect(rowsToDate(rows, CAMPAIGN.rules, 2)[0]).toEqual({
      topic: 'kinh-te-so',
      requiredSeconds: 172,
      requiredPlays: 2,
      met: true,
    });
    // Nothing passed: nothing is due yet, every row is on track.
    const none = rowsToDate(
      complianceRows(COMMUNES, CAMPAIGN.rules, 31, airtimeTable([])),
      CAMPAIGN.rules,
      0,
    );
    expect(none.every((row) => row.met && row.requiredSeconds === 0)).toBe(true);
    // A past range: to date is the range itself.
    const past = complianceRows(COMMUNES, CAMPAIGN.rules, 7, airtime);
    expect(rowsToDate(past, CAMPAIGN.rules, 7)).toEqual(
      past.map(({ topic, requiredSeconds, requiredPlays, met }) => ({
        topic,
        requiredSeconds,
        requiredPlays,
        met,
      })),
    );
  });

  it('summarizes a commune: all met, days under the daily minimum', () => {
    const rows = complianceRows(COMMUNES, CAMPAIGN.rules, 7, airtime);
    const status = campaignStatusOf(CAMPAIGN, '2025-11-01', airtime, '14797');
    const grouped = rowsByCommune(rows);
    expect([...grouped.keys()]).toEqual(['14797', '14812']);
    const summary = communeCompliance(COMMUNES[1], grouped.get('14812') ?? [], {
      campaignMs: 600_000,
      minDailySeconds: 300,
      daysPassed: 7,
      daysAtMinimum: 5,
      campaign: status,
      chain: CHAIN,
    });
    expect(summary).toMatchObject({
      communeCode: '14812',
      metAll: false,
      topicsMet: 0,
      topicsRequired: 2,
      campaignSeconds: 600,
      daysBelowMinimum: 2,
    });
    const noMinimum = communeCompliance(COMMUNES[0], grouped.get('14797') ?? [], {
      campaignMs: 0,
      minDailySeconds: 0,
      daysPassed: 7,
      daysAtMinimum: 0,
      campaign: status,
      chain: CHAIN,
    });
    expect(noMinimum).toMatchObject({ metAll: true, daysBelowMinimum: 0 });
  });
});

describe('standing on the whole campaign', () => {
  const perDay = (days: number) =>
    airtimeTable([
      { communeCode: '14797', topic: 'kinh-te-so', airedMs: days * 86_000, plays: days },
      { communeCode: '14797', topic: 'xa-hoi-so', airedMs: 0, plays: days },
    ]);

  it('measures the days so far while the campaign runs, the whole window after', () => {
    expect(campaignPeriod(CAMPAIGN, '2025-09-30')).toBeNull();
    expect(campaignPeriod(CAMPAIGN, '2025-10-10')).toEqual({
      from: '2025-10-01',
      to: '2025-10-10',
      days: 10,
    });
    expect(campaignPeriod(CAMPAIGN, '2026-01-01')).toEqual({
      from: '2025-10-01',
      to: '2025-10-31',
      days: 31,
    });
  });

  it('is not-started, on-track or behind, then met or not-met', () => {
    expect(campaignStatusOf(CAMPAIGN, '2025-09-30', perDay(0), '14797')).toEqual({
      status: 'not-started',
      from: '2025-10-01',
      through: null,
      topicsMet: 0,
      topicsRequired: 2,
    });
    expect(campaignStatusOf(CAMPAIGN, '2025-10-10', perDay(10), '14797')).toMatchObject({
      status: 'on-track',
      through: '2025-10-10',
      topicsMet: 2,
    });
    // Judged on the 9 days that are over on the 10th, with the airtime aired through today.
    expect(campaignStatusOf(CAMPAIGN, '2025-10-10', perDay(9), '14797')).toMatchObject({
      status: 'on-track',
      topicsMet: 2,
    });
    expect(campaignStatusOf(CAMPAIGN, '2025-10-10', perDay(8), '14797')).toMatchObject({
      status: 'behind',
      topicsMet: 1,
    });
    // The first day: nothing is over yet, nothing is behind.
    expect(campaignStatusOf(CAMPAIGN, '2025-10-01', perDay(0), '14797')).toMatchObject({
      status: 'on-track',
      topicsMet: 2,
    });
    expect(campaignStatusOf(CAMPAIGN, '2025-11-02', perDay(31), '14797')).toMatchObject({
      status: 'met',
      through: '2025-10-31',
    });
    expect(campaignStatusOf(CAMPAIGN, '2025-11-02', perDay(30), '14797').status).toBe('not-met');
    expect(campaignStatusOf(CAMPAIGN, '2025-11-02', perDay(31), '14812').status).toBe('not-met');
  });
});
