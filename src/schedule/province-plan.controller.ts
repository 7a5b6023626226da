import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, ProvinceScope, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { ProvincePlanDto } from './dto/schedule.dto';
import { PlanService, ProvincePlanView } from './plan.service';

@ApiTags('schedule')
@ApiBearerAuth()
@Roles('admin', 'monitor')
@ProvinceScope({ source: 'params', name: 'province' })
@Controller('provinces/:province/schedule')
export class ProvincePlanController {
  constructor(private readonly planner: PlanService) {}

  /**
   * Plans every commune of the province (or `communes`) in one transaction, each as its own plan
   * would; `dryRun` writes nothing. A line a commune: items planned, targets met, what lacks.
   */
  @HttpCode(200)
  @Post('plan')
  plan(
    @Param('province') province: string,
    @Body() body: ProvincePlanDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ProvincePlanView> {
    return this.planner.planProvince(province, body, actor);
  }
}
