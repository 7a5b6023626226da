import {
  campaignStatusOf,
  communeCompliance,
  ComplianceRow,
  complianceRows,
  rowsByCommune,
} from './compliance';
import { airtimeTable } from './compliance';
import { provinceTotals } from './province-summary';

const RULES = [
  { topic: 'kinh-te-so', minSecondsPerWeek: 70 },
  { topic: 'xa-hoi-so', minSecondsPerWeek: 70, minPlaysPerWeek: 7 },
];
const COMMUNES = [
  { code: '14758', name: 'Phường Hàm Rồng' },
  { code: '14797', name: 'Phường Hạc Thành' },
  { code: '14812', name: 'Phường Bỉm Sơn' },
  { code: '14818', name: 'Phường Quang Trung' },
];

describe('province totals', () => {
  const airtime = airtimeTable([
    { communeCode: '14797', topic: 'kinh-te-so', airedMs: 20_000, plays: 2 },
    { communeCode: '14797', topic: 'xa-hoi-so', airedMs: 20_000, plays: 2 },
    { communeCode: '14812', topic: 'kinh-te-so', airedMs: 5_000, plays: 1 },
    { communeCode: '14812', topic: 'xa-hoi-so', airedMs: 20_000, plays: 1 },
    { communeCode: '14818', topic: 'kinh-te-so', airedMs: 5_000, plays: 1 },
    { communeCode: '14818', topic: 'xa-hoi-so', airedMs: 20_000, plays: 2 },
  ]);
  const rows: ComplianceRow[] = complianceRows(COMMUNES, RULES, 2, airtime);
  const campaign = { startsOn: '2025-10-01', endsOn: '2025-10-31', rules: RULES };
  const communes = COMMUNES.map((commune, index) =>
    communeCompliance(commune, rowsByCommune(rows).get(commune.code) ?? [], {
      campaignMs: 0,
      minDailySeconds: 10,
      daysPassed: 2,
      daysAtMinimum: index === 1 ? 2 : 0,
      campaign: campaignStatusOf(campaign, '2025-11-01', airtime, commune.code),
      chain: {
        ok: true,
        count: 0,
        brokenAtSeq: null,
        checkedAt: null,
        uncheckedRecords: 0,
        checkpoint: null,
      },
    }),
  );

  const totals = provinceTotals({
    range: { from: '2025-10-01', to: '2025-10-02' },
    topics: ['kinh-te-so', 'xa-hoi-so'],
    minDailySeconds: 10,
    rows,
    communes,
    byDateTopic: [
      { date: '2025-10-01', topic: 'kinh-te-so', airedMs: 30_000, plays: 4 },
      { date: '2025-10-02', topic: 'xa-hoi-so', airedMs: 60_000, plays: 5 },
    ],
    campaignByDate: [{ date: '2025-10-01', campaignMs: 30_000, communesAtMinimum: 1 }],
  });

  it('names the communes meeting every target', () => {
    expect(totals).toMatchObject({
      communes: 4,
      communesMeetingAll: 1,
      meetingAll: [{ communeCode: '14797', communeName: 'Phường Hạc Thành' }],
    });
  });

  it('sorts the laggards by shortfall in seconds, then plays, then code', () => {
    expect(
      totals.laggards.map(({ communeCode, shortfallSeconds, shortfallPlays, topicsMissed }) => ({
        communeCode,
        shortfallSeconds,
        shortfallPlays,
        topicsMissed,
      })),
    ).toEqual([
      {
        communeCode: '14758',
        shortfallSeconds: 40,
        shortfallPlays: 2,
        topicsMissed: ['kinh-te-so', 'xa-hoi-so'],
      },
      {
        communeCode: '14812',
        shortfallSeconds: 15,
        shortfallPlays: 1,
        topicsMissed: ['kinh-te-so', 'xa-hoi-so'],
      },
      {
        communeCode: '14818',
        shortfallSeconds: 15,
        shortfallPlays: 0,
        topicsMissed: ['kinh-te-so'],
      },
    ]);
    expect(totals.laggards[0].daysBelowMinimum).toBe(2);
  });

  it('totals each topic and each day of the range, days without airtime too', () => {
    expect(totals.byTopic).toEqual([
      {
        topic: 'kinh-te-so',
        airedSeconds: 30,
        plays: 4,
        requiredSeconds: 20,
        requiredPlays: 0,
        communesMet: 1,
      },
      {
        topic: 'xa-hoi-so',
        airedSeconds: 60,
        plays: 5,
        requiredSeconds: 20,
        requiredPlays: 2,
        communesMet: 2,
      },
    ]);
    expect(totals.byDay).toEqual([
      {
        date: '2025-10-01',
        campaignSeconds: 30,
        communesBelowMinimum: 3,
        topics: [
          { topic: 'kinh-te-so', airedSeconds: 30, plays: 4 },
          { topic: 'xa-hoi-so', airedSeconds: 0, plays: 0 },
        ],
      },
      {
        date: '2025-10-02',
        campaignSeconds: 0,
        communesBelowMinimum: 4,
        topics: [
          { topic: 'kinh-te-so', airedSeconds: 0, plays: 0 },
          { topic: 'xa-hoi-so', airedSeconds: 60, plays: 5 },
        ],
      },
    ]);
  });
});
