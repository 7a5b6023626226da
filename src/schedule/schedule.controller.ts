import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { ProblemDto } from '../common/problem.dto';
import {
  BulletinSlotsQueryDto,
  CancelScheduleItemDto,
  CreateScheduleItemDto,
  FreeSlotsQueryDto,
  GapsQueryDto,
  MoveScheduleItemDto,
  PlanDto,
  ScheduleRangeQueryDto,
} from './dto/schedule.dto';
import { GapsView, PlanService, PlanView } from './plan.service';
import { ItemPolicyRefusalView, POLICY_REFUSAL_CODES } from './policy-refusal.view';
import { ScheduleItemView } from './schedule-item.view';
import { BulletinSlotsView, FreeSlotsView, ScheduleService } from './schedule.service';

/** What an item's save is refused with when it breaks the broadcast policy. */
const ITEM_POLICY_REFUSAL =
  `${POLICY_REFUSAL_CODES} (ItemPolicyRefusalView): the item would break the commune's ` +
  'broadcast policy, or take a later item of its day past the daily limit (`pushedItem`); ' +
  'items the player will refuse anyway do not count; the problem carries the `rule`, the ' +
  "policy's Vietnamese message (`messageVi`) and the item's `startsAt` and `endsAt`";

@ApiTags('schedule')
@ApiBearerAuth()
@CommuneScope()
@Controller('communes/:commune/schedule')
export class ScheduleController {
  constructor(
    private readonly schedule: ScheduleService,
    private readonly planner: PlanService,
  ) {}

  @Post()
  @ApiConflictResponse({
    description:
      `${ITEM_POLICY_REFUSAL}; \`SCHEDULE_OVERLAP\`, \`SCHEDULE_OUTSIDE_WINDOW\`, ` +
      '`SCHEDULE_IN_PAST`: another item in its time, outside every window, or a start passed',
    type: ProblemDto,
  })
  @ApiExtraModels(ItemPolicyRefusalView)
  create(
    @Param('commune') commune: string,
    @Body() body: CreateScheduleItemDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ScheduleItemView> {
    return this.schedule.create(commune, body, actor);
  }

  /** Items starting in [from, to] (local dates, both included; a week from today by default). */
  @Get()
  list(
    @Param('commune') commune: string,
    @Query() query: ScheduleRangeQueryDto,
  ): Promise<ScheduleItemView[]> {
    return this.schedule.list(commune, query);
  }

  /** Fills free window time to meet the campaign's targets; `dryRun` writes nothing. */
  @HttpCode(200)
  @Post('plan')
  plan(
    @Param('commune') commune: string,
    @Body() body: PlanDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<PlanView> {
    return this.planner.plan(commune, body, actor);
  }

  /** How far the current log is from the campaign's targets, week by week and day by day. */
  @Get('gaps')
  gaps(@Param('commune') commune: string, @Query() query: GapsQueryDto): Promise<GapsView> {
    return this.planner.gaps(commune, query);
  }

  /** Free times a new item of an approved bulletin could take, one per window occurrence. */
  @Get('slots')
  bulletinSlots(
    @Param('commune') commune: string,
    @Query() query: BulletinSlotsQueryDto,
  ): Promise<BulletinSlotsView> {
    return this.schedule.bulletinSlots(commune, query.bulletinId, query.days ?? 7);
  }

  @Get('items/:itemId')
  get(
    @Param('commune') commune: string,
    @Param('itemId', new ParseUUIDPipe()) itemId: string,
  ): Promise<ScheduleItemView> {
    return this.schedule.get(commune, itemId);
  }

  /** Free times an item that has not started could move to, one per window occurrence. */
  @Get('items/:itemId/slots')
  slots(
    @Param('commune') commune: string,
    @Param('itemId', new ParseUUIDPipe()) itemId: string,
    @Query() query: FreeSlotsQueryDto,
  ): Promise<FreeSlotsView> {
    return this.schedule.freeSlots(commune, itemId, query.days ?? 7);
  }

  /** Moves an item that has not started, with the checks of a new item. */
  @Patch('items/:itemId')
  @ApiConflictResponse({
    description:
      `${ITEM_POLICY_REFUSAL}; \`SCHEDULE_OVERLAP\`, \`SCHEDULE_OUTSIDE_WINDOW\`, ` +
      '`SCHEDULE_IN_PAST`, `SCHEDULE_ITEM_CLOSED`: another item in its new time, outside every ' +
      'window, a start passed, or an item that started or was cancelled',
    type: ProblemDto,
  })
  @ApiExtraModels(ItemPolicyRefusalView)
  move(
    @Param('commune') commune: string,
    @Param('itemId', new ParseUUIDPipe()) itemId: string,
    @Body() body: MoveScheduleItemDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ScheduleItemView> {
    return this.schedule.move(commune, itemId, body, actor);
  }

  /** Takes an item that has not started off the log; it stays listed as `cancelled`. */
  @HttpCode(200)
  @Post('items/:itemId/cancel')
  cancel(
    @Param('commune') commune: string,
    @Param('itemId', new ParseUUIDPipe()) itemId: string,
    @Body() body: CancelScheduleItemDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ScheduleItemView> {
    return this.schedule.cancel(commune, itemId, body, actor);
  }
}
