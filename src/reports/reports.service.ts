import { Injectable } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { Clock } from '../common/clock';
import { PlayoutOutcome, PlayoutSource } from '../playout/entities/playout-record.entity';
import { eachDate, localDateOf } from '../common/local-time';
import { Commune } from '../geo/geo.types';
import { GeoService } from '../geo/geo.service';
import { msToSeconds } from './airtime';
import { AirtimeRepository, DateRange } from './airtime.repository';
import { AsRunReader } from './as-run-reader';
import { ChainChecksService } from './chain-checks.service';
import {
  airtimeTable,
  campaignPeriod,
  campaignStatusOf,
  ChainState,
  communeCompliance,
  coverageOf,
  CommuneCompliance,
  ComplianceRow,
  complianceRows,
  NamedCommune,
  rowsByCommune,
  rowsToDate,
} from './compliance';
import { provinceTotals } from './province-summary';
import { baselineOf, passedPart, resolveRange } from './report-range';
import { RollupsService } from './rollups.service';
import { upliftRows, upliftTopicRows, upliftTotals } from './uplift';
import {
  CommuneDay,
  CommuneDetail,
  ComplianceReport,
  CountedRecordView,
  ProvinceSummary,
  RecordsReport,
  RecordsReportRecord,
  UpliftReport,
} from './report.view';

export {
  CommuneDay,
  CommuneDetail,
  ComplianceReport,
  ProvinceSummary,
  RecordsReport,
  UpliftReport,
};

export interface RangeQuery {
  from?: string;
  to?: string;
}

/** How much of the range is over (`passedPart`): what the communes' `toDate` targets cover. */
export interface RangeProgress {
  /** Days of the range before today. */
  daysPassed: number;
  /** The last of them; null when none has passed. */
  through: string | null;
}

/** What narrows a commune's records beyond the range, and the page asked. */
export interface RecordsFilter {
  topic?: string;
  date?: string;
  outcome?: PlayoutOutcome;
  source?: PlayoutSource;
  limit?: number;
  offset?: number;
}

interface Compliance {
  rows: ComplianceRow[];
  communes: CommuneCompliance[];
  progress: RangeProgress;
}

function named(commune: Commune): NamedCommune {
  return { code: commune.code, name: commune.name };
}

function topicsOf(campaign: Campaign): string[] {
  return campaign.rules.map((rule) => rule.topic);
}

/** The views over the roll-ups: compliance, province summary, uplift, a commune's detail. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly geo: GeoService,
    private readonly airtime: AirtimeRepository,
    private readonly rollups: RollupsService,
    private readonly chains: ChainChecksService,
    private readonly asRun: AsRunReader,
    private readonly clock: Clock,
  ) {}

  communeCodesOf(provinceCode: string): string[] {
    return this.geo.communesOf(provinceCode).map((commune) => commune.code);
  }

  /** The code of a known commune (404 otherwise). */
  communeCode(code: string): string {
    return this.geo.commune(code).code;
  }

  async compliance(
    campaignCode: string,
    provinceCode: string,
    query: RangeQuery,
  ): Promise<ComplianceReport> {
    const { campaign, range } = await this.campaignAndRange(campaignCode, provinceCode, query);
    const communes = this.geo.communesOf(provinceCode).map(named);
    const { rows, communes: perCommune, progress } = await this.assess(campaign, communes, range);
    return {
      campaign: campaign.code,
      province: provinceCode,
      from: range.from,
      to: range.to,
      days: range.days,
      ...progress,
      minDailySeconds: campaign.minDailySeconds,
      rows,
      communes: perCommune,
    };
  }

  async provinceSummary(
    campaignCode: string,
    provinceCode: string,
    query: RangeQuery,
  ): Promise<ProvinceSummary> {
    const { campaign, range } = await this.campaignAndRange(campaignCode, provinceCode, query);
    const province = this.geo.province(provinceCode);
    const communes = this.geo.communesOf(provinceCode).map(named);
    const compliance = await this.assess(campaign, communes, range);
    const codes = communes.map((commune) => commune.code);
    const topics = topicsOf(campaign);
    const minDailyMs = campaign.minDailySeconds * 1000;
    const [byDateTopic, campaignByDate] = [
      await this.airtime.byDateTopic(codes, range, topics),
      await this.airtime.campaignByDate(codes, range, topics, minDailyMs),
    ];
    return {
      campaign: campaign.code,
      province: province.code,
      provinceName: province.name,
      from: range.from,
      to: range.to,
      days: range.days,
      minDailySeconds: campaign.minDailySeconds,
      ...provinceTotals({
        range,
        topics,
        minDailySeconds: campaign.minDailySeconds,
        rows: compliance.rows,
        communes: compliance.communes,
        byDateTopic,
        campaignByDate,
      }),
    };
  }

  async uplift(
    campaignCode: string,
    provinceCode: string,
    query: RangeQuery,
  ): Promise<UpliftReport> {
    const { campaign, range } = await this.campaignAndRange(campaignCode, provinceCode, query);
    const baseline = baselineOf(range);
    const communes = this.geo.communesOf(provinceCode).map(named);
    const codes = communes.map((commune) => commune.code);
    const topics = topicsOf(campaign);
    await this.rollups.catchUp(codes);
    const campaignMs = async (period: DateRange): Promise<Map<string, number>> =>
      new Map(
        (await this.airtime.campaignDaysByCommune(codes, period, campaign, 0)).map((row) => [
          row.communeCode,
          row.campaignMs,
        ]),
      );
    const current = await campaignMs(range);
    const before = await campaignMs(baseline);
    const rows = upliftRows(communes, current, before);
    return {
      campaign: campaign.code,
      province: provinceCode,
      from: range.from,
      to: range.to,
      days: range.days,
      baselineFrom: baseline.from,
      baselineTo: baseline.to,
      totals: upliftTotals(rows, current, before),
      rows,
      topics: upliftTopicRows(
        communes,
        topics,
        airtimeTable(await this.airtime.byCommuneTopic(codes, range, topics)),
        airtimeTable(await this.airtime.byCommuneTopic(codes, baseline, topics)),
      ),
    };
  }

  async communeDetail(
    campaignCode: string,
    communeCode: string,
    query: RangeQuery,
  ): Promise<CommuneDetail> {
    const { campaign, range } = await this.campaignAndRange(
      campaignCode,
      this.geo.commune(communeCode).provinceCode,
      query,
    );
    const commune = named(this.geo.commune(communeCode));
    // One commune: verify its chain now rather than trust the kept verdict.
    const chain = await this.chains.verify(communeCode);
    const { rows, communes, progress } = await this.assess(campaign, [commune], range, chain);
    const topics = topicsOf(campaign);
    const byDateTopic = new Map(
      (await this.airtime.byDateTopic([communeCode], range, topics)).map((row) => [
        `${row.date}|${row.topic}`,
        row,
      ]),
    );
    const campaignByDate = new Map(
      (await this.airtime.campaignByCommuneDate([communeCode], range, topics)).map((row) => [
        row.date,
        row.campaignMs,
      ]),
    );
    const minDailyMs = campaign.minDailySeconds * 1000;
    return {
      campaign: campaign.code,
      communeCode: commune.code,
      communeName: commune.name,
      from: range.from,
      to: range.to,
      days: range.days,
      ...progress,
      minDailySeconds: campaign.minDailySeconds,
      summary: communes[0],
      rows,
      daily: eachDate(range.from, range.to).map((date): CommuneDay => {
        const campaignMs = campaignByDate.get(date) ?? 0;
        const passed = progress.through !== null && date <= progress.through;
        return {
          date,
          passed,
          campaignSeconds: msToSeconds(campaignMs),
          belowMinimum: passed && campaignMs < minDailyMs,
          topics: topics.map((topic) => {
            const row = byDateTopic.get(`${date}|${topic}`);
            return {
              topic,
              airedSeconds: msToSeconds(row?.airedMs ?? 0),
              plays: row?.plays ?? 0,
            };
          }),
        };
      }),
    };
  }

  /**
   * The as-run records behind a commune's numbers over a range, narrowed by topic, day, outcome
   * and source, one page of them (seq order) with the total and sums of all that match.
   */
  async records(
    communeCode: string,
    query: Required<RangeQuery>,
    filter: RecordsFilter = {},
  ): Promise<RecordsReport> {
    const range = resolveRange(query, { from: query.from, to: query.to });
    const commune = this.geo.commune(communeCode);
    // Verified now, as the commune's report is: the records are read after, so none is newer
    // than the verdict.
    const chain = await this.chains.verify(communeCode);
    const brokenAtSeq = chain.ok === false ? chain.brokenAtSeq : null;
    // Corrections are resolved over the whole range before narrowing, so each record still
    // says whether a later one replaced it.
    const matching = (await this.asRun.countedRecords(communeCode, range, filter.topic))
      .filter(
        (record) =>
          (!filter.date || record.date === filter.date) &&
          (!filter.outcome || record.outcome === filter.outcome) &&
          (!filter.source || record.source === filter.source),
      )
      .map((record): RecordsReportRecord => ({
        ...record,
        afterBreak: brokenAtSeq !== null && record.seq >= brokenAtSeq,
      }));
    const counted = matching.filter((record) => record.inEffect);
    const unverified = counted.filter((record) => record.afterBreak);
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? null;
    return {
      communeCode,
      communeName: commune.name,
      from: range.from,
      to: range.to,
      topic: filter.topic ?? null,
      date: filter.date ?? null,
      outcome: filter.outcome ?? null,
      source: filter.source ?? null,
      ...countedTotals(counted),
      afterBreak: { records: unverified.length, ...countedTotals(unverified) },
      chain,
      total: matching.length,
      offset,
      limit,
      records: matching.slice(offset, limit === null ? undefined : offset + limit),
    };
  }

  /** The campaign (national, or the province's: 404 otherwise) and the range it resolves. */
  async campaignAndRange(campaignCode: string, provinceCode: string, query: RangeQuery) {
    const campaign = await this.campaigns.forProvince(campaignCode, provinceCode);
    const range = resolveRange(query, { from: campaign.startsOn, to: campaign.endsOn });
    return { campaign, range };
  }

  /** Compliance rows and per-commune fields for communes over a range. */
  private async assess(
    campaign: Campaign,
    communes: readonly NamedCommune[],
    range: DateRange & { days: number },
    chainOverride?: ChainState,
  ): Promise<Compliance> {
    const codes = communes.map((commune) => commune.code);
    const topics = topicsOf(campaign);
    await this.rollups.catchUp(codes);
    const inRange = airtimeTable(await this.airtime.byCommuneTopic(codes, range, topics));
    const today = localDateOf(this.clock.now());
    const period = campaignPeriod(campaign, today);
    const samePeriod = period && period.from === range.from && period.to === range.to;
    const overCampaign = samePeriod
      ? inRange
      : airtimeTable(period ? await this.airtime.byCommuneTopic(codes, period, topics) : []);
    const passed = passedPart(range, today);
    const campaignDays = async (period: DateRange | null) =>
      new Map(
        (period
          ? await this.airtime.campaignDaysByCommune(
              codes,
              period,
              campaign,
              campaign.minDailySeconds * 1000,
            )
          : []
        ).map((row) => [row.communeCode, row]),
      );
    const days = await campaignDays(range);
    // Days at the minimum are counted on the passed days only (today's may still get there).
    const passedDays = passed?.to === range.to ? days : await campaignDays(passed);
    const coverage = new Map(
      (await this.airtime.deviceCoverage(codes, range)).map((row) => [row.communeCode, row]),
    );
    const chains = chainOverride
      ? new Map(codes.map((code) => [code, chainOverride]))
      : await this.chains.states(codes);

    const daysPassed = passed?.days ?? 0;
    const rows = complianceRows(communes, campaign.rules, range.days, inRange);
    const byCommune = rowsByCommune(rows);
    return {
      rows,
      progress: { daysPassed, through: passed?.to ?? null },
      communes: communes.map((commune) =>
        communeCompliance(commune, byCommune.get(commune.code) ?? [], {
          campaignMs: days.get(commune.code)?.campaignMs ?? 0,
          daysAtMinimum: passedDays.get(commune.code)?.daysAtMinimum ?? 0,
          minDailySeconds: campaign.minDailySeconds,
          daysPassed,
          toDate: rowsToDate(byCommune.get(commune.code) ?? [], campaign.rules, daysPassed),
          campaign: campaignStatusOf(campaign, today, overCampaign, commune.code),
          chain: chains.get(commune.code) as ChainState,
          coverage: coverageOf(coverage.get(commune.code)),
        }),
      ),
    };
  }
}

/** What records count together, summed in milliseconds so the seconds do not drift. */
function countedTotals(records: readonly CountedRecordView[]): {
  airedSeconds: number;
  plays: number;
} {
  return {
    airedSeconds: msToSeconds(
      records.reduce((sum, record) => sum + Math.round(record.countedSeconds * 1000), 0),
    ),
    plays: records.reduce((sum, record) => sum + record.countedPlays, 0),
  };
}
