import { Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser, ProvinceScope, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { AuditService } from '../auth/audit.service';
import { ApiJsonOrFile } from '../common/api-responses';
import { Clock } from '../common/clock';
import { AsRunExport, AsRunExportService } from './as-run-export.service';
import { ChainCheckRun, ChainChecksService } from './chain-checks.service';
import {
  AsRunExportQueryDto,
  CommuneReportQueryDto,
  ProvinceQueryDto,
  ProvinceReportQueryDto,
  RebuildQueryDto,
  RecordsQueryDto,
  ReportColumns,
  ReportFormat,
} from './dto/report-query.dto';
import { TopicsService } from '../topics/topics.service';
import { attachment, CSV_TYPE, XLSX_TYPE } from './export/attachment';
import { tableToCsv } from './export/csv-writer';
import {
  asRunTable,
  communeDetailDocument,
  complianceDocument,
  summaryDocument,
  upliftDocument,
} from './export/report-documents';
import { documentForPeople } from './export/people-columns';
import { ReportDocument } from './export/report-table';
import { documentToXlsx } from './export/xlsx-writer';
import {
  CommuneDetail,
  ComplianceReport,
  ProvinceSummary,
  RecordsReport,
  ReportsService,
  UpliftReport,
} from './reports.service';
import { RollupRun, RollupsService } from './rollups.service';

const FORMATS_NOTE =
  'format=csv (UTF-8 with BOM, the first table) or xlsx (one sheet per table); for people by default (Vietnamese headers, minutes, Đạt/Chưa đạt), columns=raw for the JSON fields';

/**
 * Monitoring views of the as-run log (báo cáo giám sát): province-wide views for the province's
 * monitors and admins, a commune's own report for its operators and approvers too.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly asRunExport: AsRunExportService,
    private readonly rollups: RollupsService,
    private readonly chains: ChainChecksService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly topics: TopicsService,
  ) {}

  @Get('compliance')
  @ProvinceScope()
  @ApiJsonOrFile(ComplianceReport, 'The compliance report, or its file', CSV_TYPE, XLSX_TYPE)
  @ApiOperation({
    summary: 'Aired vs required airtime and plays per commune × required topic',
    description: FORMATS_NOTE,
  })
  async compliance(
    @Query() query: ProvinceReportQueryDto,
  ): Promise<ComplianceReport | StreamableFile> {
    const report = await this.reports.compliance(query.campaign, query.province, query);
    return this.render(query, report, complianceDocument);
  }

  @Get('summary')
  @ProvinceScope()
  @ApiJsonOrFile(ProvinceSummary, 'The summary, or its file', CSV_TYPE, XLSX_TYPE)
  @ApiOperation({
    summary: 'The province at a glance: communes meeting every target, laggards, totals',
    description: `${FORMATS_NOTE}; the CSV holds the laggards`,
  })
  async summary(@Query() query: ProvinceReportQueryDto): Promise<ProvinceSummary | StreamableFile> {
    const summary = await this.reports.provinceSummary(query.campaign, query.province, query);
    return this.render(query, summary, summaryDocument);
  }

  @Get('uplift')
  @ProvinceScope()
  @ApiJsonOrFile(UpliftReport, 'The uplift report, or its file', CSV_TYPE, XLSX_TYPE)
  @ApiOperation({
    summary: 'Campaign airtime against the same number of days just before the range',
    description: FORMATS_NOTE,
  })
  async uplift(@Query() query: ProvinceReportQueryDto): Promise<UpliftReport | StreamableFile> {
    const report = await this.reports.uplift(query.campaign, query.province, query);
    return this.render(query, report, upliftDocument);
  }

  @Post('chain-checks')
  @HttpCode(200)
  @ProvinceScope()
  @ApiOperation({ summary: 'Re-verifies the hash chain of every commune of the province now' })
  verifyChains(@Query() query: ProvinceQueryDto): Promise<ChainCheckRun> {
    return this.chains.verifyAll(this.reports.communeCodesOf(query.province));
  }

  @Get('communes/:commune')
  @CommuneScope()
  @ApiJsonOrFile(CommuneDetail, "The commune's report, or its file", CSV_TYPE, XLSX_TYPE)
  @ApiOperation({
    summary: "A commune's daily airtime by topic, its compliance and its chain (verified now)",
    description: `${FORMATS_NOTE}; the CSV holds the days × topics`,
  })
  async communeDetail(
    @Param('commune') commune: string,
    @Query() query: CommuneReportQueryDto,
  ): Promise<CommuneDetail | StreamableFile> {
    const detail = await this.reports.communeDetail(query.campaign, commune, query);
    return this.render(query, detail, communeDetailDocument);
  }

  @Get('communes/:commune/records')
  @CommuneScope()
  @ApiOperation({
    summary: 'The as-run records behind the numbers, with what each counts',
    description:
      'Filter by topic, date, outcome and source; page with limit and offset (total and the sums cover every matching record).',
  })
  records(
    @Param('commune') commune: string,
    @Query() query: RecordsQueryDto,
  ): Promise<RecordsReport> {
    const { from, to, ...filter } = query;
    return this.reports.records(commune, { from, to }, filter);
  }

  @Get('communes/:commune/as-run')
  @CommuneScope()
  @ApiJsonOrFile(AsRunExport, 'The as-run export, or its CSV', CSV_TYPE)
  @ApiOperation({
    summary: 'The as-run log of a range with its chain fields, for outside verification',
    description: 'format=csv: UTF-8 with BOM; topics as the JSON array that was hashed',
  })
  async asRun(
    @Param('commune') commune: string,
    @Query() query: AsRunExportQueryDto,
  ): Promise<AsRunExport | StreamableFile> {
    const exported = await this.asRunExport.export(commune, query);
    if (query.format !== 'csv') return exported;
    return attachment(
      tableToCsv(asRunTable(exported.records)),
      CSV_TYPE,
      `nhat-ky_${commune}_${exported.from}_${exported.to}.csv`,
    );
  }

  @Post('rollups/rebuild')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Recomputes the daily roll-ups from the as-run log (admin)' })
  async rebuild(
    @Query() query: RebuildQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<RollupRun> {
    const run = await this.rollups.rebuild(
      query.commune ? [this.reports.communeCode(query.commune)] : undefined,
    );
    await this.audit.record({
      action: 'reports.rollups.rebuilt',
      actor,
      targetType: 'airtime_rollup',
      communeCode: query.commune ?? null,
      detail: { ...run },
    });
    return run;
  }

  private async render<V>(
    { format, columns }: { format?: ReportFormat; columns?: ReportColumns },
    view: V,
    toDocument: (view: V) => ReportDocument,
  ): Promise<V | StreamableFile> {
    if (format === undefined || format === 'json') return view;
    const raw = toDocument(view);
    const document = columns === 'raw' ? raw : documentForPeople(raw, await this.topicNames());
    if (format === 'csv') {
      return attachment(tableToCsv(document.tables[0]), CSV_TYPE, `${document.fileName}.csv`);
    }
    return attachment(
      await documentToXlsx(document, this.clock.now()),
      XLSX_TYPE,
      `${document.fileName}.xlsx`,
    );
  }

  private async topicNames(): Promise<Map<string, string>> {
    return new Map((await this.topics.list()).map((topic) => [topic.code, topic.name]));
  }
}
