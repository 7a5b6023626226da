import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CommuneScope, ProvinceScope, Roles } from '../auth/access.decorators';
import { AlertListOptions, AlertsService, AlertView } from './alerts.service';
import { AlertListQueryDto } from './dto/alert.dto';

const DEFAULT_HISTORY_DAYS = 7;

function listOptions(query: AlertListQueryDto): AlertListOptions {
  return {
    includeCleared: query.state === 'all' || query.include === 'cleared',
    days: query.days ?? DEFAULT_HISTORY_DAYS,
  };
}

/** A commune's fleet alerts: its users, the monitors of its province and admins read them. */
@ApiTags('fleet')
@ApiBearerAuth()
@Controller('communes/:commune/alerts')
@CommuneScope()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  list(@Param('commune') commune: string, @Query() query: AlertListQueryDto): Promise<AlertView[]> {
    return this.alerts.listCommune(commune, listOptions(query));
  }
}

/** A province's fleet alerts, for its monitors. */
@ApiTags('fleet')
@ApiBearerAuth()
@Controller('provinces/:province/alerts')
export class ProvinceAlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Roles('admin', 'monitor')
  @ProvinceScope({ source: 'params', name: 'province' })
  @Get()
  list(
    @Param('province') province: string,
    @Query() query: AlertListQueryDto,
  ): Promise<AlertView[]> {
    return this.alerts.listProvince(province, listOptions(query));
  }
}
