import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser, ProvinceScope, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { EmergencyDto } from '../schedule/dto/schedule.dto';
import { ProvinceEmergencyDto } from './dto/emergency.dto';
import {
  CommuneEmergencyView,
  EmergenciesService,
  EmergencyReport,
  EmergencySummary,
  ProvinceEmergencyView,
} from './emergencies.service';

/**
 * Emergencies: a commune's (on its program log and to the devices of its zones), a province's
 * (to every targeted commune's log and devices), and their delivery, device by device.
 */
@ApiTags('emergencies')
@ApiBearerAuth()
@Controller()
export class EmergenciesController {
  constructor(private readonly emergencies: EmergenciesService) {}

  /** An emergency bulletin on air now, interrupting the program, and to the commune's devices. */
  @CommuneScope()
  @Post('communes/:commune/schedule/emergency')
  commune(
    @Param('commune') commune: string,
    @Body() body: EmergencyDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<CommuneEmergencyView> {
    return this.emergencies.commune(commune, body, actor);
  }

  /** The commune's recent emergencies, newest first. */
  @CommuneScope()
  @Get('communes/:commune/emergencies')
  list(@Param('commune') commune: string): Promise<EmergencySummary[]> {
    return this.emergencies.listForCommune(commune);
  }

  @Roles('admin', 'monitor')
  @ProvinceScope({ source: 'params', name: 'province' })
  @Post('provinces/:province/emergency')
  province(
    @Param('province') province: string,
    @Body() body: ProvinceEmergencyDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ProvinceEmergencyView> {
    return this.emergencies.province(province, body, actor);
  }

  @Get('emergencies/:id')
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<EmergencyReport> {
    return this.emergencies.report(id, actor);
  }
}
