import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, ProvinceScope, Roles } from '../../../auth/access.decorators';
import { AuthUser } from '../../../auth/auth-user';
import { DomainError } from '../../../common/domain-error';
import { isLocalDate } from '../../../common/local-time';
import { StatsPushTargetDto } from '../dto/stats-push.dto';
import {
  StatsPushState,
  StatsPushTargetsService,
  StatsPushTargetView,
} from './stats-push-targets.service';

/**
 * The daily push of a province's statistics feed: its target (admins) and how the deliveries went
 * (admins and the province's monitors). See docs/stats-feed.md for what the receiver gets.
 */
@ApiTags('stats')
@ApiBearerAuth()
@Controller('provinces/:province/stats-push')
@ProvinceScope({ source: 'params', name: 'province' })
export class StatsPushController {
  constructor(private readonly targets: StatsPushTargetsService) {}

  @Get()
  @Roles('admin', 'monitor')
  @ApiOperation({ summary: "The province's push target (secret never shown) and its deliveries" })
  state(@Param('province') province: string): Promise<StatsPushState> {
    return this.targets.state(province);
  }

  @Put()
  @Roles('admin')
  @ApiOperation({ summary: "Sets where the province's finished days are pushed, and the secret" })
  configure(
    @Param('province') province: string,
    @Body() body: StatsPushTargetDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<StatsPushTargetView> {
    if (body.startsOn !== undefined && !isLocalDate(body.startsOn)) {
      throw new DomainError('VALIDATION_FAILED', 'startsOn must be a real date YYYY-MM-DD');
    }
    return this.targets.configure(province, body, actor);
  }

  @Delete()
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: "Stops the province's push (the deliveries' history stays)" })
  remove(@Param('province') province: string, @CurrentUser() actor: AuthUser): Promise<void> {
    return this.targets.remove(province, actor);
  }
}
