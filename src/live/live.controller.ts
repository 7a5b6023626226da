import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { ProblemDto } from '../common/problem.dto';
import { OpenLiveDto } from './dto/live.dto';
import { LiveSessionsService, LiveStatus, OpenedLive } from './live-sessions.service';
import { LivePolicyRefusalView } from './live.view';

/** Live announcements of a commune: whether one can start, and a ticket for the speaker's socket. */
@ApiTags('live')
@ApiBearerAuth()
@Controller('communes/:commune/live')
export class LiveController {
  constructor(private readonly live: LiveSessionsService) {}

  @Roles('operator', 'approver')
  @CommuneScope()
  @Get()
  status(@Param('commune') commune: string): Promise<LiveStatus> {
    return this.live.status(commune);
  }

  /** Opens a session: 201 with a one-time ticket for `GET /api/v1/live/socket?ticket=…`. */
  @Roles('operator', 'approver')
  @CommuneScope()
  @Post()
  @HttpCode(201)
  @ApiConflictResponse({
    description:
      "`POLICY_QUIET_HOURS` (LivePolicyRefusalView): now is in the commune's quiet hours; the " +
      "problem carries the `rule`, the policy's Vietnamese message (`messageVi`, naming the " +
      'hours) and the `quietHours`; `LIVE_EMERGENCY_ON_AIR`, `LIVE_ALREADY_ON_AIR`, ' +
      '`LIVE_NO_DEVICES`, `LIVE_UNAVAILABLE`: an emergency on air, a session already on air, ' +
      'no enrolled device in the zones, no player in this process',
    type: ProblemDto,
  })
  @ApiExtraModels(LivePolicyRefusalView)
  open(
    @Param('commune') commune: string,
    @Body() body: OpenLiveDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<OpenedLive> {
    return this.live.open(commune, body, actor);
  }
}
