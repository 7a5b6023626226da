import {
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser, Public, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { CalendarFeedGuard } from './calendar-feed.guard';
import { CalendarFeedService } from './calendar-feed.service';
import { CalendarLink, CalendarTokenService, CalendarTokenStatus } from './calendar-token.service';
import { CalendarQueryDto } from './dto/schedule.dto';

@ApiTags('schedule')
@ApiBearerAuth()
@Controller('communes/:commune')
export class CalendarController {
  constructor(
    private readonly feed: CalendarFeedService,
    private readonly calendarTokens: CalendarTokenService,
  ) {}

  /** The program log as iCalendar; a bearer token or the commune's secret `?token=` link. */
  @Public()
  @UseGuards(CalendarFeedGuard)
  @ApiProduces('text/calendar')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, max-age=300')
  @Get('schedule.ics')
  calendar(@Param('commune') commune: string, @Query() query: CalendarQueryDto): Promise<string> {
    return this.feed.feed(commune, query.from, query.to);
  }

  @CommuneScope()
  @Get('calendar-token')
  tokenStatus(@Param('commune') commune: string): Promise<CalendarTokenStatus> {
    return this.calendarTokens.status(commune);
  }

  /** A new secret link for phone calendars (shown once); the previous link stops working. */
  @Roles('admin', 'operator', 'approver')
  @CommuneScope()
  @Post('calendar-token')
  rotateToken(
    @Param('commune') commune: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<CalendarLink> {
    return this.calendarTokens.rotate(commune, actor);
  }

  @Roles('admin', 'operator', 'approver')
  @CommuneScope()
  @HttpCode(204)
  @Delete('calendar-token')
  revokeToken(@Param('commune') commune: string, @CurrentUser() actor: AuthUser): Promise<void> {
    return this.calendarTokens.revoke(commune, actor);
  }
}
