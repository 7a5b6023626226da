import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CommuneScope } from '../../auth/access.decorators';
import { ApiJsonOrFile } from '../../common/api-responses';
import { Clock } from '../../common/clock';
import { tableToCsv } from '../export/csv-writer';
import { documentToXlsx } from '../export/xlsx-writer';
import { attachment, CSV_TYPE, XLSX_TYPE } from '../export/attachment';
import { bxfAsRunXml } from './bxf-as-run';
import { reconciliationDocument } from './reconciliation-document';
import { ReconciliationQueryDto } from './reconciliation-query.dto';
import { ReconciliationReport, ReconciliationService } from './reconciliation.service';

const XML_TYPE = 'application/xml; charset=utf-8';

/** Planned versus aired (đối soát kế hoạch – thực tế) of one commune. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly clock: Clock,
  ) {}

  @Get('communes/:commune/reconciliation')
  @CommuneScope()
  @ApiJsonOrFile(
    ReconciliationReport,
    'A page of the reconciliation, or all of it as a file',
    CSV_TYPE,
    XLSX_TYPE,
    XML_TYPE,
  )
  @ApiOperation({
    summary: 'Every program-log item beside what aired, with a discrepancy code, and totals',
    description:
      'Codes: on-time (within toleranceSeconds each way), late, early, short, missed (causeCode: ' +
      'play-error, not-played, devices-offline, devices-missed, no-devices, no-record), cancelled, ' +
      'unscheduled, pending (no record yet and the item still open on the program log: its ' +
      'record is still to be written). Corrections replace the records they correct. ' +
      'JSON is paged (page, pageSize); format=csv (the lines) and xlsx (lines and totals) carry every line with ' +
      'Vietnamese headers; format=bxf is an SMPTE BXF as-run message, one BasicAsRun per line ' +
      'that is due, its EventId the item id echoed back.',
  })
  async reconcile(
    @Param('commune') commune: string,
    @Query() query: ReconciliationQueryDto,
  ): Promise<ReconciliationReport | StreamableFile> {
    const format = query.format ?? 'json';
    if (format === 'json') return this.reconciliation.report(commune, query);
    const report = await this.reconciliation.all(commune, query);
    const document = reconciliationDocument(report);
    if (format === 'csv') {
      return attachment(tableToCsv(document.tables[0]), CSV_TYPE, `${document.fileName}.csv`);
    }
    if (format === 'xlsx') {
      return attachment(
        await documentToXlsx(document, this.clock.now()),
        XLSX_TYPE,
        `${document.fileName}.xlsx`,
      );
    }
    const xml = bxfAsRunXml({
      messageId: `urn:uuid:${randomUUID()}`,
      createdAt: this.clock.now(),
      communeCode: report.communeCode,
      communeName: report.communeName,
      from: report.from,
      to: report.to,
      lines: report.lines,
    });
    return attachment(
      Buffer.from(xml, 'utf8'),
      XML_TYPE,
      `as-run-bxf_${report.communeCode}_${report.from}_${report.to}.xml`,
    );
  }
}
