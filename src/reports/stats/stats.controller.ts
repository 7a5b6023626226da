import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyAccess, CommuneScope, ProvinceScope } from '../../auth/access.decorators';
import { RequiredRangeQueryDto } from '../dto/report-query.dto';
import { StatsFeed, StatsService } from './stats.service';

/**
 * The open statistics feed (schemaVersion 1), for the central information source system or any
 * other consumer: an `X-API-Key` scoped to the province, or a monitor's or admin's token.
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
  @ApiOperation({ summary: 'Per commune and day of a province: seconds aired and plays per topic' })
  provinceDays(
    @Param('province') province: string,
    @Query() query: RequiredRangeQueryDto,
  ): Promise<StatsFeed> {
    return this.stats.provinceDays(province, query);
  }

  @Get('communes/:commune/days')
  @CommuneScope()
  @ApiOperation({ summary: 'Per day of a commune: seconds aired and plays per topic' })
  communeDays(
    @Param('commune') commune: string,
    @Query() query: RequiredRangeQueryDto,
  ): Promise<StatsFeed> {
    return this.stats.communeDays(commune, query);
  }
}
