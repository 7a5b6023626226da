import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommuneScope, ProvinceScope } from '../../auth/access.decorators';
import { RequiredRangeQueryDto } from '../dto/report-query.dto';
import { StatsFeed, StatsService } from './stats.service';

/**
 * The open statistics feed (schemaVersion 1), for the central information source system or any
 * other consumer: a monitor's or admin's token for now (API keys scoped to a province: to do).
 */
@ApiTags('stats')
@ApiBearerAuth()
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
