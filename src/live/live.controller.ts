import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { OpenLiveDto } from './dto/live.dto';
import { LiveSessionsService, LiveStatus, OpenedLive } from './live-sessions.service';

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
  open(
    @Param('commune') commune: string,
    @Body() body: OpenLiveDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<OpenedLive> {
    return this.live.open(commune, body, actor);
  }
}
