import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser, ProvinceScope, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { JsonBodyLimit } from '../common/json-body';
import { ProblemDto } from '../common/problem.dto';
import {
  ApprovalInboxView,
  ApprovalSummaryView,
  BulletinsChangedProblemView,
  ReviewResultView,
} from './approval.view';
import { ApprovalsService } from './approvals.service';
import { BulletinChangeView, BulletinView, BulletinWithSendBacksView } from './bulletin.view';
import { BulletinsService } from './bulletins.service';
import {
  CreateBulletinDto,
  DryRunQueryDto,
  ListBulletinsQueryDto,
  UpdateBulletinDto,
} from './dto/bulletin.dto';
import { ApproveBulletinDto, ReviewBulletinsDto } from './dto/review.dto';

const PROVINCE_PARAM = { source: 'params', name: 'province' } as const;

/** A bulletin's text (≤ 20,000 characters) fits, even with every character escaped. */
export const BULLETIN_BODY_LIMIT_BYTES = 256 * 1024;

@ApiTags('bulletins')
@ApiBearerAuth()
@JsonBodyLimit(BULLETIN_BODY_LIMIT_BYTES)
@Controller()
export class BulletinsController {
  constructor(
    private readonly bulletins: BulletinsService,
    private readonly approvals: ApprovalsService,
  ) {}

  @CommuneScope()
  @Post('communes/:commune/bulletins')
  create(
    @Param('commune') commune: string,
    @Body() body: CreateBulletinDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<BulletinView> {
    return this.bulletins.createForCommune(commune, body, actor);
  }

  @CommuneScope()
  @Get('communes/:commune/bulletins')
  list(
    @Param('commune') commune: string,
    @Query() query: ListBulletinsQueryDto,
  ): Promise<BulletinWithSendBacksView[]> {
    return this.bulletins.listForCommune(commune, query);
  }

  /** The province library: bulletins every commune of the province may schedule. */
  @Roles('admin', 'monitor')
  @ProvinceScope(PROVINCE_PARAM)
  @Post('provinces/:province/bulletins')
  createInLibrary(
    @Param('province') province: string,
    @Body() body: CreateBulletinDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<BulletinView> {
    return this.bulletins.createForProvince(province, body, actor);
  }

  @ProvinceScope(PROVINCE_PARAM)
  @Get('provinces/:province/bulletins')
  listLibrary(
    @Param('province') province: string,
    @Query() query: ListBulletinsQueryDto,
  ): Promise<BulletinWithSendBacksView[]> {
    return this.bulletins.listLibrary(province, query);
  }

  @Get('bulletins/:id')
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<BulletinWithSendBacksView> {
    return this.bulletins.get(id, actor);
  }

  /**
   * A new audio, text or topics send an approved bulletin back to draft and cancel its future
   * items; `?dryRun=true` says so and writes nothing.
   */
  @Patch('bulletins/:id')
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateBulletinDto,
    @Query() query: DryRunQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<BulletinChangeView> {
    return this.bulletins.update(id, body, actor, query.dryRun ?? false);
  }

  /**
   * Approves one bulletin. The web app names the `revision` the approver heard and read: a
   * bulletin edited since answers 409 `BULLETIN_CHANGED`.
   */
  @ApiConflictResponse({
    description:
      '`BULLETIN_CHANGED` (BulletinsChangedProblemView): edited since the revision named; or archived',
    type: ProblemDto,
  })
  @ApiExtraModels(BulletinsChangedProblemView)
  @HttpCode(200)
  @Post('bulletins/:id/approve')
  approve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ApproveBulletinDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<BulletinView> {
    return this.approvals.approveOne(id, actor, body.revision);
  }

  /** The approver's inbox: drafts waiting for them, oldest first, with who submitted each. */
  @Roles('approver', 'monitor', 'admin')
  @Get('approvals')
  inbox(@CurrentUser() actor: AuthUser): Promise<ApprovalInboxView> {
    return this.approvals.inbox(actor);
  }

  /**
   * Approve or send back (with a reason) several bulletins at once: all change, or none. To
   * approve, `revisions` names the revision of each bulletin the approver heard and read; one
   * edited since (or not named) answers 409 `BULLETIN_CHANGED`, listing them in `changed`.
   */
  @Roles('approver', 'monitor', 'admin')
  @ApiConflictResponse({
    description:
      '`BULLETIN_CHANGED` (BulletinsChangedProblemView, `changed` lists them): edited since the ' +
      'revision named, or none named to approve; `REVIEW_REFUSED`: another bulletin may not be ' +
      'reviewed. Nothing changed.',
    type: ProblemDto,
  })
  @ApiExtraModels(BulletinsChangedProblemView)
  @HttpCode(200)
  @Post('approvals/review')
  review(
    @Body() body: ReviewBulletinsDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ReviewResultView> {
    return this.approvals.review(body, actor);
  }

  /** How many of the commune's drafts wait for approval or were sent back, and who approves. */
  @CommuneScope()
  @Get('communes/:commune/approvals/summary')
  approvalSummary(@Param('commune') commune: string): Promise<ApprovalSummaryView> {
    return this.approvals.summary(commune);
  }

  /** Archives a bulletin and cancels its future items; `?dryRun=true` counts them, writes nothing. */
  @HttpCode(200)
  @Post('bulletins/:id/archive')
  archive(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: DryRunQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<BulletinChangeView> {
    return this.bulletins.archive(id, actor, query.dryRun ?? false);
  }

  @HttpCode(204)
  @Delete('bulletins/:id')
  delete(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<void> {
    return this.bulletins.delete(id, actor);
  }
}
