import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, ProvinceScope, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { CreateSourceDto, UpdateSourceDto } from './dto/source.dto';
import { SourceCheckView } from './source.view';
import { SourcesService, SourceView } from './sources.service';

const SCOPE = { source: 'params', name: 'province' } as const;

/**
 * A province's stream sources (nguồn tiếp âm). Monitors and admins keep and check them; the
 * province's commune users read them (the service checks that).
 */
@ApiTags('sources')
@ApiBearerAuth()
@Controller('provinces/:province/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Get()
  list(@Param('province') province: string, @CurrentUser() user: AuthUser): Promise<SourceView[]> {
    return this.sources.list(province, user);
  }

  @Get(':id')
  get(
    @Param('province') province: string,
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
  ): Promise<SourceView> {
    return this.sources.get(province, id, user);
  }

  @Roles('admin', 'monitor')
  @ProvinceScope(SCOPE)
  @Post()
  create(
    @Param('province') province: string,
    @Body() body: CreateSourceDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SourceView> {
    return this.sources.create(province, body, user);
  }

  @Roles('admin', 'monitor')
  @ProvinceScope(SCOPE)
  @Patch(':id')
  update(
    @Param('province') province: string,
    @Param('id') id: string,
    @Body() body: UpdateSourceDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SourceView> {
    return this.sources.update(province, id, body, user);
  }

  @Roles('admin', 'monitor')
  @ProvinceScope(SCOPE)
  @Delete(':id')
  @HttpCode(204)
  remove(
    @Param('province') province: string,
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
  ): Promise<void> {
    return this.sources.remove(province, id, user);
  }

  @Roles('admin', 'monitor')
  @ProvinceScope(SCOPE)
  @Post(':id/check')
  @HttpCode(200)
  check(@Param('province') province: string, @Param('id') id: string): Promise<SourceCheckView> {
    return this.sources.check(province, id);
  }
}
