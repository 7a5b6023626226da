import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../auth/access.decorators';
import { AuthUser } from '../../auth/auth-user';
import { ApiFileResponse } from '../../common/api-responses';
import { DomainError } from '../../common/domain-error';
import {
  CreateOfficialDraftDto,
  OfficialReportQueryDto,
  OfficialScopeDto,
  OfficialTextDto,
} from './dto/official-report.dto';
import { OfficialReportModel } from './official-content';
import { OfficialTextView } from './official-draft.view';
import { OfficialDraftView, OfficialReportsService } from './official-reports.service';
import { SigningCertificatesService } from './signing/signing-certificates.service';

const PDF_TYPE = 'application/pdf';

function fileNameOf(model: OfficialReportModel): string {
  const { numbers } = model;
  const where = numbers.communeCode ?? numbers.provinceCode;
  return `bao-cao_${numbers.campaignCode}_${where}_${numbers.from}_${numbers.to}.pdf`;
}

/**
 * Official reports as PDF documents in the layout of Nghị định 30/2020/NĐ-CP: a province's for
 * its monitors and admins, a commune's own for its users too (checked by the service, since the
 * scope is a query parameter: one or the other). Their words can be drafted first; their numbers
 * are always computed anew.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/official')
export class OfficialReportsController {
  constructor(
    private readonly official: OfficialReportsService,
    private readonly certificates: SigningCertificatesService,
  ) {}

  @Get()
  @ApiFileResponse('The PDF (signed when asked)', [PDF_TYPE])
  @ApiOperation({
    summary: 'The official report (PDF, NĐ 30/2020 layout) of a province or a commune',
    description:
      '`campaign` with `province` or `commune` (and `from`, `to`), or `draft`; `signed=true` signs it (PAdES B-B).',
  })
  async render(
    @Query() query: OfficialReportQueryDto,
    @CurrentUser() user: AuthUser,
  ): Promise<StreamableFile> {
    let model: OfficialReportModel;
    if (query.draft !== undefined) {
      model = await this.official.modelOfDraft(query.draft, user);
    } else {
      if (query.campaign === undefined) {
        throw new DomainError('VALIDATION_FAILED', 'campaign is required without draft');
      }
      model = await this.official.model({ ...query, campaign: query.campaign }, user);
    }
    const unsigned = await this.official.renderPdf(model);
    const bytes =
      query.signed === 'true' ? await this.certificates.sign(unsigned, model) : unsigned;
    return new StreamableFile(bytes, {
      type: PDF_TYPE,
      disposition: `attachment; filename="${fileNameOf(model)}"`,
      length: bytes.length,
    });
  }

  @Post('drafts')
  @ApiOperation({ summary: "A draft of an official report's words (numbers are never stored)" })
  createDraft(
    @Body() body: CreateOfficialDraftDto,
    @CurrentUser() user: AuthUser,
  ): Promise<OfficialDraftView> {
    const { text, ...scope } = body;
    return this.official.createDraft(scope, { ...text }, user);
  }

  @Get('drafts')
  @ApiOperation({
    summary: 'The drafts of one report, the last changed first',
    description:
      "`campaign` with `province` or `commune`, and `from`, `to` as the draft was made with them (none: the campaign's range).",
  })
  listDrafts(
    @Query() query: OfficialScopeDto,
    @CurrentUser() user: AuthUser,
  ): Promise<OfficialDraftView[]> {
    return this.official.listDrafts(query, user);
  }

  @Get('text')
  @ApiOperation({
    summary: 'The words a new draft of a report starts with',
    description:
      "The default words for the campaign and range, with the standing words (bodies, place, signer, recipients) of the scope's last changed draft over them.",
  })
  startingText(
    @Query() query: OfficialScopeDto,
    @CurrentUser() user: AuthUser,
  ): Promise<OfficialTextView> {
    return this.official.startingText(query, user);
  }

  @Get('drafts/:id')
  @ApiOperation({ summary: 'A draft and its words' })
  getDraft(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthUser,
  ): Promise<OfficialDraftView> {
    return this.official.getDraft(id, user);
  }

  @Patch('drafts/:id')
  @ApiOperation({ summary: "Changes a draft's words" })
  updateDraft(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: OfficialTextDto,
    @CurrentUser() user: AuthUser,
  ): Promise<OfficialDraftView> {
    return this.official.updateDraft(id, { ...body }, user);
  }
}
