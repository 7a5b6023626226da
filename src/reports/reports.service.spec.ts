import { CampaignsService } from '../campaigns/campaigns.service';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { DateRange } from './airtime.repository';
import { ManualClock } from '../common/manual-clock';
import { GeoService } from '../geo/geo.service';
import { AirtimeRepository } from './airtime.repository';
import { AsRunReader } from './as-run-reader';
import { ChainChecksService } from './chain-checks.service';
import { ReportsService } from './reports.service';
import { RollupsService } from './rollups.service';

const COMMUNE = { code: '14797', name: 'Phường Hạc Thành', provinceCode: '38' };
const CAMPAIGN = {
  code: 'cds-thang-12',
  startsOn: '2026-12-01',
  endsOn: '2026-12-31',
  minDailySeconds: 300,
  rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 700, minPlaysPerWeek: 7 }],
} as unknown as Campaign;
const CHAIN = {
  ok: true,
  count: 0,
  brokenAtSeq: null,
  checkedAt: null,
  uncheckedRecords: 0,
  checkpoint: null,
};

/**
 * A commune that aired 100 s a day (5 plays) on 1–2 December and 400 s today, the 3rd: the
 * airtime repository answers from these days whatever range it is asked.
 */
const AIRED: Record<string, { ms: number; plays: number }> = {
  '2026-12-01': { ms: 100_000, plays: 5 },
  '2026-12-02': { ms: 100_000, plays: 5 },
  '2026-12-03': { ms: 400_000, plays: 5 },
};

function within(range: DateRange): { ms: number; plays: number; atMinimum: number }[] {
  return Object.entries(AIRED)
    .filter(([date]) => date >= range.from && date <= range.to)
    .map(([, day]) => ({ ...day, atMinimum: day.ms >= 300_000 ? 1 : 0 }));
}

function service(clock: ManualClock): ReportsService {
  const sum = (range: DateRange) =>
    within(range).reduce(
      (total, day) => ({
        ms: total.ms + day.ms,
        plays: total.plays + day.plays,
        atMinimum: total.atMinimum + day.atMinimum,
      }),
      { ms: 0, plays: 0, atMinimum: 0 },
    );
  const airtime = {
    byCommuneTopic: jest.fn((_codes: string[], range: DateRange) =>
      Promise.resolve([
        {
          communeCode: COMMUNE.code,
          topic: 'kinh-te-so',
          airedMs: sum(range).ms,
          plays: sum(range).plays,
        },
      ]),
    ),
    campaignDaysByCommune: jest.fn((_codes: string[], range: DateRange) =>
      Promise.resolve([
        {
          communeCode: COMMUNE.code,
          campaignMs: sum(range).ms,
          daysAtMinimum: sum(range).atMinimum,
        },
      ]),
    ),
    deviceCoverage: jest.fn(() => Promise.resolve([])),
  } as unknown as AirtimeRepository;
  return new ReportsService(
    { forProvince: jest.fn(() => Promise.resolve(CAMPAIGN)) } as unknown as CampaignsService,
    { communesOf: jest.fn(() => [COMMUNE]) } as unknown as GeoService,
    airtime,
    { catchUp: jest.fn(() => Promise.resolve()) } as unknown as RollupsService,
    {
      states: jest.fn(() => Promise.resolve(new Map([[COMMUNE.code, CHAIN]]))),
    } as unknown as ChainChecksService,
    {} as AsRunReader,
    clock,
  );
}

describe('ReportsService: a running campaign, judged on its passed days', () => {
  it('on day 3 counts two days, pro-rates the targets to them and is on track', async () => {
    // 10:00 on 3 December, Vietnam time.
    const clock = new ManualClock('2026-12-03T03:00:00.000Z');
    const report = await service(clock).compliance(CAMPAIGN.code, '38', {});
    expect(report).toMatchObject({ from: '2026-12-01', to: '2026-12-31', days: 31 });
    expect(report).toMatchObject({ daysPassed: 2, through: '2026-12-02' });
    expect(report.rows[0]).toEqual({
      communeCode: COMMUNE.code,
      communeName: COMMUNE.name,
      topic: 'kinh-te-so',
      airedSeconds: 600,
      plays: 15,
      requiredSeconds: 3100,
      requiredPlays: 31,
      met: false,
    });
    expect(report.communes[0].toDate).toEqual([
      { topic: 'kinh-te-so', requiredSeconds: 200, requiredPlays: 2, met: true },
    ]);
    // Two days over, both under 300 s; today (400 s so far) and the 28 days to come are not.
    expect(report.communes[0]).toMatchObject({
      daysBelowMinimum: 2,
      metAll: false,
      metAllToDate: true,
      topicsMetToDate: 1,
    });
    expect(report.communes[0].campaign).toMatchObject({ status: 'on-track', topicsMet: 1 });
  });

  it('on its first day has nothing due and no day below the minimum', async () => {
    const clock = new ManualClock('2026-12-01T01:00:00.000Z');
    const report = await service(clock).compliance(CAMPAIGN.code, '38', {});
    expect(report).toMatchObject({ daysPassed: 0, through: null });
    expect(report.communes[0].toDate[0]).toMatchObject({ requiredSeconds: 0, met: true });
    expect(report.communes[0].daysBelowMinimum).toBe(0);
  });

  it('once over, judges the whole range: to date equals the range', async () => {
    const clock = new ManualClock('2027-01-05T03:00:00.000Z');
    const report = await service(clock).compliance(CAMPAIGN.code, '38', {});
    expect(report).toMatchObject({ daysPassed: 31, through: '2026-12-31' });
    expect(report.communes[0].toDate[0]).toMatchObject({ requiredSeconds: 3100, met: false });
    // 31 days, one of them (the 3rd) at the minimum.
    expect(report.communes[0].daysBelowMinimum).toBe(30);
    expect(report.communes[0].campaign.status).toBe('not-met');
  });
});
