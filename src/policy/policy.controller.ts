import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser, ProvinceScope, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { PutPolicyDto } from './dto/policy.dto';
import { PolicyService, PolicyView } from './policy.service';

/** A province's broadcast policy: its monitors and admins read and set it. */
@ApiTags('policy')
@ApiBearerAuth()
@Controller('provinces/:province/policy')
@Roles('admin', 'monitor')
@ProvinceScope({ source: 'params', name: 'province' })
export class ProvincePolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @ApiOperation({ summary: 'The policy in force, where each value comes from, what breaks it' })
  get(@Param('province') province: string): Promise<PolicyView> {
    return this.policies.getProvince(province);
  }

  @Put()
  @ApiOperation({ summary: 'Sets the province policy (absent fields: the defaults)' })
  put(
    @Param('province') province: string,
    @Body() body: PutPolicyDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<PolicyView> {
    return this.policies.putProvince(province, body, actor);
  }
}

/**
 * A commune's broadcast policy: everyone with access to the commune reads it (its operators and
 * approvers, the province's monitors); its approvers and admins may tighten it, never loosen it
 * (422). Operators may not: the policy binds what they schedule.
 */
@ApiTags('policy')
@ApiBearerAuth()
@Controller('communes/:commune/policy')
@CommuneScope()
export class CommunePolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @ApiOperation({ summary: 'The policy in force, where each value comes from, what breaks it' })
  get(@Param('commune') commune: string): Promise<PolicyView> {
    return this.policies.getCommune(commune);
  }

  @Put()
  @Roles('admin', 'approver')
  @ApiOperation({ summary: "Tightens the province's policy (absent fields: inherited)" })
  put(
    @Param('commune') commune: string,
    @Body() body: PutPolicyDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<PolicyView> {
    return this.policies.putCommune(commune, body, actor);
  }
}
