import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { JsonBodyLimit } from '../common/json-body';
import { UsersService, UserView } from '../users/users.service';
import { CurrentUser, Public, Roles } from './access.decorators';
import { AuditService } from './audit.service';
import { AuthService, LoginResult } from './auth.service';
import { AuthUser } from './auth-user';
import { AuditQueryDto } from './dto/audit-query.dto';
import { LoginDto } from './dto/login.dto';
import { GeoService } from '../geo/geo.service';
import { AuditEventView } from './audit-event.view';

/** A login is a username (≤ 64) and a password (≤ 256): a few hundred bytes of JSON. */
export const LOGIN_BODY_LIMIT_BYTES = 4 * 1024;

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly geo: GeoService,
  ) {}

  @Public()
  @JsonBodyLimit(LOGIN_BODY_LIMIT_BYTES)
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() request: Request): Promise<LoginResult> {
    return this.auth.login(body.username, body.password, request.ip ?? null);
  }

  @ApiBearerAuth()
  @Get('auth/me')
  async me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return this.users.view(await this.users.get(user.id));
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Get('audit')
  async list(@Query() query: AuditQueryDto): Promise<AuditEventView[]> {
    const events = await this.audit.list({
      action: query.action,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit ?? 100,
    });
    return events.map((event) => {
      const commune = event.communeCode ? this.geo.findCommune(event.communeCode) : undefined;
      const provinceCode = event.provinceCode ?? commune?.provinceCode;
      return {
        ...event,
        communeName: commune?.name ?? null,
        provinceName: provinceCode ? (this.geo.findProvince(provinceCode)?.fullName ?? null) : null,
      };
    });
  }
}
