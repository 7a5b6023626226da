import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyAccess, CommuneScope, ProvinceScope } from '../../auth/access.decorators';
import { RequiredRangeQueryDto } from '../dto/report-query.dto';
import { StatsFeedDto } from './dto/stats-feed.dto';
import { StatsService } from './stats.service';

/**
 * The open statistics feed (schemaVersion 1, docs/stats-feed.md), for the central information
 * source system or any other consumer: an `X-API-Key` scoped to the province, or a monitor's or
 * admin's token. The same days are pushed daily to a province's target (StatsPushController).
 */
@ApiTags('stats')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiKeyAccess()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('provinces/:province/days')
  @ProvinceScope({ source: 'params', name: 'province' })
  @ApiOperation({
    summary:
      'Per commune and day of a province: bulletins planned and by outcome, planned and aired time per topic, relays, clusters online',
  })
  provinceDays(
    @Param('province') province: string,
    @Query() query: RequiredRangeQueryDto,
  ): Promise<StatsFeedDto> {
    return this.stats.provinceDays(province, query);
  }

  @Get('communes/:commune/days')
  @CommuneScope()
  @ApiOperation({ summary: "Per day of a commune: the province feed's entries for that commune" })
  communeDays(
    @Param('commune') commune: string,
    @Query() query: RequiredRangeQueryDto,
  ): Promise<StatsFeedDto> {
    return this.stats.communeDays(commune, query);
  }
}
